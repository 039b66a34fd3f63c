"""Forms filled the way a unit fills them, saved, and read back; the committed fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.make_filled import FILLED_DIR, build_plan, code_rows, generate, header_columns, make_all
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from reportkit.checks.run import validate_return
from reportkit.forms import layout

FIXTURES = ("D01-clean.xlsx", "D02-mistakes.xlsx", "B01-range-and-locked.xlsx")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("filled")
    return {p.name: p for p in make_all(base / "generated", base / "filled")}


def indicator_grid(path: Path) -> dict[tuple[str, str], object]:
    """(code, header) -> value, read with calamine as intake does."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(layout.SHEET_INDICATORS).to_python(
        skip_empty_area=False)
    head = rows[layout.INDICATOR_HEADER_ROW - 1]
    return {(str(r[0]), str(h)): v for r in rows[layout.INDICATOR_HEADER_ROW:] if r[0]
            for h, v in zip(head, r, strict=True)}


def test_a_person_fills_only_unlocked_cells(tmp_path: Path) -> None:
    form = generate(tmp_path)["D03"].path
    wb = load_workbook(form)
    ws = wb[layout.SHEET_INDICATORS]
    cols = header_columns(ws, layout.INDICATOR_HEADER_ROW)
    rows = code_rows(ws, layout.INDICATOR_HEADER_ROW)
    typed = {(rows["A01"], cols["2021年"]): 6.02, (rows["A01"], cols["2022年"]): 6.4,
             (rows["A04"], cols["2023年"]): "—", (rows["A04"], cols["说明"]): "商标数据尚未发布"}
    for (r, c), value in typed.items():
        cell = ws.cell(r, c)
        assert not cell.protection.locked, cell.coordinate
        cell.value = value
    tasks = wb[layout.SHEET_TASKS]
    tcols = header_columns(tasks, layout.TASK_HEADER_ROW)
    status = tasks.cell(code_rows(tasks, layout.TASK_HEADER_ROW)["T01"], tcols["完成状态"])
    assert not status.protection.locked
    status.value = layout.TASK_STATUSES[1]
    out = tmp_path / "filled.xlsx"
    wb.save(out)

    grid = indicator_grid(out)
    assert grid[("A01", "2021年")] == 6.02 and grid[("A01", "2022年")] == 6.4
    assert grid[("A04", "2023年")] == "—" and grid[("A04", "说明")] == "商标数据尚未发布"
    again = load_workbook(out)
    assert again[layout.SHEET_META].sheet_state == "veryHidden"
    assert again[layout.SHEET_INDICATORS].protection.sheet
    assert len(again[layout.SHEET_INDICATORS].data_validations.dataValidation) == \
        len(ws.data_validations.dataValidation)
    assert {p.name for p in again.custom_doc_props.props} == {
        layout.DOC_PROPERTY_PREFIX + k for k in layout.DOC_PROPERTIES}
    assert form.exists() and load_workbook(form)[layout.SHEET_INDICATORS].cell(
        rows["A01"], cols["2021年"]).value is None  # the generated form itself is untouched


def test_clean_fill_values_notes_tasks_and_narrative(filled: dict[str, Path]) -> None:
    path = filled["D01-clean.xlsx"]
    grid = indicator_grid(path)
    assert grid[("A01", "2021年")] == 11.52  # pre-filled, locked
    assert grid[("A01", "2023年")] == 13.05 and grid[("I01", "2023年")] == 1302.0
    assert grid[("A04", "2023年")] == "—" and "尚未发布" in grid[("A04", "说明")]
    assert grid[("A01", "数据来源")] == "区市场监管局登记系统"
    book = CalamineWorkbook.from_path(str(path))
    tasks = book.get_sheet_by_name(layout.SHEET_TASKS).to_python(skip_empty_area=False)
    head = tasks[layout.TASK_HEADER_ROW - 1]
    t01 = dict(zip(head, tasks[layout.TASK_HEADER_ROW], strict=True))
    assert t01["任务编码"] == "T01" and t01["完成状态"] == "已完成" and "0.8个工作日" in t01["进展情况"]
    narrative = {r[0]: r[1] for r in book.get_sheet_by_name(layout.SHEET_NARRATIVE).to_python() if r[0]}
    assert "市场主体持续增长" in narrative["主要成效"] and narrative["填报人"] == "李四"


def test_mistake_fills_keep_what_was_typed(filled: dict[str, Path]) -> None:
    grid = indicator_grid(filled["D02-mistakes.xlsx"])
    assert grid[("A01", "2022年")] == "9.02" and grid[("A01", "2023年")] == "9.6万户"
    assert grid[("I02", "2023年")] == "1,020" and grid[("A04", "2023年")] == "３１０"
    wb = load_workbook(filled["D02-mistakes.xlsx"])
    tasks = wb[layout.SHEET_TASKS]
    status = tasks.cell(code_rows(tasks, layout.TASK_HEADER_ROW)["T01"],
                        header_columns(tasks, layout.TASK_HEADER_ROW)["完成状态"]).value
    assert status == "进行中" and status not in layout.TASK_STATUSES


def test_locked_cell_edit_differs_from_the_metadata(filled: dict[str, Path]) -> None:
    wb = load_workbook(filled["B01-range-and-locked.xlsx"])
    ws = wb[layout.SHEET_INDICATORS]
    meta = {ws_row[0].value: ws_row[1].value for ws_row in wb[layout.SHEET_META].iter_rows()}
    locked = json.loads(meta["locked"])
    row = code_rows(ws, layout.INDICATOR_HEADER_ROW)["A05"]
    target = ws.cell(row, header_columns(ws, layout.INDICATOR_HEADER_ROW)[layout.TARGET_HEADER]).value
    assert target == "≤5" and locked["A05"]["target"] == "≤2"
    assert indicator_grid(filled["B01-range-and-locked.xlsx"])[("A05", "2023年")] == 12.5


@pytest.mark.parametrize("name", FIXTURES)
def test_committed_fixtures_match_the_current_layout(filled: dict[str, Path], name: str) -> None:
    """If this fails, the layout changed: run ``python tests/fixtures/make_filled.py``."""
    committed, fresh = FILLED_DIR / name, filled[name]
    assert committed.exists()
    old, new = CalamineWorkbook.from_path(str(committed)), CalamineWorkbook.from_path(str(fresh))
    assert old.sheet_names == new.sheet_names == list(layout.ALL_SHEETS)
    for sheet in (layout.SHEET_INDICATORS, layout.SHEET_TASKS, layout.SHEET_NARRATIVE):
        assert old.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[2:] == \
            new.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[2:], sheet
    old_meta = dict(old.get_sheet_by_name(layout.SHEET_META).to_python())
    new_meta = dict(new.get_sheet_by_name(layout.SHEET_META).to_python())
    assert tuple(old_meta) == layout.META_KEYS
    for key in ("plan_id", "form_version", "unit", "period", "years", "rows", "locked", "prefilled"):
        assert old_meta[key] == new_meta[key], key


# What each committed fixture was made for, found by the real validation ---------------------------

MADE_FOR = {
    "D01-clean.xlsx": [
        ("value.no-data", "指标数据!L7", True, "2023年填写了“—”（无数据）。"),  # explained by its 说明
    ],
    "D02-mistakes.xlsx": [
        ("rule.failed", "指标数据!K5", False,
         "2022年不满足审核规则 R01：食品抽检合格批次（1010）应 ≤ 食品抽检总批次（990）。合格批次不能多于抽检总批次。"),
        ("task.bad-status", "重点任务!H4", False, "任务 T01 的完成状态“进行中”不在可选项中。"),
        ("value.yoy-jump", "指标数据!K7", False, "2022年数值 2900 比上年 300 变动 +866.7%，超过 50% 的核实阈值。"),
        ("value.yoy-jump", "指标数据!L7", False, "2023年数值 310 比上年 2900 变动 -89.3%，超过 50% 的核实阈值。"),
        ("value.baseline-missing", "指标数据", False,
         "未填写 2020 年基期值的行：A01、I01、I02、A04。基期值用于评估本单位的完成进度，这些行将无法评估本单位进度。"),
        ("value.text-number", "指标数据!K4", False, "“9.02”是文本格式的数字，已按 9.02 读取。"),
        ("value.with-unit", "指标数据!L4", False, "“9.6万户”在数字后写了单位“万户”，本行单位为“万户”，已按 9.6 读取。"),
        ("value.text-number", "指标数据!L6", False, "“1,020”是文本格式的数字（带千位分隔符），已按 1020 读取。"),
        ("value.fullwidth", "指标数据!L7", False, "“３１０”含全角数字或符号，已按 310 读取。"),
    ],
    "B01-range-and-locked.xlsx": [
        ("cell.locked-edited", "指标数据!H6", False,
         "A05 的目标值被修改：下发时为“≤2”，现为“≤5”。该内容由规划确定，不能由填报单位修改。"),
        ("value.out-of-range", "指标数据!L6", False, "2023年数值 12.5 超出本项合理范围（0 ～ 10%）。"),
        ("value.yoy-jump", "指标数据!L6", False, "2023年数值 12.5 比上年 0.9 变动 +1288.9%，超过 50% 的核实阈值。"),
        ("value.baseline-missing", "指标数据", False,
         "未填写 2020 年基期值的行：I01、I02。基期值用于评估本单位的完成进度，这些行将无法评估本单位进度。"),
    ],
}


@pytest.mark.parametrize("name", FIXTURES)
def test_committed_fixtures_give_the_findings_they_were_made_for(name: str) -> None:
    """The README of tests/fixtures/filled lists each mistake; validation finds exactly those."""
    data = validate_return(build_plan(), FILLED_DIR / name)
    found = [(f.code, f.location.place(), f.explained, f.message) for f in data.findings]
    assert found == MADE_FOR[name]
