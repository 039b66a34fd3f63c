"""Load benchmark of the web intake. Run by hand (needs the test extras for the HTTP client):

    python bench/bench_intake.py [--units 100] [--keep DIR]

Generates a plan with ``--units`` reporting units (the province-scale plan of
``bench_build.py``: 60 indicators, 40 data items, 40 tasks), writes and fills each unit's
return form, issues the links, starts ``reportkit serve`` (uvicorn, one process) on a free
local port, and has every unit upload its return at the same moment, each from its own
client (open the page for its form token, then post the file). Prints throughput, p50/p95/max
latency of the uploads, and checks that every submission is in the ledger exactly once.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx2 as httpx  # noqa: E402
from bench_build import fill, make_plan  # noqa: E402

from reportkit.definitions.loader import load_plan  # noqa: E402
from reportkit.definitions.model import Plan  # noqa: E402
from reportkit.definitions.writer import write_plan_workbook  # noqa: E402
from reportkit.forms.writer import write_forms  # noqa: E402
from reportkit.project import Project  # noqa: E402
from reportkit.web.links import hand_out_links  # noqa: E402

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def setup(root: Path, n_units: int) -> tuple[Plan, dict[str, Path]]:
    """The project's plan as the server reads it, and each unit's filled return by unit code."""
    (root / "inputs" / "returns").mkdir(parents=True)
    write_plan_workbook(make_plan(n_units), root / "inputs" / "plan.xlsx")
    # Forms are written from the workbook, as a coordinator does (the generated plan object
    # fingerprints its computed indicators differently from the same plan read back).
    plan = load_plan(root / "inputs" / "plan.xlsx")
    rng = random.Random(7)
    forms = write_forms(plan, root / "filled")
    for info in forms:
        fill(info.path, rng)
    return plan, {info.unit: info.path for info in forms}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-m", "reportkit", "serve", "-p", str(root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the intake server did not start")


Timed = tuple[float, float, int, str]  # (posted at, answered at, HTTP status, verdict shown)


def upload(base: str, path: str, file: Path, start: threading.Barrier) -> Timed:
    """One unit's upload, posted when every unit is ready (its page was fetched before)."""
    with httpx.Client(base_url=base, timeout=600) as client:
        token = CSRF.search(client.get(path).text)
        data = file.read_bytes()
        start.wait()
        posted = time.perf_counter()
        response = client.post(path, data={"csrf": token.group(1) if token else ""}, files={"file": (file.name, data)})
        answered = time.perf_counter()
    verdict = re.search(r"<strong>([^<]+)</strong>", response.text)
    return posted, answered, response.status_code, verdict.group(1) if verdict else ""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def run(root: Path, n_units: int) -> int:
    t = time.perf_counter()
    plan, returns = setup(root, n_units)
    base = f"http://127.0.0.1:{free_port()}"
    links = {row.unit: row.url.removeprefix(base) for row in hand_out_links(Project(root), plan, base).rows
             if row.url}
    print(f"setup: {len(returns)} filled returns and links in {time.perf_counter() - t:.1f} s ({root})")
    server = start_server(root, int(base.rsplit(":", 1)[1]))
    try:
        start = threading.Barrier(len(returns))
        with ThreadPoolExecutor(max_workers=len(returns)) as pool:
            futures = [pool.submit(upload, base, links[code], file, start) for code, file in returns.items()]
            results = [f.result() for f in futures]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return report(root, returns, results)


def report(root: Path, returns: dict[str, Path], results: list[Timed]) -> int:
    latencies = [answered - posted for posted, answered, _, _ in results]
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    ok = sum(r[2] == 200 for r in results)
    verdicts: dict[str, int] = {}
    for r in results:
        verdicts[r[3]] = verdicts.get(r[3], 0) + 1
    conn = sqlite3.connect(root / ".reportkit" / "ledger.db")
    rows = conn.execute("SELECT unit, COUNT(*) FROM submissions GROUP BY unit").fetchall()
    conn.close()
    once = sorted(u for u, n in rows if n == 1) == sorted(returns) and all(n == 1 for _, n in rows)
    print(f"uploads:     {len(results)} concurrent, {ok} answered 200, verdicts {verdicts}")
    print(f"throughput:  {len(results) / wall:.2f} uploads/s ({wall:.1f} s for all)")
    print(f"latency:     p50 {statistics.median(latencies):.2f} s, p95 {percentile(latencies, 95):.2f} s, "
          f"max {max(latencies):.2f} s")
    print(f"ledger:      {sum(n for _, n in rows)} submissions for {len(rows)} units; "
          f"every unit's return recorded exactly once: {'yes' if once else 'NO'}")
    return 0 if once and ok == len(results) else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100)
    ap.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="reportkit-intake-bench-"))
    try:
        return run(root, args.units)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
