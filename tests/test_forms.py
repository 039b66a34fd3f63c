"""Generated return forms, read back with openpyxl and python-calamine."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from fixtures.make_filled import build_plan, generate, prefilled_2021
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from reportkit.definitions.model import Plan
from reportkit.definitions.notation import parse_plan_value
from reportkit.errors import UsageError
from reportkit.forms import layout
from reportkit.forms.writer import FormInfo, form_filename, write_form, write_forms

YEARS = (2021, 2022, 2023)
FORM_YEARS = (2020, *YEARS)  # the baseline year heads the year columns
FIRST_YEAR_COL = len(layout.FIXED_HEADERS) + 1  # 1-based
EXPECTED_ROWS = {
    "D01": ("A01", "I01", "I02", "A04"),
    "D02": ("A01", "I01", "I02", "A04"),
    "D03": ("A01", "I01", "I02", "A04"),
    "B01": ("I01", "I02", "A05"),
    "B02": ("I03", "I04", "A06"),
}
EXPECTED_TASKS = {"D01": ("T01",), "D02": ("T01",), "D03": ("T01",), "B01": ("T01", "T02"), "B02": ("T03",)}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_plan()


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FormInfo]:
    return generate(tmp_path_factory.mktemp("forms"))


def header(ws: Worksheet, row: int) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[row] if c.value is not None}


def data_rows(ws: Worksheet, header_row: int) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def validation_at(ws: Worksheet, coordinate: str) -> DataValidation:
    found = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, f"{coordinate}: {len(found)} validations"
    return found[0]


# files -------------------------------------------------------------------------

def test_one_form_per_reporting_unit_named_for_mailing(forms: dict[str, FormInfo]) -> None:
    assert set(forms) == set(EXPECTED_ROWS)  # B09 reports nothing and gets no form
    assert forms["D01"].path.name == "鄂城区-2023年中期评估填报表.xlsx"
    assert forms["B02"].path.name == "知识产权_标准化科-2023年中期评估填报表.xlsx"
    assert not [p for p in forms["D01"].path.parent.iterdir() if p.name.startswith(".~")]


def test_form_info_describes_the_form(forms: dict[str, FormInfo], plan: Plan) -> None:
    info = forms["B01"]
    assert (info.unit, info.unit_name, info.rows, info.years) == ("B01", "市市场监管局食品科", EXPECTED_ROWS["B01"],
                                                                  FORM_YEARS)
    assert info.tasks == 2 and info.period == "2023-中期评估" and info.fingerprint == plan.fingerprint()
    assert json.loads(json.dumps(info.to_dict()))["rows"] == list(EXPECTED_ROWS["B01"])


# indicator sheet ------------------------------------------------------------------

@pytest.mark.parametrize("unit", sorted(EXPECTED_ROWS))
def test_indicator_rows_are_the_units_and_only_those(forms: dict[str, FormInfo], unit: str) -> None:
    path = forms[unit].path
    ws = load_workbook(path)[layout.SHEET_INDICATORS]
    cols = header(ws, layout.INDICATOR_HEADER_ROW)
    assert list(cols)[: len(layout.FIXED_HEADERS)] == list(layout.FIXED_HEADERS)
    assert list(cols)[len(layout.FIXED_HEADERS):] == [*(layout.year_header(y) for y in FORM_YEARS),
                                                     layout.SOURCE_HEADER, layout.EXPLANATION_HEADER]
    assert tuple(data_rows(ws, layout.INDICATOR_HEADER_ROW)) == EXPECTED_ROWS[unit]

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(layout.SHEET_INDICATORS)
    rows = grid.to_python(skip_empty_area=False)
    head = layout.INDICATOR_HEADER_ROW - 1
    assert rows[head][: len(layout.FIXED_HEADERS)] == list(layout.FIXED_HEADERS)
    assert tuple(r[0] for r in rows[head + 1:] if r[0]) == EXPECTED_ROWS[unit]


def test_computed_indicators_are_not_input_rows_but_their_items_say_what_they_feed(
        forms: dict[str, FormInfo]) -> None:
    ws = load_workbook(forms["D01"].path)[layout.SHEET_INDICATORS]
    rows = data_rows(ws, layout.INDICATOR_HEADER_ROW)
    cols = header(ws, layout.INDICATOR_HEADER_ROW)
    assert "A02" not in rows
    assert ws.cell(rows["I01"], cols[layout.ROW_KIND_HEADER]).value == layout.ROW_KIND_ITEM
    assert "用于计算：A02 食品抽检合格率" in ws.cell(rows["I01"], cols[layout.DEFINITION_HEADER]).value
    assert ws.cell(rows["A01"], cols[layout.TARGET_HEADER]).value == "〔40〕"
    assert ws.cell(rows["A04"], cols[layout.BASELINE_HEADER]).value == "—"
    guide = load_workbook(forms["D01"].path)[layout.SHEET_INSTRUCTIONS]
    texts = [str(c.value) for row in guide.iter_rows() for c in row if c.value]
    assert any("食品抽检合格批次" in t and "A02 食品抽检合格率" in t for t in texts)


def test_definition_cells_locked_input_cells_unlocked(forms: dict[str, FormInfo]) -> None:
    ws = load_workbook(forms["D03"].path)[layout.SHEET_INDICATORS]
    cols = header(ws, layout.INDICATOR_HEADER_ROW)
    for r in data_rows(ws, layout.INDICATOR_HEADER_ROW).values():
        for h in layout.FIXED_HEADERS:
            assert ws.cell(r, cols[h]).protection.locked, (r, h)
        for h in (*(layout.year_header(y) for y in FORM_YEARS), layout.SOURCE_HEADER, layout.EXPLANATION_HEADER):
            assert not ws.cell(r, cols[h]).protection.locked, (r, h)
    prot = ws.protection
    assert prot.sheet and prot.insertRows and prot.deleteRows and prot.insertColumns and prot.deleteColumns
    assert not prot.formatColumns and not prot.formatRows  # False = allowed
    assert prot.password is None


def test_prefilled_years_are_written_and_locked(forms: dict[str, FormInfo]) -> None:
    ws = load_workbook(forms["D01"].path)[layout.SHEET_INDICATORS]
    rows = data_rows(ws, layout.INDICATOR_HEADER_ROW)
    cols = header(ws, layout.INDICATOR_HEADER_ROW)
    y2021, y2022 = cols["2021年"], cols["2022年"]
    for (code, _), value in prefilled_2021()["D01"].items():
        cell = ws.cell(rows[code], y2021)
        assert cell.value == value and cell.protection.locked
        assert ws.cell(rows[code], y2022).value is None and not ws.cell(rows[code], y2022).protection.locked
    assert not ws.cell(rows["A04"], y2021).protection.locked  # not pre-filled: open
    assert [dv for dv in ws.data_validations.dataValidation if ws.cell(rows["A01"], y2021).coordinate in dv.sqref] == []
    other = load_workbook(forms["D03"].path)[layout.SHEET_INDICATORS]
    assert other.cell(data_rows(other, layout.INDICATOR_HEADER_ROW)["A01"], y2021).value is None


def test_baseline_year_column_shared_rows_open_own_baseline_locked(forms: dict[str, FormInfo]) -> None:
    d01 = load_workbook(forms["D01"].path)[layout.SHEET_INDICATORS]
    cols = header(d01, layout.INDICATOR_HEADER_ROW)
    base = cols[layout.year_header(2020)]
    assert base == FIRST_YEAR_COL  # before the reported years
    assert "基期年" in d01.cell(layout.INDICATOR_HEADER_ROW, base).comment.text
    rows = data_rows(d01, layout.INDICATOR_HEADER_ROW)
    for code in ("A01", "I01", "I02", "A04"):  # reported by several units: each types its own value
        cell = d01.cell(rows[code], base)
        assert cell.value is None and not cell.protection.locked, code
        dv = validation_at(d01, cell.coordinate)
        assert "基期" in dv.promptTitle and "本单位2020年的数值" in dv.prompt
    a01_2021 = validation_at(d01, d01.cell(rows["A01"], base + 2).coordinate)  # other years: no baseline text
    assert "基期" not in a01_2021.promptTitle

    b01 = load_workbook(forms["B01"].path)[layout.SHEET_INDICATORS]
    b01_rows = data_rows(b01, layout.INDICATOR_HEADER_ROW)
    a05 = b01.cell(b01_rows["A05"], base)  # B01 alone reports A05: the plan baseline is its own
    assert a05.value == 1.5 and a05.protection.locked
    assert not [dv for dv in b01.data_validations.dataValidation if a05.coordinate in dv.sqref]
    assert not b01.cell(b01_rows["I01"], base).protection.locked  # items have no plan baseline
    b02 = load_workbook(forms["B02"].path)[layout.SHEET_INDICATORS]
    a06 = b02.cell(data_rows(b02, layout.INDICATOR_HEADER_ROW)["A06"], base)  # baseline "—": typed
    assert a06.value is None and not a06.protection.locked

    meta = load_workbook(forms["B01"].path)[layout.SHEET_META]
    values = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, meta.max_row + 1)}
    assert json.loads(values["prefilled"]) == {"A05|2020": 1.5}
    assert forms["B01"].prefilled == 1
    guide = CalamineWorkbook.from_path(str(forms["B01"].path)).get_sheet_by_name(
        layout.SHEET_INSTRUCTIONS).to_python(skip_empty_area=False)
    text = "\n".join(str(v) for row in guide for v in row if v != "")
    assert "（A05），2020年基期值已按规划预先填入并锁定" in text and "用于计算本单位的完成进度" in text


def test_a_bound_or_period_sum_baseline_is_not_prefilled(tmp_path: Path) -> None:
    plan = build_plan()
    bound = parse_plan_value("≥95")
    a05 = replace(plan.indicator("A05"), baseline=bound)
    a04 = replace(plan.indicator("A04"), baseline=parse_plan_value("〈4200〉"), reporters=("B01",))
    changed = replace(plan, indicators=tuple({"A05": a05, "A04": a04}.get(i.code, i) for i in plan.indicators))
    info = write_form(changed, "B01", tmp_path / "b01.xlsx")
    ws = load_workbook(info.path)[layout.SHEET_INDICATORS]
    rows = data_rows(ws, layout.INDICATOR_HEADER_ROW)
    for code in ("A05", "A04"):
        cell = ws.cell(rows[code], FIRST_YEAR_COL)
        assert cell.value is None and not cell.protection.locked, code


def test_every_input_cell_has_a_validation_with_the_unit_and_definition(forms: dict[str, FormInfo]) -> None:
    checked = 0
    for info in forms.values():
        ws = load_workbook(info.path)[layout.SHEET_INDICATORS]
        for code, r in data_rows(ws, layout.INDICATOR_HEADER_ROW).items():
            for k in range(len(FORM_YEARS)):
                cell = ws.cell(r, FIRST_YEAR_COL + k)
                if cell.protection.locked:  # pre-filled or not this unit's: nothing to type
                    continue
                checked += 1
                dv = validation_at(ws, cell.coordinate)
                assert dv.type in ("decimal", "whole") and dv.errorStyle == "warning"
                assert dv.showInputMessage and dv.allow_blank
                assert dv.promptTitle.startswith(code) and len(dv.promptTitle) <= 32
                assert info.unit_name in dv.prompt and "口径" in dv.prompt and len(dv.prompt) <= 255
                assert "—" in dv.error and len(dv.error) <= 255
    assert checked > 50  # the forms have input cells: the loop checked them


def test_validation_types_and_bounds_follow_the_definitions(forms: dict[str, FormInfo]) -> None:
    d01 = load_workbook(forms["D01"].path)[layout.SHEET_INDICATORS]
    rows = data_rows(d01, layout.INDICATOR_HEADER_ROW)
    col = FIRST_YEAR_COL + 2  # 2022
    a01 = validation_at(d01, d01.cell(rows["A01"], col).coordinate)  # cumulative: ≥ 0
    assert (a01.type, a01.operator, float(a01.formula1)) == ("decimal", "greaterThanOrEqual", 0)
    a04 = validation_at(d01, d01.cell(rows["A04"], col).coordinate)  # integer count
    assert (a04.type, a04.operator, float(a04.formula1)) == ("whole", "greaterThanOrEqual", 0)
    assert "当年新增数" in a04.prompt
    b01 = load_workbook(forms["B01"].path)[layout.SHEET_INDICATORS]
    a05 = validation_at(b01, b01.cell(data_rows(b01, layout.INDICATOR_HEADER_ROW)["A05"], col).coordinate)
    assert (a05.type, a05.operator, float(a05.formula1), float(a05.formula2)) == ("decimal", None, 0, 10)
    assert "98.5 表示 98.5%" in a05.prompt and "请填报全市数" in a05.prompt
    b02 = load_workbook(forms["B02"].path)[layout.SHEET_INDICATORS]
    b02_rows = data_rows(b02, layout.INDICATOR_HEADER_ROW)
    a06 = validation_at(b02, b02.cell(b02_rows["A06"], col).coordinate)  # milestone 0/1
    assert (a06.type, float(a06.formula1), float(a06.formula2)) == ("whole", 0, 1)
    long = validation_at(b02, b02.cell(b02_rows["I03"], col).coordinate)  # 口径 cut to fit 255
    assert len(long.prompt) == 255 and long.prompt.endswith("…")


def test_task_sheet_lists_the_units_tasks_with_a_status_list(forms: dict[str, FormInfo]) -> None:
    for unit, codes in EXPECTED_TASKS.items():
        ws = load_workbook(forms[unit].path)[layout.SHEET_TASKS]
        cols = header(ws, layout.TASK_HEADER_ROW)
        assert tuple(cols) == layout.TASK_HEADERS
        rows = data_rows(ws, layout.TASK_HEADER_ROW)
        assert tuple(rows) == codes
        for r in rows.values():
            assert all(ws.cell(r, cols[h]).protection.locked for h in layout.TASK_HEADERS[:6])
            assert not any(ws.cell(r, cols[h]).protection.locked for h in layout.TASK_INPUT_HEADERS)
            status = validation_at(ws, ws.cell(r, cols["完成状态"]).coordinate)
            assert status.type == "list" and status.errorStyle in (None, "stop")  # absent = stop
            assert status.formula1 == '"' + ",".join(layout.TASK_STATUSES) + '"'
    b01 = load_workbook(forms["B01"].path)[layout.SHEET_TASKS]
    t02 = data_rows(b01, layout.TASK_HEADER_ROW)["T02"]
    assert b01.cell(t02, 3).value == "【专栏项目】食品安全检验检测中心建设"
    assert b01.cell(t02, 5).value == 2024 and b01.cell(t02, 6).value == "市市场监管局食品科"


def test_narrative_sheet_labels_in_column_a_inputs_in_column_b(forms: dict[str, FormInfo]) -> None:
    ws = load_workbook(forms["D02"].path)[layout.SHEET_NARRATIVE]
    labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for _, label in layout.NARRATIVE_FIELDS:
        r = labels[label]
        assert ws.cell(r, 1).protection.locked and not ws.cell(r, 2).protection.locked
        assert ws.cell(r, 2).alignment.wrap_text
    assert ws.row_dimensions[labels["主要成效"]].height >= 100
    rows = CalamineWorkbook.from_path(str(forms["D02"].path)).get_sheet_by_name(layout.SHEET_NARRATIVE).to_python()
    assert [r[0] for r in rows if r[0] in dict(layout.NARRATIVE_FIELDS).values()] == \
        [label for _, label in layout.NARRATIVE_FIELDS]


def test_instruction_sheet_states_deadline_contact_rules_and_legend(forms: dict[str, FormInfo]) -> None:
    rows = CalamineWorkbook.from_path(str(forms["D01"].path)).get_sheet_by_name(
        layout.SHEET_INSTRUCTIONS).to_python(skip_empty_area=False)
    text = "\n".join(str(v) for row in rows for v in row if v != "")
    for expected in ("2024年1月31日", "张三 027-12345678", "鄂城区", "浅黄色", "灰色", "浅蓝色",
                     "填“—”", "不带单位", "2021年至2023年", "“2020年”列为规划基期年"):
        assert expected in text, expected
    assert load_workbook(forms["D01"].path).active.title == layout.SHEET_INSTRUCTIONS


# identity ---------------------------------------------------------------------

def test_metadata_sheet_is_very_hidden_and_complete(forms: dict[str, FormInfo], plan: Plan) -> None:
    wb = load_workbook(forms["D01"].path)
    ws = wb[layout.SHEET_META]
    assert ws.sheet_state == "veryHidden"
    meta = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert tuple(meta) == layout.META_KEYS
    assert meta["plan_id"] == "test-scjg-14" and meta["unit"] == "D01" and meta["unit_name"] == "鄂城区"
    assert meta["fingerprint"] == plan.fingerprint() and meta["form_version"] == layout.FORM_VERSION
    assert meta["period"] == "2023-中期评估"
    assert json.loads(meta["years"]) == list(FORM_YEARS)
    assert json.loads(meta["fingerprint_parts"]) == plan.fingerprint_parts()
    assert json.loads(meta["rows"]) == list(EXPECTED_ROWS["D01"])
    locked = json.loads(meta["locked"])
    assert locked["A01"] == {"baseline": "31.2", "target": "〔40〕", "name": "市场主体数量"}
    assert locked["I01"] == {"baseline": "", "target": "", "name": "食品抽检合格批次"}
    assert json.loads(meta["prefilled"]) == {"A01|2021": 11.52, "I01|2021": 1180.0, "I02|2021": 1196.0}

    calamine = CalamineWorkbook.from_path(str(forms["D01"].path))
    assert [s.visible for s in calamine.sheets_metadata if s.name == layout.SHEET_META] == \
        [SheetVisibleEnum.VeryHidden]
    cal_meta = {r[0]: r[1] for r in calamine.get_sheet_by_name(layout.SHEET_META).to_python()}
    assert cal_meta == meta


def test_custom_document_properties(forms: dict[str, FormInfo], plan: Plan) -> None:
    props = {p.name: p.value for p in load_workbook(forms["B02"].path).custom_doc_props.props}
    assert props == {
        "reportkit.plan_id": "test-scjg-14", "reportkit.fingerprint": plan.fingerprint(),
        "reportkit.form_version": layout.FORM_VERSION, "reportkit.unit": "B02",
        "reportkit.period": "2023-中期评估",
    }


# print setup ------------------------------------------------------------------

@pytest.mark.parametrize("sheet", [layout.SHEET_INDICATORS, layout.SHEET_TASKS])
def test_print_setup_a4_landscape_one_page_wide_with_titles(forms: dict[str, FormInfo], sheet: str) -> None:
    ws = load_workbook(forms["D01"].path)[sheet]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes in ("E4", "D4")
    assert "鄂城区" in ws.oddHeader.left.text and "&P" in ws.oddFooter.center.text


def test_column_widths_fit_chinese_text(forms: dict[str, FormInfo]) -> None:
    ws = load_workbook(forms["D01"].path)[layout.SHEET_INDICATORS]
    # 食品抽检合格批次: 8 wide characters = 16 units, plus padding
    assert ws.column_dimensions["D"].width >= 16
    assert ws.column_dimensions["F"].width <= 40  # 口径 capped and wrapped
    assert ws.cell(layout.INDICATOR_HEADER_ROW + 1, 6).alignment.wrap_text


# writer behaviour ---------------------------------------------------------------

def test_write_form_rejects_unknown_unit(plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="X99"):
        write_form(plan, "X99", tmp_path / "x.xlsx")
    with pytest.raises(UsageError, match="X99"):
        write_forms(plan, tmp_path, units=["D01", "X99"])
    assert not list(tmp_path.iterdir())


def test_write_forms_by_unit_name_and_replaces_atomically(plan: Plan, tmp_path: Path) -> None:
    (tmp_path / form_filename(plan, "D02")).write_bytes(b"old")
    seen: list[str] = []
    infos = write_forms(plan, tmp_path, units=["华容区"], progress=lambda i: seen.append(i.unit))
    assert seen == ["D02"] and [p.name for p in tmp_path.iterdir()] == [infos[0].path.name]
    assert load_workbook(infos[0].path).sheetnames == list(layout.ALL_SHEETS)


def test_never_writes_over_the_plan_file(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.xlsx"
    plan_file.write_bytes(b"plan")
    plan = Plan(info=build_plan().info, indicators=build_plan().indicators, items=build_plan().items,
                units=build_plan().units, tasks=build_plan().tasks, path=str(plan_file))
    with pytest.raises(UsageError):
        write_form(plan, "D01", plan_file)
    assert plan_file.read_bytes() == b"plan"


def test_same_unit_names_get_distinct_files(tmp_path: Path) -> None:
    base = build_plan()
    twin = type(base.units[0])("D09", "鄂城区")
    plan = Plan(info=base.info, indicators=base.indicators, items=base.items,
                units=(*base.units, twin), tasks=base.tasks)
    infos = write_forms(plan, tmp_path, units=["D01", "D09"])
    assert len({i.path for i in infos}) == 2 and all(i.path.exists() for i in infos)
