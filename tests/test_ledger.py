"""The submission ledger: collect, re-collect, resubmission, two units, rejected files,
status, history, prefill and export, against a real SQLite file and real .xlsx returns."""

from __future__ import annotations

import csv
import datetime as dt
import os
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from test_ledger_support import (
    GOOD_D1,
    GOOD_D2,
    dump,
    make_plan,
    mini_validate,
    sha256_file,
    write_return,
)

from reportkit.errors import UsageError
from reportkit.intake.types import ReturnData
from reportkit.ledger import SCHEMA_VERSION, Ledger, Outcome, plan_period
from reportkit.project import Project

PLAN = make_plan()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj")


@pytest.fixture
def ledger(project: Project):
    with Ledger.for_project(project) as led:
        yield led


def collect(ledger: Ledger, path: Path, when: str = "2024-01-10T09:00:00"):
    return ledger.collect(PLAN, path, received_at=when, validate=mini_validate)


def test_fresh_ledger_has_current_schema(project: Project, ledger: Ledger) -> None:
    conn = sqlite3.connect(project.ledger_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert {"submissions", "findings", "observations", "notes", "task_reports", "narratives",
            "unit_links", "web_settings", "rounds"} <= tables
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "observations_by_code" not in indexes and "submissions_by_unit" in indexes
    # values are read per return: by the primary key, no scan
    plan = " ".join(str(r[-1]) for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM observations WHERE submission_id IN (1, 2) ORDER BY submission_id, seq"))
    assert "PRIMARY KEY" in plan or "sqlite_autoindex_observations" in plan, plan
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_collect_records_return_and_keeps_original(tmp_path: Path, project: Project, ledger: Ledger) -> None:
    src = write_return(tmp_path / "in" / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1)
    before = src.read_bytes()
    result = collect(ledger, src)

    assert result.outcome is Outcome.NEW
    rec = result.record
    assert (rec.unit, rec.unit_name, rec.plan_id, rec.period) == ("D01", "鄂城区", "test-validate", plan_period(PLAN))
    assert (rec.state, rec.state_label, rec.errors, rec.received_at) == ("accepted", "通过", 0, "2024-01-10T09:00:00")
    assert rec.file_name == "鄂城区.xlsx" and rec.superseded_by is None
    stored = project.state_dir / "originals" / rec.sha256[:2] / f"{rec.sha256}.xlsx"
    assert Path(rec.original) == stored
    assert stored.read_bytes() == before == src.read_bytes()  # input untouched, copy exact
    assert rec.sha256 == sha256_file(src)


def test_latest_accepted_rebuilds_the_return_exactly(tmp_path: Path, ledger: Ledger) -> None:
    src = write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", {**GOOD_D1, ("A01", 2023): 130.0},
                       explanations={"A01": "统计口径调整"})
    expected = mini_validate(PLAN, src)
    collect(ledger, src, "2024-01-12T10:30:00")

    [got] = ledger.latest_accepted(PLAN)
    assert isinstance(got, ReturnData)
    assert got.meta == expected.meta
    assert got.observations == expected.observations
    assert got.notes == expected.notes
    assert got.tasks == expected.tasks
    assert got.narrative == expected.narrative
    assert [f.to_dict() for f in got.findings] == [f.to_dict() for f in expected.findings]
    assert got.state == "accepted-with-explanations"
    assert got.received_at == "2024-01-12T10:30:00" and got.sha256 == expected.sha256


def test_recollecting_same_bytes_is_a_no_op(tmp_path: Path, project: Project, ledger: Ledger) -> None:
    src = write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1)
    first = collect(ledger, src)
    before = dump(project.ledger_path)
    calls: list[Path] = []

    def counting(plan, path):
        calls.append(path)
        return mini_validate(plan, path)

    copy = tmp_path / "转发" / "鄂城区(1).xlsx"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())
    for path in (src, copy):
        again = ledger.collect(PLAN, path, received_at="2024-01-15", validate=counting)
        assert again.outcome is Outcome.ALREADY
        assert again.record == first.record
        assert "已登记过" in again.message
    assert calls == []  # not even validated again
    assert dump(project.ledger_path) == before


def test_resubmission_fixing_an_error(tmp_path: Path, ledger: Ledger) -> None:
    bad = write_return(tmp_path / "v1" / "鄂城区.xlsx", "D01", "鄂城区", {**GOOD_D1, ("A01", 2022): "十二点五"})
    first = collect(ledger, bad, "2024-01-10T09:00:00")
    assert first.outcome is Outcome.NEW and first.record.state == "has-errors" and first.has_errors
    assert [f.code for f in first.record.findings] == ["ledger-test.not-a-number"]
    unit = ledger.status(PLAN, today=dt.date(2024, 1, 11)).units[0]
    assert (unit.reported, unit.state, unit.state_label, unit.has_accepted) == (True, "has-errors", "有错误", False)
    assert ledger.latest_accepted(PLAN) == []
    assert [r.sha256 for r in ledger.latest(PLAN)] == [first.sha256]

    good = write_return(tmp_path / "v2" / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1)
    second = collect(ledger, good, "2024-01-18T15:00:00")
    assert second.outcome is Outcome.SUPERSEDED and second.replaced == (first.sha256,)
    unit = ledger.status(PLAN, today=dt.date(2024, 1, 19)).units[0]
    assert (unit.state, unit.submissions, unit.resubmissions, unit.has_accepted) == ("accepted", 2, 1, True)
    assert unit.first_received == "2024-01-10T09:00:00" and unit.last_received == "2024-01-18T15:00:00"

    history = ledger.history("D01")
    assert [h.sha256 for h in history] == [first.sha256, second.sha256]
    assert history[0].superseded_by == second.sha256 and history[1].current
    assert history[0].state == "has-errors" and history[0].findings[0].value == "十二点五"
    assert Path(history[0].original).read_bytes() == bad.read_bytes()  # the old original is kept
    [used] = ledger.latest_accepted(PLAN)
    assert used.sha256 == second.sha256 and used.value("A01", 2022) == 12.25


def test_two_units_and_reporting_rate(tmp_path: Path, ledger: Ledger) -> None:
    collect(ledger, write_return(tmp_path / "华容区.xlsx", "D02", "华容区", GOOD_D2), "2024-01-22T08:00:00")
    collect(ledger, write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1), "2024-01-19T17:00:00")

    report = ledger.status(PLAN, today=dt.date(2024, 1, 25))
    assert (report.reported, report.total, report.accepted, report.on_time, report.late) == (2, 3, 2, 1, 1)
    rows = {u.unit: (u.reported, u.timeliness_label, u.submissions) for u in report.units}
    assert rows == {"D01": (True, "按时", 1), "D02": (True, "逾期", 1), "D03": (False, "逾期未报", 0)}
    assert [u.unit for u in report.missing] == ["D03"]
    assert report.summary.startswith("报送率 2/3（67%）") and "未报送：梁子湖区" in report.summary
    d = report.to_dict()
    assert (d["reported"], d["total"], d["missing"], d["deadline"]) == (2, 3, ["D03"], "2024-01-20")
    assert d["units"][2]["state_label"] == "未报送"
    # figures: one return per unit, in plan order
    assert [r.unit for r in ledger.latest_accepted(PLAN)] == ["D01", "D02"]


def test_not_yet_due_unit_is_pending(ledger: Ledger) -> None:
    report = ledger.status(PLAN, today=dt.date(2024, 1, 5))
    assert {u.timeliness for u in report.units} == {"pending"}
    assert report.reported == 0 and report.units[0].timeliness_label == "未报（未到截止日）"


def test_corrupt_file_is_rejected_and_changes_nothing_else(tmp_path: Path, project: Project,
                                                           ledger: Ledger) -> None:
    collect(ledger, write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1))
    status_before = ledger.status(PLAN, today=dt.date(2024, 1, 15)).to_dict()
    accepted_before = ledger.latest_accepted(PLAN)
    rows_before = dump(project.ledger_path)

    broken = tmp_path / "华容区.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    result = collect(ledger, broken, "2024-01-11T10:00:00")

    assert result.outcome is Outcome.REJECTED and result.has_errors
    rec = result.record
    assert (rec.unit, rec.plan_id, rec.period, rec.state, rec.state_label) == (None, None, None, "rejected", "无法受理")
    assert [f.code for f in rec.findings] == ["ledger-test.unreadable"]
    assert rec.findings[0].location.file == "华容区.xlsx"
    assert Path(rec.original).read_bytes() == broken.read_bytes()
    assert ledger.status(PLAN, today=dt.date(2024, 1, 15)).to_dict() == status_before
    assert ledger.latest_accepted(PLAN) == accepted_before
    # the only change: one submission row and its one finding
    added = sorted(set(dump(project.ledger_path)) - set(rows_before))
    assert len(added) == 3  # submission, finding, empty narrative
    assert set(rows_before) <= set(dump(project.ledger_path))
    assert collect(ledger, broken).outcome is Outcome.ALREADY


def test_earlier_return_collected_late_is_kept_but_not_used(tmp_path: Path, ledger: Ledger) -> None:
    newer = collect(ledger, write_return(tmp_path / "v2.xlsx", "D01", "鄂城区", GOOD_D1), "2024-01-18T09:00:00")
    older = collect(ledger, write_return(tmp_path / "v1.xlsx", "D01", "鄂城区", {**GOOD_D1, ("A01", 2023): 12.0}),
                    "2024-01-08T09:00:00")
    assert older.outcome is Outcome.OUTDATED and older.record.superseded_by == newer.sha256
    assert [r.sha256 for r in ledger.latest_accepted(PLAN)] == [newer.sha256]
    assert [h.sha256 for h in ledger.history("鄂城区")] == [older.sha256, newer.sha256]  # by name, by time


def test_error_resubmission_keeps_last_accepted_figures(tmp_path: Path, ledger: Ledger) -> None:
    good = collect(ledger, write_return(tmp_path / "v1.xlsx", "D01", "鄂城区", GOOD_D1), "2024-01-10T09:00:00")
    bad = collect(ledger, write_return(tmp_path / "v2.xlsx", "D01", "鄂城区", {**GOOD_D1, ("I01", 2023): "缺"}),
                  "2024-01-12T09:00:00")
    assert bad.outcome is Outcome.SUPERSEDED and bad.record.state == "has-errors"
    assert ledger.status(PLAN).units[0].state == "has-errors"
    assert [r.sha256 for r in ledger.latest_accepted(PLAN)] == [good.sha256]
    assert [r.sha256 for r in ledger.latest(PLAN)] == [bad.sha256]


def test_prefill_uses_accepted_values_only(tmp_path: Path, ledger: Ledger) -> None:
    collect(ledger, write_return(tmp_path / "v1.xlsx", "D01", "鄂城区", GOOD_D1), "2024-01-10T09:00:00")
    collect(ledger, write_return(tmp_path / "v2.xlsx", "D01", "鄂城区", {**GOOD_D1, ("A01", 2023): "x"}),
            "2024-01-11T09:00:00")
    assert ledger.prefill(PLAN, "D01") == {k: float(v) for k, v in GOOD_D1.items()}
    assert ledger.prefill(PLAN, "D02") == {}


def test_export_csv_and_xlsx(tmp_path: Path, ledger: Ledger) -> None:
    collect(ledger, write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1), "2024-01-10T09:00:00")
    collect(ledger, write_return(tmp_path / "华容区.xlsx", "D02", "华容区", GOOD_D2), "2024-01-11T09:00:00")
    collect(ledger, write_return(tmp_path / "鄂城区v2.xlsx", "D01", "鄂城区", {**GOOD_D1, ("A01", 2023): 13.5}),
            "2024-01-12T09:00:00")

    n = ledger.export(tmp_path / "out" / "台账.csv", PLAN)
    with (tmp_path / "out" / "台账.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert n == 12 and len(rows) == 13
    assert rows[0] == ["单位编码", "单位名称", "指标编码", "指标名称", "年份", "数值", "原始填写", "来源文件", "接收时间"]
    assert ["D02", "华容区", "A01", "市场主体数量", "2021", "8", "8", "华容区.xlsx", "2024-01-11 09:00:00"] in rows
    assert ["D01", "鄂城区", "A01", "市场主体数量", "2023", "13.5", "13.5", "鄂城区v2.xlsx",
            "2024-01-12 09:00:00"] in rows
    assert not any(r[7] == "鄂城区.xlsx" for r in rows)  # the superseded return is not exported

    assert ledger.export(tmp_path / "全部.xlsx", PLAN, everything=True) == 18
    ws = openpyxl.load_workbook(tmp_path / "全部.xlsx")["台账数据"]
    table = list(ws.iter_rows(values_only=True))
    assert table[0][-2:] == ("审核状态", "是否现用") and len(table) == 19
    first = table[1]
    assert first[:6] == ("D01", "鄂城区", "A01", "市场主体数量", 2021, 11.5) and first[-2:] == ("通过", "否")
    assert ("I01", "食品抽检合格批次") == table[4][2:4]


def test_export_rejects_unknown_extension(tmp_path: Path, ledger: Ledger) -> None:
    with pytest.raises(UsageError, match=r"\.csv 或 \.xlsx"):
        ledger.export(tmp_path / "x.json", PLAN)
    assert not (tmp_path / "x.json").exists()


def test_received_at_accepts_dates_and_rejects_garbage(tmp_path: Path, ledger: Ledger) -> None:
    src = write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1)
    with pytest.raises(UsageError, match="接收时间"):
        ledger.collect(PLAN, src, received_at="上周五", validate=mini_validate)
    assert ledger.submissions() == []
    res = ledger.collect(PLAN, src, received_at=dt.date(2024, 1, 20), validate=mini_validate)
    assert res.record.received_at == "2024-01-20T00:00:00"
    assert ledger.status(PLAN).units[0].timeliness == "on-time"  # the deadline day counts as on time


def test_collect_missing_file_is_a_usage_error(tmp_path: Path, ledger: Ledger) -> None:
    with pytest.raises(UsageError, match="找不到文件"):
        collect(ledger, tmp_path / "nope.xlsx")


def test_records_survive_reopening(tmp_path: Path, project: Project) -> None:
    src = write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1)
    with Ledger.for_project(project) as led:
        first = collect(led, src)
    with Ledger.for_project(project) as led:
        assert led.find(first.sha256) == first.record
        assert collect(led, src).outcome is Outcome.ALREADY


def test_received_at_defaults_to_when_the_file_was_saved(tmp_path: Path, ledger: Ledger) -> None:
    src = write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1)
    saved = dt.datetime(2024, 1, 18, 16, 45, 10)
    os.utime(src, (saved.timestamp(), saved.timestamp()))
    res = ledger.collect(PLAN, src, validate=mini_validate)
    assert res.record.received_at == "2024-01-18T16:45:10"
    assert res.record.collected_at > res.record.received_at


def test_batch_with_one_receipt_time_keeps_the_later_saved_return(tmp_path: Path, ledger: Ledger) -> None:
    fixed = write_return(tmp_path / "鄂城区-修改.xlsx", "D01", "鄂城区", GOOD_D1)
    first = write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", {**GOOD_D1, ("A01", 2021): "?"})
    os.utime(first, (1_700_000_000, 1_700_000_000))
    os.utime(fixed, (1_700_090_000, 1_700_090_000))
    seen: list[str] = []
    results = ledger.collect_many(PLAN, [fixed, first], received_at="2024-01-19", validate=mini_validate,
                                  on_result=lambda r: seen.append(Path(r.path).name))
    assert seen == ["鄂城区.xlsx", "鄂城区-修改.xlsx"]  # oldest saved first
    assert [r.outcome for r in results] == [Outcome.NEW, Outcome.SUPERSEDED]
    assert ledger.status(PLAN).units[0].state == "accepted"


def test_returns_read_back_share_their_plans_fingerprint_parts_and_years(tmp_path: Path, project: Project) -> None:
    """Every return of one plan carries the same (code, hash) pairs: read back from the ledger
    they are one shared tuple, not a copy per return (a national plan has thousands)."""
    d1 = write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1)
    d2 = write_return(tmp_path / "华容区.xlsx", "D02", "华容区", GOOD_D2)
    expected = {p.name: mini_validate(PLAN, p).meta for p in (d1, d2)}
    with Ledger.for_project(project) as led:
        for p in (d1, d2):
            collect(led, p)
    with Ledger.for_project(project) as led:  # a new ledger object: read from SQLite, not from memory
        got = led.latest(PLAN)
    assert [r.meta for r in got] == [expected["鄂城区.xlsx"], expected["华容区.xlsx"]]
    a, b = (r.meta.fingerprint_parts for r in got)
    assert a and a == b and a is b
    # and one int per year, not one per value read (a national plan's returns hold millions)
    first, second = ({o.year: o.year for o in r.observations} for r in got)
    assert 2022 in first and all(first[y] is second[y] for y in first.keys() & second.keys())


def test_stored_original_is_found_whatever_its_suffix_never_half_written(tmp_path: Path) -> None:
    from reportkit.ledger.originals import OriginalStore

    store = OriginalStore(tmp_path / "originals")
    sha = "ab" + "0" * 62
    assert store.find(sha) is None  # no folder yet
    (tmp_path / "originals" / "ab").mkdir(parents=True)
    (tmp_path / "originals" / "ab" / f"{sha}.xlsx.tmp").write_bytes(b"half")
    (tmp_path / "originals" / "ab" / f".~{sha}-p1-x.xlsx").write_bytes(b"temp")
    (tmp_path / "originals" / "ab" / f"{sha[:-1]}1.xlsx").write_bytes(b"another file")
    assert store.find(sha) is None
    stored = store.put(sha, "填报表.ODS", b"content")
    assert stored.name == f"{sha}.ods" and store.find(sha) == stored
    assert store.find("cd" + sha[2:]) is None
