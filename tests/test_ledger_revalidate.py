"""Stored returns are checked again after the plan is edited, and a version-1 ledger migrates."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.definitions import load_plan
from reportkit.ledger import Ledger
from reportkit.ledger.schema import MIGRATIONS
from reportkit.project import Project

IPR = "市市场监管局知识产权科-2023年中期评估填报表.xlsx"


def _project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    assert CliRunner().invoke(main, ["init", str(root), "--example", "ezhou"]).exit_code == 0
    return Project(root)


def _set_upper(plan_path: Path, code: str, upper: float) -> None:
    wb = openpyxl.load_workbook(plan_path)
    ws = wb["指标"]
    col = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["指标编码"]).value == code)
    ws.cell(row, col["合理上限"]).value = upper
    wb.save(plan_path)


def test_editing_the_plan_rechecks_stored_returns(tmp_path: Path) -> None:
    project = _project(tmp_path)
    returns = project.returns_dir
    ipr = returns / IPR
    with Ledger.for_project(project) as ledger:
        plan = load_plan(project.plan_path)
        ledger.collect(plan, ipr)
        assert ledger.revalidate(plan) == []  # checked against these definitions already
        before = ledger.history("ipr")[0]
    # The coordinator lowers the plausible upper bound of 马德里商标 (A05) below what was reported.
    _set_upper(project.plan_path, "A05", 5)
    edited = load_plan(project.plan_path)
    with Ledger.for_project(project) as ledger:
        again = ledger.revalidate(edited)
        assert [r.sha256 for r in again] == [before.sha256]
        record = ledger.history("ipr")[0]
        assert ledger.revalidate(edited) == []  # once only
    codes = {f.code for f in record.findings}
    assert "value.out-of-range" in codes and "form.outdated" in codes
    out = next(f for f in record.findings if f.code == "value.out-of-range")
    assert out.location.file == IPR  # named as the unit sent it, not as the stored copy
    assert record.received_at == before.received_at and record.file_name == before.file_name


def test_a_version_1_ledger_is_migrated_and_its_returns_rechecked(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plan = load_plan(project.plan_path)
    with Ledger.for_project(project) as ledger:
        ledger.collect(plan, project.returns_dir / IPR)
    # Rebuild the file as version 1 wrote it: same tables, no checked_with column.
    old = tmp_path / "v1.db"
    conn = sqlite3.connect(old)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    src = sqlite3.connect(project.ledger_path)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(submissions)")]
    for table in ("submissions", "findings", "observations", "notes", "task_reports", "narratives"):
        names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        rows = src.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
        conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)
    conn.commit()
    conn.close()
    src.close()
    assert "checked_with" not in cols
    shutil.copyfile(old, project.ledger_path)
    with Ledger.for_project(project) as ledger:
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        indexes = {r[0] for r in ledger.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "observations_by_code" not in indexes  # version 1 made it, version 5 drops it
        assert len(ledger.history("ipr")) == 1  # nothing lost
        assert len(ledger.revalidate(plan)) == 1  # not known to be checked against this plan: checked


def test_current_loads_each_return_once_and_equals_latest_and_latest_accepted(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plan = load_plan(project.plan_path)
    with Ledger.for_project(project) as ledger:
        ledger.collect_dir(plan, project.returns_dir)
        latest, accepted = ledger.current(plan)
        assert [r.sha256 for r in latest] == [r.sha256 for r in ledger.latest(plan)]
        assert [r.sha256 for r in accepted] == [r.sha256 for r in ledger.latest_accepted(plan)]
        assert len(latest) == len(accepted) + 1  # the drug office's only return has an error


def test_current_keeps_an_older_accepted_return_when_the_newest_has_errors(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plan = load_plan(project.plan_path)
    good = project.returns_dir / "鄂城区-2023年中期评估填报表.xlsx"
    wb = openpyxl.load_workbook(good)
    ws = wb["指标数据"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "编码")
    col = next(c.column for c in ws[header] if c.value == "2023年")
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value == "A01")
    ws.cell(row, col).value = "很多"
    bad = tmp_path / "鄂城区（再报）.xlsx"
    wb.save(bad)
    with Ledger.for_project(project) as ledger:
        ledger.collect(plan, good, received_at="2024-01-10")
        ledger.collect(plan, bad, received_at="2024-01-15")
        latest, accepted = ledger.current(plan)
    assert [r.path for r in latest] == [str(bad.resolve())]
    assert [r.path for r in accepted] == [str(good.resolve())]
