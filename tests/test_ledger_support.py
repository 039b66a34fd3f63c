"""Helpers for the ledger tests: a small plan, small real .xlsx returns and a validator
that reads them into :class:`ReturnData` the way intake does for real forms.

The ledger only depends on the ``ReturnData`` contract, so these tests build it from
their own minimal workbook layout (sheet ``meta``: unit code and name; sheet ``data``:
code, year, value, 说明; sheet ``tasks``: task code, progress, status).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
from fixtures.plans import DISTRICTS, INDICATORS, ITEMS, TASKS, UNITS, changed, only, small_plan, with_info

from reportkit.definitions.model import Plan
from reportkit.findings import Location, Severity, make, register
from reportkit.intake.types import Narrative, Observation, ReturnData, ReturnMeta, RowNote, TaskReport
from reportkit.ledger import plan_period

UNREADABLE = register("ledger-test.unreadable", Severity.ERROR, "无法读取",
                      "文件无法作为 Excel 工作簿打开（{detail}）。", "请重新保存为 .xlsx 后报送。")
NOT_A_NUMBER = register("ledger-test.not-a-number", Severity.ERROR, "不是数字",
                        "{code} {year}年填写的“{value}”不是数字。", "请填写数字。")
BIG_VALUE = register("ledger-test.big-value", Severity.WARNING, "数值偏大",
                     "{code} {year}年的值 {value} 超过 100，请核实。", "如属实，请在说明栏写明原因。")

DEADLINE = dt.date(2024, 1, 20)
def make_plan() -> Plan:
    """The shared small plan (:mod:`fixtures.plans`) cut to what the ledger tests report: the
    three districts, A01, I01 (reported by D01 and D02 only) and T01, with a deadline."""
    return small_plan(
        info=with_info(deadline=DEADLINE),
        indicators=changed(only(INDICATORS, "A01"), "A01", lead_unit=None),
        items=changed(only(ITEMS, "I01"), "I01", reporters=("D01", "D02")),
        units=only(UNITS, *DISTRICTS),
        tasks=changed(only(TASKS, "T01"), "T01", lead_unit=None),
        rules=(),  # R01 compares I01 with I02, which this plan leaves out
    )


def write_return(path: Path, unit: str, unit_name: str, values: dict[tuple[str, int], Any],
                 explanations: dict[str, str] | None = None, progress: str = "按计划推进") -> Path:
    wb = openpyxl.Workbook()
    meta = wb.active
    meta.title = "meta"
    meta.append([unit, unit_name])
    data = wb.create_sheet("data")
    explanations = explanations or {}
    for (code, year), value in values.items():
        data.append([code, year, value, explanations.get(code, "")])
    tasks = wb.create_sheet("tasks")
    tasks.append(["T01", progress, "按进度推进"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mini_validate(plan: Plan, path: Path) -> ReturnData:
    """Read a test return into ReturnData, with findings for text values and big values."""
    path = Path(path)
    sha = sha256_file(path)
    try:
        wb = openpyxl.load_workbook(path)
    except Exception as exc:  # any unreadable file becomes a finding, as in intake
        return ReturnData(str(path), sha, findings=[
            make(UNREADABLE.code, Location(file=path.name), detail=type(exc).__name__)])
    unit, unit_name = (c.value for c in wb["meta"][1])
    rd = ReturnData(str(path), sha, meta=ReturnMeta(
        plan_id=plan.info.id, fingerprint=plan.fingerprint(), form_version="1", unit=unit,
        unit_name=unit_name, period=plan_period(plan), years=tuple(plan.info.years),
        generated_at="2023-12-01T09:00:00", fingerprint_parts=(("A01", "abc"), ("I01", "def"))))
    for row_no, (code, year, value, note) in enumerate(wb["data"].iter_rows(values_only=True), start=1):
        _read_value(rd, path, unit, code, int(year), value, note or "", row_no)
    for row_no, (code, progress, status) in enumerate(wb["tasks"].iter_rows(values_only=True), start=1):
        rd.tasks.append(TaskReport(unit, code, progress=progress, status=status, row=row_no))
    rd.narrative = Narrative(achievements=f"{unit_name}主要成效", filled_by="张三", phone="0711-1234567")
    return rd


def _read_value(rd: ReturnData, path: Path, unit: str, code: str, year: int, value: Any, note: str,
                row_no: int) -> None:
    cell = f"C{row_no}"
    loc = Location(file=path.name, sheet="data", cell=cell, unit=unit, indicator=code, year=year)
    rd.notes[code] = RowNote(unit, code, data_source="统计年报", explanation=note, cell=f"D{row_no}")
    if not isinstance(value, int | float):
        rd.observations.append(Observation(unit, code, year, None, raw=str(value), cell=cell))
        rd.findings.append(make(NOT_A_NUMBER.code, loc, value=value, code=code, year=year))
        return
    rd.observations.append(Observation(unit, code, year, float(value), raw=str(value), cell=cell))
    if value > 100:
        finding = make(BIG_VALUE.code, loc, value=value, code=code, year=year)
        rd.findings.append(finding.explained_by(note) if note else finding)


def dump(db: Path) -> list[str]:
    """Every row of every table of the ledger, as SQL text (schema included)."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


GOOD_D1 = {("A01", 2021): 11.5, ("A01", 2022): 12.25, ("A01", 2023): 13.0,
           ("I01", 2021): 30, ("I01", 2022): 32, ("I01", 2023): 35}
GOOD_D2 = {("A01", 2021): 8.0, ("A01", 2022): 8.5, ("A01", 2023): 9.25,
           ("I01", 2021): 20, ("I01", 2022): 21, ("I01", 2023): 22}


# real return forms -----------------------------------------------------------------------

EXAMPLE_PLAN = Path(__file__).resolve().parents[1] / "reportkit" / "data" / "examples" / "ezhou" / "plan.yaml"


def fill_form(form: Path, target: Path, overrides: dict[tuple[str, int], Any] | None = None) -> Path:
    """Fill a generated return form the way a unit would: a number in every year cell
    (``overrides`` win), a data source per row, every task and the free-text sheet."""
    from reportkit.forms import layout as L

    wb = openpyxl.load_workbook(form)
    ws = wb[L.SHEET_INDICATORS]
    header = [c.value for c in ws[L.INDICATOR_HEADER_ROW]]
    years = {i: y for i, h in enumerate(header) if (y := L.parse_year_header(h))}
    for row in ws.iter_rows(min_row=L.INDICATOR_HEADER_ROW + 1):
        code = row[0].value
        if not code:
            continue
        for i, year in years.items():
            if row[i].value is None:
                row[i].value = (overrides or {}).get((code, year), 5 + (year - 2021))
        row[header.index(L.SOURCE_HEADER)].value = "统计年报"
    tasks = wb[L.SHEET_TASKS]
    task_header = [c.value for c in tasks[L.TASK_HEADER_ROW]]
    for row in tasks.iter_rows(min_row=L.TASK_HEADER_ROW + 1):
        if row[0].value:
            row[task_header.index("进展情况")].value = "已按年度计划推进"
            row[task_header.index("完成状态")].value = "按进度推进"
    for row in wb[L.SHEET_NARRATIVE].iter_rows():
        if row[0].value in dict(L.NARRATIVE_FIELDS).values():
            row[1].value = f"{row[0].value}（示例）"
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
