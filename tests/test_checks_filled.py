"""Generated forms filled the way people fill them, validated: exact codes and cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fixtures.returns.builders import GOOD_VALUES, address, build_plan, edit, fill, generate, row_of
from openpyxl.workbook import Workbook

from reportkit.checks.run import validate_return
from reportkit.findings import Severity
from reportkit.forms import layout as L
from reportkit.forms.writer import write_form
from reportkit.intake.types import ReturnData

PLAN = build_plan()


def codes_and_cells(data: ReturnData) -> set[tuple[str, str | None]]:
    return {(f.code, f.location.cell) for f in data.findings}


def one(data: ReturnData, code: str):  # noqa: ANN201
    found = [f for f in data.findings if f.code == code]
    assert len(found) == 1, (code, [(f.code, f.location.cell) for f in data.findings])
    return found[0]


@pytest.fixture
def form(tmp_path: Path) -> Path:
    return generate(PLAN, "D02", tmp_path / "forms")


def test_clean_fill_is_accepted(form: Path, tmp_path: Path) -> None:
    data = validate_return(PLAN, fill(form, tmp_path / "clean.xlsx"))
    assert data.findings == []
    assert data.state == "accepted"
    assert data.meta is not None and data.meta.unit == "D02"
    assert len(data.observations) == 20  # 5 rows × (baseline year + 3 reported years)
    assert data.value("A01", 2020) == pytest.approx(10.9)
    assert data.value("A01", 2023) == pytest.approx(13.05)
    assert data.value("I02", 2021) == 1196
    assert data.tasks[0].status == "已完成"
    assert data.narrative.filled_by == "李四"


def test_person_like_fill_exact_findings(form: Path, tmp_path: Path) -> None:
    values = {**GOOD_VALUES,
              ("A01", 2022): "12.37",  # typed as text
              ("A01", 2023): "13.05万户",  # unit typed into the cell
              ("A03", 2022): "９０．５",  # full-width digits
              ("A03", 2023): None,  # left blank
              ("A04", 2022): "—",  # explicit no-data without 说明
              ("I02", 2023): "1,310"}  # thousands separator
    path = fill(form, tmp_path / "messy.xlsx", values)

    def person(wb: Workbook) -> None:
        ws = wb[L.SHEET_INDICATORS]
        ws[address(ws, "A03", L.BASELINE_HEADER)] = "80"  # a locked baseline edited
        a03, a04 = row_of(ws, "A03"), row_of(ws, "A04")  # rows re-sorted
        for c in range(1, ws.max_column + 1):
            ws.cell(a03, c).value, ws.cell(a04, c).value = ws.cell(a04, c).value, ws.cell(a03, c).value
        ws.insert_rows(1)  # a row inserted above the table
        ws.title = "指标"  # the sheet renamed

    edit(path, person)
    data = validate_return(PLAN, path)
    ws = _sheet(path, "指标")
    assert codes_and_cells(data) == {
        ("value.text-number", address(ws, "A01", 2022)),
        ("value.with-unit", address(ws, "A01", 2023)),
        ("value.fullwidth", address(ws, "A03", 2022)),
        ("value.missing", address(ws, "A03", 2023)),
        ("value.no-data", address(ws, "A04", 2022)),
        ("value.text-number", address(ws, "I02", 2023)),
        ("cell.locked-edited", address(ws, "A03", L.BASELINE_HEADER)),
        ("row.moved", address(ws, "A04", L.CODE_HEADER)),
        ("row.inserted", "A4"),
        ("sheet.renamed", None),
    }
    assert all(f.location.sheet == "指标" for f in data.findings)
    assert data.value("A01", 2023) == pytest.approx(13.05)
    assert data.value("A03", 2022) == pytest.approx(90.5)
    assert data.value("I02", 2023) == 1310
    locked = one(data, "cell.locked-edited")
    assert "“85”" in locked.message and "“80”" in locked.message and locked.severity is Severity.ERROR
    assert data.state == "has-errors"


def _sheet(path: Path, name: str):  # noqa: ANN202
    from openpyxl import load_workbook

    return load_workbook(path)[name]


def test_warnings_explained_by_the_row_note(form: Path, tmp_path: Path) -> None:
    values = {**GOOD_VALUES, ("A04", 2022): 2900, ("A01", 2023): 12.0, ("A03", 2023): 0.92}
    path = fill(form, tmp_path / "w.xlsx", values, notes={"A04": "2022年开展商标品牌培育专项行动，集中注册"})
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    assert codes_and_cells(data) == {
        ("value.yoy-jump", address(ws, "A04", 2022)),
        ("value.yoy-jump", address(ws, "A04", 2023)),
        ("value.cumulative-falls", address(ws, "A01", 2023)),
        ("value.percent-scale", address(ws, "A03", 2023)),
    }
    explained = {f.location.cell: f.explained for f in data.findings}
    assert explained[address(ws, "A04", 2022)] is True
    assert explained[address(ws, "A01", 2023)] is False
    assert data.value("A03", 2023) == pytest.approx(92.0)
    scale = one(data, "value.percent-scale")
    assert "92%" in scale.message and scale.severity is Severity.WARNING
    assert data.state == "has-warnings"


def test_value_errors(form: Path, tmp_path: Path) -> None:
    values = {**GOOD_VALUES, ("A04", 2021): 820.5, ("I01", 2022): 1300, ("A03", 2021): 105,
              ("A03", 2022): "较好", ("A01", 2021): "11.5户", ("A03", 2023): dt.datetime(2023, 9, 1)}
    path = fill(form, tmp_path / "e.xlsx", values)
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    assert codes_and_cells(data) == {
        ("value.not-integer", address(ws, "A04", 2021)),
        ("rule.failed", address(ws, "I01", 2022)),
        ("value.percent-range", address(ws, "A03", 2021)),
        ("value.not-a-number", address(ws, "A03", 2022)),
        ("value.unit-mismatch", address(ws, "A01", 2021)),
        ("value.date", address(ws, "A03", 2023)),
    }
    rule = one(data, "rule.failed")
    assert "1300" in rule.message and "1255" in rule.message and "合格批次不能多于抽检总批次" in rule.message
    assert rule.location.year == 2022 and rule.severity is Severity.ERROR


def test_formula_and_merged_cells(form: Path, tmp_path: Path) -> None:
    path = fill(form, tmp_path / "f.xlsx")

    def person(wb: Workbook) -> None:
        ws = wb[L.SHEET_INDICATORS]
        ws[address(ws, "I01", 2023)] = f"={address(ws, 'I02', 2023)}-8"  # no cached value
        ws.merge_cells(f"{address(ws, 'A04', 2021)}:{address(ws, 'A04', 2022)}")

    edit(path, person)
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    merged = f"{address(ws, 'A04', 2021)}:{address(ws, 'A04', 2022)}"
    assert codes_and_cells(data) == {
        ("value.formula-no-cache", address(ws, "I01", 2023)),
        ("cell.merged", address(ws, "A04", 2021)),
    }
    assert one(data, "cell.merged").value == merged
    assert data.value("I01", 2023) is None


def test_rows_deleted_unknown_and_uncoded(form: Path, tmp_path: Path) -> None:
    path = fill(form, tmp_path / "r.xlsx")

    def person(wb: Workbook) -> None:
        ws = wb[L.SHEET_INDICATORS]
        ws[address(ws, "A04", L.CODE_HEADER)] = "A99"
        r = row_of(ws, "A03")
        ws.insert_rows(r)
        ws.cell(r, 9).value = 77  # a value typed into a row without a code

    edit(path, person)
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    found = codes_and_cells(data)
    assert ("row.unknown-code", address(ws, "A99", L.CODE_HEADER)) in found
    assert ("row.deleted", None) in found
    uncoded = one(data, "row.uncoded-data")
    assert uncoded.location.cell == f"A{row_of(ws, 'A03') - 1}" and "77" in uncoded.message
    assert {f.code for f in data.findings} == {"row.unknown-code", "row.deleted", "row.uncoded-data"}


def test_tasks(form: Path, tmp_path: Path) -> None:
    b01 = generate(PLAN, "B01", tmp_path / "forms")
    tasks = {"T01": ("统筹推进。", "", "", ""), "T02": ("设备采购中。", "滞后", "", "年内完成。")}
    path = fill(b01, tmp_path / "t.xlsx", values={("A05", y): 1.2 for y in (2021, 2022, 2023)}, tasks=tasks)
    data = validate_return(PLAN, path)
    assert {(f.code, f.location.indicator, f.location.sheet) for f in data.findings} == {
        ("task.no-status", "T01", L.SHEET_TASKS), ("task.lagging-no-problem", "T02", L.SHEET_TASKS)}


def test_out_of_range_and_prefilled_edit(tmp_path: Path) -> None:
    b01 = write_form(PLAN, "B01", tmp_path / "b01.xlsx", prefilled={("A05", 2021): 1.2}).path
    path = fill(b01, tmp_path / "b.xlsx", values={("A05", 2022): 1.3, ("A05", 2023): 12.5},
                tasks={"T01": ("推进。", "按进度推进", "", ""), "T02": ("建设中。", "按进度推进", "", "")})

    def person(wb: Workbook) -> None:
        ws = wb[L.SHEET_INDICATORS]
        ws.protection.sheet = False
        ws[address(ws, "A05", 2021)] = 1.4

    edit(path, person)
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    assert codes_and_cells(data) == {
        ("cell.locked-edited", address(ws, "A05", 2021)),
        ("value.out-of-range", address(ws, "A05", 2023)),
        ("value.yoy-jump", address(ws, "A05", 2023)),
    }
    assert "0 ～ 10%" in one(data, "value.out-of-range").message


# the baseline-year column ------------------------------------------------------------

def _without_baselines(values: dict[tuple[str, int], object]) -> dict[tuple[str, int], object]:
    return {k: v for k, v in values.items() if k[1] != PLAN.info.baseline_year}


def test_blank_baseline_is_one_info_finding_not_an_error(form: Path, tmp_path: Path) -> None:
    values = {**_without_baselines(GOOD_VALUES), ("A04", 2020): "—"}  # "—" means the same: not known
    data = validate_return(PLAN, fill(form, tmp_path / "b.xlsx", values))
    assert [f.code for f in data.findings] == ["value.baseline-missing"]
    note = data.findings[0]
    assert note.severity is Severity.INFO and note.location.year == 2020
    assert "A01、I01、I02、A03、A04。" in note.message  # form order
    assert "无法评估本单位进度" in note.message
    assert data.state == "accepted"
    assert data.value("A01", 2020) is None and data.value("A01", 2021) == pytest.approx(11.5)


def test_some_baselines_blank_lists_only_those(form: Path, tmp_path: Path) -> None:
    values = {k: v for k, v in GOOD_VALUES.items() if k not in {("I01", 2020), ("I02", 2020)}}
    data = validate_return(PLAN, fill(form, tmp_path / "b.xlsx", values))
    assert [f.code for f in data.findings] == ["value.baseline-missing"]
    assert "的行：I01、I02。" in data.findings[0].message


def test_baseline_values_are_checked_like_other_years(form: Path, tmp_path: Path) -> None:
    # a 2020→2021 jump, a non-integer count, a percent beyond 100 and a rule broken in 2020
    values = {**GOOD_VALUES, ("A04", 2020): 300, ("I01", 2020): 1180.5, ("A03", 2020): 120,
              ("I02", 2020): 1100}
    path = fill(form, tmp_path / "b.xlsx", values, notes={"A04": "2021年开展商标品牌培育专项行动"})
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    assert codes_and_cells(data) == {
        ("value.yoy-jump", address(ws, "A04", 2021)),
        ("value.not-integer", address(ws, "I01", 2020)),
        ("value.percent-range", address(ws, "A03", 2020)),
        ("rule.failed", address(ws, "I01", 2020)),
    }
    jump = one(data, "value.yoy-jump")
    assert "比上年 300" in jump.message and jump.explained
    assert one(data, "rule.failed").location.year == 2020


def test_a_falling_cumulative_from_the_baseline_year(form: Path, tmp_path: Path) -> None:
    path = fill(form, tmp_path / "b.xlsx", {**GOOD_VALUES, ("A01", 2020): 11.8})
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    assert codes_and_cells(data) == {("value.cumulative-falls", address(ws, "A01", 2021))}
    assert "2020年" in data.findings[0].message


def test_own_baseline_prefilled_is_read_and_locked(tmp_path: Path) -> None:
    b01 = generate(PLAN, "B01", tmp_path / "forms")
    tasks = {"T01": ("推进。", "按进度推进", "", ""), "T02": ("建设中。", "按进度推进", "", "")}
    path = fill(b01, tmp_path / "b.xlsx", values={("A05", y): 1.4 for y in (2021, 2022, 2023)}, tasks=tasks)
    data = validate_return(PLAN, path)
    assert data.findings == []  # nothing for the unit to type in 2020: no baseline note either
    obs = next(o for o in data.observations if (o.code, o.year) == ("A05", 2020))
    assert obs.value == pytest.approx(1.5) and obs.prefilled

    def person(wb: Workbook) -> None:
        ws = wb[L.SHEET_INDICATORS]
        ws.protection.sheet = False
        ws[address(ws, "A05", 2020)] = 1.1

    edit(path, person)
    edited = validate_return(PLAN, path)
    assert [(f.code, f.location.year) for f in edited.findings] == [("cell.locked-edited", 2020)]


def test_small_counts_moving_need_a_minimum_absolute_change(form: Path, tmp_path: Path) -> None:
    # 新增注册商标 (an integer count): 1 → 3 is +200% but only +2 (≤ the plan's 3): no 说明 needed;
    # 3 → 10 is +233% and +7: a jump; 10 → 12 is +20%: fine.
    values = {**GOOD_VALUES, ("A04", 2020): 1, ("A04", 2021): 3, ("A04", 2022): 10, ("A04", 2023): 12}
    path = fill(form, tmp_path / "b.xlsx", values)
    data = validate_return(PLAN, path)
    ws = _sheet(path, L.SHEET_INDICATORS)
    assert codes_and_cells(data) == {("value.yoy-jump", address(ws, "A04", 2022))}


def test_a_note_explains_only_the_years_it_names(form: Path, tmp_path: Path) -> None:
    # jumps in 2022 (820 → 2900) and 2023 (2900 → 990); the 说明 speaks of 2022 only
    values = {**GOOD_VALUES, ("A04", 2022): 2900}
    data = validate_return(PLAN, fill(form, tmp_path / "b.xlsx", values, notes={"A04": "2022年集中注册"}))
    jumps = {f.location.year: f.explained for f in data.findings if f.code == "value.yoy-jump"}
    assert jumps == {2022: True, 2023: False}
