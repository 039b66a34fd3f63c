"""Concurrent uploads against a real uvicorn server: every return is in the ledger once,
whatever the interleaving, including the same file sent twice at the same moment."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
from live_server import live_server
from web_support import PLAN, RETURNS, code_of, make_project, unit_paths, upload

from reportkit.ledger import Ledger


def test_concurrent_uploads_are_each_recorded_once(tmp_path: Path) -> None:
    project = make_project(tmp_path / "项目")
    files = sorted(RETURNS.glob("*.xlsx"))
    names = [f.name.split("-2023")[0] for f in files]
    with live_server(project) as base:
        links = unit_paths(project, base)
        jobs = [(links[n], f) for n, f in zip(names, files, strict=True)]
        jobs.append(jobs[0])  # the same file again, racing its first upload

        def send(job: tuple[str, Path]) -> int:
            with httpx.Client(base_url=base, timeout=120) as client:
                return upload(client, job[0], job[1], origin=base).status_code

        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            statuses = list(pool.map(send, jobs))
    assert statuses == [200] * len(jobs)
    with Ledger.for_project(project) as ledger:
        rows = ledger.conn.execute("SELECT unit, sha256 FROM submissions").fetchall()
        status = ledger.status(PLAN)
    assert sorted(r["unit"] for r in rows) == sorted(code_of(n) for n in names)
    assert len({r["sha256"] for r in rows}) == len(files)
    assert status.reported == len(files)
