"""Returns broken the way a district clerk breaks them in Excel or WPS: the bundled ezhou
plan's forms, generated, filled, then edited with openpyxl (or patched at the XML level
for what openpyxl cannot write, such as cached error values), and validated."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from reportkit.checks.run import validate_return
from reportkit.data.examples.make_returns import all_values, fill_form
from reportkit.definitions import load_plan
from reportkit.definitions.model import Plan
from reportkit.findings import Finding, Severity
from reportkit.forms import layout as L
from reportkit.forms.writer import write_form
from reportkit.intake.types import ReturnData
from reportkit.scaffold import example_plan_path

PLAN: Plan = load_plan(example_plan_path("ezhou"))
UNIT = "echeng"  # a district: rows A01 D01 D02 A03 D04 D03, no pre-filled cells


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A correctly filled return per unit (validated without findings)."""
    d = tmp_path_factory.mktemp("clean")
    values = all_values(PLAN)
    out = {}
    for unit in (UNIT, "huarong", "ipr"):
        form = write_form(PLAN, unit, d / f"form-{unit}.xlsx").path
        out[unit] = d / f"{unit}.xlsx"
        fill_form(form, out[unit], PLAN, "ezhou", unit, values[unit], {})
    return out


def edited(src: Path, dst: Path, change: Callable[[Workbook, Worksheet], None]) -> Path:
    """Open a return, unprotect its 指标数据 sheet as a person would, change it, save a copy."""
    wb = load_workbook(src)
    ws = wb[L.SHEET_INDICATORS]
    ws.protection.sheet = False
    change(wb, ws)
    wb.save(dst)
    return dst


def header_row(ws: Worksheet) -> int:
    return next(r for r in range(1, 40) if any(c.value == L.CODE_HEADER for c in ws[r]))


def col_of(ws: Worksheet, header: str | int) -> int:
    text = L.year_header(header) if isinstance(header, int) else header
    return next(c.column for c in ws[header_row(ws)] if str(c.value).split("\n")[0] == text)


def row_of(ws: Worksheet, code: str) -> int:
    c = col_of(ws, L.CODE_HEADER)
    return next(r for r in range(header_row(ws) + 1, ws.max_row + 1) if ws.cell(r, c).value == code)


def put(ws: Worksheet, code: str, header: str | int, value: object) -> str:
    cell = ws.cell(row_of(ws, code), col_of(ws, header))
    cell.value = value
    return cell.coordinate


def patch_sheet_xml(src: Path, dst: Path, sheet_index: int, change: Callable[[str], str]) -> Path:
    """Rewrite one worksheet part (1-based) of an .xlsx, for what openpyxl cannot write."""
    member = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            zo.writestr(info, change(data.decode()).encode() if info.filename == member else data)
    return dst


def cell_xml(xml: str, ref: str, inner: str, t: str | None = None) -> str:
    m = re.search(rf'<c r="{ref}"([^>]*?)(/>|>.*?</c>)', xml, re.S)
    assert m, ref
    attrs = re.sub(r'\s+t="[^"]*"', "", m.group(1)) + (f' t="{t}"' if t else "")
    return xml[:m.start()] + f'<c r="{ref}"{attrs}>{inner}</c>' + xml[m.end():]


def found(data: ReturnData, code: str) -> list[Finding]:
    return [f for f in data.findings if f.code == code]


def only(data: ReturnData, code: str) -> Finding:
    hits = found(data, code)
    assert len(hits) == 1, (code, [(f.code, f.location.cell, f.message) for f in data.findings])
    return hits[0]


def no_crash(data: ReturnData) -> None:
    assert not found(data, "check.crashed"), [f.message for f in found(data, "check.crashed")]


def test_clean_returns_have_no_findings(clean: dict[str, Path]) -> None:
    for path in clean.values():
        assert validate_return(PLAN, path).findings == []


# values ---------------------------------------------------------------------------

def test_comma_typos_are_not_read_as_thousands(clean: dict[str, Path], tmp_path: Path) -> None:
    cells: dict[str, str] = {}

    def change(wb: Workbook, ws: Worksheet) -> None:
        cells["bad"] = put(ws, "D04", 2022, "1,234,5")  # not 12345
        cells["bad2"] = put(ws, "D04", 2023, "8,9015")  # not 89015
        cells["ok"] = put(ws, "D03", 2021, "8,789")  # a real thousands separator

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change))
    bad = {f.location.cell for f in found(data, "value.not-a-number")}
    assert bad == {cells["bad"], cells["bad2"]}
    assert data.value("D04", 2022) is None and data.value("D04", 2023) is None
    assert data.value("D03", 2021) == 8789


def test_the_usual_value_mistakes(clean: dict[str, Path], tmp_path: Path) -> None:
    cells: dict[str, str] = {}

    def change(wb: Workbook, ws: Worksheet) -> None:
        cells["date"] = put(ws, "A01", 2021, dt.datetime(2024, 1, 2))  # "1-2" auto-converted by Excel
        ws[cells["date"]].number_format = "m/d"
        cells["exp"] = put(ws, "A01", 2022, "1.6E+0")
        cells["comma"] = put(ws, "A01", 2023, "1,98")  # decimal comma
        cells["nbsp"] = put(ws, "D01", 2021, "\xa0173\xa0")
        cells["pct"] = put(ws, "D01", 2022, "98.5%")  # percent sign in a count row
        cells["zero"] = put(ws, "D02", 2021, "0")

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change))
    no_crash(data)
    assert only(data, "value.date").location.cell == cells["date"]
    assert data.value("A01", 2022) == 1.6
    assert only(data, "value.not-a-number").location.cell == cells["comma"]
    assert data.value("D01", 2021) == 173
    spaced = [f for f in found(data, "value.text-number") if f.location.cell == cells["nbsp"]]
    assert spaced and "前后有空格" in spaced[0].message
    mismatch = only(data, "value.unit-mismatch")
    assert mismatch.location.cell == cells["pct"] and "%" in mismatch.message
    assert data.value("D02", 2021) == 0  # a typed 0 is a value, not a blank
    assert not [f for f in found(data, "value.missing") if f.location.cell == cells["zero"]]


def test_a_negative_count_is_an_error_even_when_the_row_has_bounds(clean: dict[str, Path], tmp_path: Path) -> None:
    cell = {}

    def change(wb: Workbook, ws: Worksheet) -> None:
        cell["neg"] = put(ws, "D01", 2023, -5)  # 件, integer, bounds 0..10000

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change))
    f = only(data, "value.negative")
    assert f.location.cell == cell["neg"] and f.severity is Severity.ERROR
    assert not found(data, "value.out-of-range")


def test_a_pasted_paragraph_is_quoted_short(clean: dict[str, Path], tmp_path: Path) -> None:
    text = "经核实，" + "本年度数据因统计口径调整暂无法提供" * 300

    def change(wb: Workbook, ws: Worksheet) -> None:
        put(ws, "D02", 2023, text)

    f = only(validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change)), "value.not-a-number")
    assert len(f.message) < 200 and f"共 {len(text)} 字" in f.message


def test_error_values_are_reported_as_errors_not_blanks(clean: dict[str, Path], tmp_path: Path) -> None:
    """calamine reads an error cell as ''; a #DIV/0! must not become "未填写" (or be skipped)."""
    wb = load_workbook(clean[UNIT])
    ws = wb[L.SHEET_INDICATORS]
    refs = {"div": f"{ws.cell(row_of(ws, 'A01'), col_of(ws, 2021)).coordinate}",
            "na": f"{ws.cell(row_of(ws, 'A01'), col_of(ws, 2023)).coordinate}",
            "ref": f"{ws.cell(row_of(ws, 'D01'), col_of(ws, 2021)).coordinate}"}
    index = wb.sheetnames.index(L.SHEET_INDICATORS) + 1

    def change(xml: str) -> str:
        xml = cell_xml(xml, refs["div"], "<f>J5/0</f><v>#DIV/0!</v>", "e")  # Excel's cached error
        xml = cell_xml(xml, refs["na"], "<v>#N/A</v>", "e")  # an error pasted as a value
        return cell_xml(xml, refs["ref"], "<f>#REF!*2</f><v>#REF!</v>", "e")  # a deleted reference

    data = validate_return(PLAN, patch_sheet_xml(clean[UNIT], tmp_path / "r.xlsx", index, change))
    no_crash(data)
    errors = {f.location.cell: f for f in found(data, "value.error-value")}
    assert set(errors) == set(refs.values())
    assert "#DIV/0!" in errors[refs["div"]].message and "=J5/0" in errors[refs["div"]].message
    assert "#N/A" in errors[refs["na"]].message
    assert not found(data, "value.missing") and not found(data, "value.formula-no-cache")
    assert data.value("A01", 2021) is None and data.value("D01", 2021) is None


# columns ----------------------------------------------------------------------------

def test_a_deleted_year_column_is_an_error_not_a_silent_gap(clean: dict[str, Path], tmp_path: Path) -> None:
    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx",
                                        lambda wb, ws: ws.delete_cols(col_of(ws, 2022))))
    f = only(data, "column.year-missing")
    assert f.severity is Severity.ERROR and f.location.year == 2022 and "2022年" in f.message
    assert f.location.cell == "A3"
    assert data.value("A01", 2023) is not None  # the other years are still read by header


def test_a_retyped_year_header(clean: dict[str, Path], tmp_path: Path) -> None:
    def typo(wb: Workbook, ws: Worksheet) -> None:
        ws.cell(header_row(ws), col_of(ws, 2021)).value = "2012年"

    assert only(validate_return(PLAN, edited(clean[UNIT], tmp_path / "a.xlsx", typo)),
                "column.year-missing").location.year == 2021

    def duplicate(wb: Workbook, ws: Worksheet) -> None:
        ws.cell(header_row(ws), col_of(ws, 2022)).value = "2021年"

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "b.xlsx", duplicate))
    assert "J3、K3" in only(data, "column.year-duplicate").message
    assert only(data, "column.year-missing").location.year == 2022

    def harmless(wb: Workbook, ws: Worksheet) -> None:
        r = header_row(ws)
        ws.cell(r, col_of(ws, 2021)).value = "2021年 "
        ws.cell(r, col_of(ws, 2022)).value = "２０２２年"
        ws.cell(r, col_of(ws, 2023)).value = 2023

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "c.xlsx", harmless))
    assert data.findings == []
    assert data.value("A01", 2022) == validate_return(PLAN, clean[UNIT]).value("A01", 2022)


def test_swapped_year_headers_are_flagged(clean: dict[str, Path], tmp_path: Path) -> None:
    def swap(wb: Workbook, ws: Worksheet) -> None:
        r, c21, c22 = header_row(ws), col_of(ws, 2021), col_of(ws, 2022)
        ws.cell(r, c21).value, ws.cell(r, c22).value = "2022年", "2021年"

    f = only(validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", swap)), "column.year-order")
    assert f.severity is Severity.WARNING and "J3 2022年、K3 2021年" in f.message


def test_inserted_column_hidden_rows_and_a_moved_note_column(clean: dict[str, Path], tmp_path: Path) -> None:
    def change(wb: Workbook, ws: Worksheet) -> None:
        c = col_of(ws, 2022)
        ws.insert_cols(c)  # a helper column between 2021 and 2022
        ws.cell(header_row(ws), c).value = "2021年增速"
        ws.cell(row_of(ws, "A01"), c).value = "10%"
        ws.row_dimensions[row_of(ws, "D01")].hidden = True
        ws.auto_filter.ref = f"A{header_row(ws)}:P{ws.max_row}"
        note = col_of(ws, L.EXPLANATION_HEADER)  # 说明 moved in front of the year columns
        first = col_of(ws, 2020)
        ws.insert_cols(first)
        for r in range(header_row(ws), ws.max_row + 1):
            ws.cell(r, first).value, ws.cell(r, note + 1).value = ws.cell(r, note + 1).value, None
        put(ws, "A01", L.EXPLANATION_HEADER, "口径调整")

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change))
    ref = validate_return(PLAN, clean[UNIT])
    assert data.findings == []
    assert [(o.code, o.year, o.value) for o in data.observations] == \
        [(o.code, o.year, o.value) for o in ref.observations]
    assert data.notes["A01"].explanation == "口径调整"


def test_a_number_typed_over_a_date_is_read_not_a_crash(clean: dict[str, Path], tmp_path: Path) -> None:
    """A large negative number in a date-formatted cell makes calamine panic (a BaseException)."""
    cells = {}

    def change(wb: Workbook, ws: Worksheet) -> None:
        for key, year, value in (("huge", 2021, -10**12), ("small", 2022, -5)):
            cells[key] = put(ws, "A01", year, dt.date(2024, 1, 2))
            ws[cells[key]].value = value  # the cell keeps its date format

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change))
    no_crash(data)
    assert {f.location.cell for f in data.findings if f.severity is Severity.ERROR} == set(cells.values())
    assert data.value("A01", 2021) is None and data.value("A01", 2023) is not None


# structure and identity ---------------------------------------------------------------

def _set_meta(wb: Workbook, **values: str) -> None:
    meta = wb[L.SHEET_META]
    meta.sheet_state = "visible"  # unhidden (LibreOffice or a macro can) and edited
    for row in meta.iter_rows():
        if row[0].value in values:
            row[1].value = values[row[0].value]


def test_metadata_edited_to_another_district_is_caught(clean: dict[str, Path], tmp_path: Path) -> None:
    """Districts' forms have the same rows: the properties and the title still name 鄂城区."""
    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx",
                                        lambda wb, ws: _set_meta(wb, unit="huarong", unit_name="华容区")))
    f = only(data, "form.identity-conflict")
    assert f.severity is Severity.ERROR and data.state == "has-errors"
    assert "华容区" in f.message and "文件属性中的填报单位为“鄂城区”（echeng）" in f.message
    assert "标题写的是“鄂城区”" in f.message


def test_metadata_and_properties_edited_title_still_tells(clean: dict[str, Path], tmp_path: Path) -> None:
    def change(wb: Workbook, ws: Worksheet) -> None:
        _set_meta(wb, unit="huarong", unit_name="华容区")
        wb.custom_doc_props["reportkit.unit"].value = "huarong"

    f = only(validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change)), "form.identity-conflict")
    assert "文件属性" not in f.message and "标题写的是“鄂城区”" in f.message


def test_metadata_edited_to_a_department_rows_do_not_match(clean: dict[str, Path], tmp_path: Path) -> None:
    def change(wb: Workbook, ws: Worksheet) -> None:
        _set_meta(wb, unit="ipr")
        wb.custom_doc_props["reportkit.unit"].value = "ipr"
        for r in (1, 2):  # the title retyped too
            ws.cell(r, 1).value = str(ws.cell(r, 1).value).replace("鄂城区", "市市场监管局知识产权科")

    f = only(validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change)), "form.identity-conflict")
    assert "指标行与该单位应填报的指标不一致" in f.message


def test_deleted_metadata_sheet_falls_back_to_the_plan(clean: dict[str, Path], tmp_path: Path) -> None:
    """Only the document properties identify the form: row order and locked cells come from the plan."""
    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "a.xlsx", lambda wb, ws: wb.remove(wb[L.SHEET_META])))
    assert [f.code for f in data.findings] == ["form.meta-sheet-missing"]  # no false "row moved"
    assert data.meta is not None and data.meta.unit == UNIT

    cells = {}

    def change(wb: Workbook, ws: Worksheet) -> None:
        wb.remove(wb[L.SHEET_META])
        cells["own"] = put(ws, "A04", 2020, 999)  # pre-filled from the plan: the unit's own baseline
        cells["base"] = put(ws, "A05", L.BASELINE_HEADER, "1")

    data = validate_return(PLAN, edited(clean["ipr"], tmp_path / "b.xlsx", change))
    assert {f.location.cell for f in found(data, "cell.locked-edited")} == set(cells.values())


def test_retyped_codes_are_read_as_the_code(clean: dict[str, Path], tmp_path: Path) -> None:
    def change(wb: Workbook, ws: Worksheet) -> None:
        c = col_of(ws, L.CODE_HEADER)
        ws.cell(row_of(ws, "A01"), c).value = "a01"
        ws.cell(row_of(ws, "D01"), c).value = "Ｄ０１"
        ws.cell(row_of(ws, "D02"), c).value = "D02 "

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change))
    retyped = {f.location.indicator: f for f in found(data, "row.code-retyped")}
    assert set(retyped) == {"A01", "D01"} and "“a01”" in retyped["A01"].message
    assert {f.code for f in data.findings} == {"row.code-retyped"}
    ref = validate_return(PLAN, clean[UNIT])
    assert [(o.code, o.year, o.value) for o in data.observations] == \
        [(o.code, o.year, o.value) for o in ref.observations]


def test_another_units_rows_pasted_in(clean: dict[str, Path], tmp_path: Path) -> None:
    other = load_workbook(clean["ipr"])[L.SHEET_INDICATORS]
    pasted = [[c.value for c in other[row_of(other, code)]] for code in ("A04", "A05")]

    def change(wb: Workbook, ws: Worksheet) -> None:
        for values in pasted:
            ws.append(values)

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "r.xlsx", change))
    unknown = found(data, "row.unknown-code")
    assert sorted(f.location.indicator for f in unknown) == ["A04", "A05"]
    assert all(f.location.cell and f.location.cell.startswith("A") for f in unknown)
    assert not [o for o in data.observations if o.code in ("A04", "A05")]


def test_sheet_copied_into_a_new_workbook_is_not_a_form(clean: dict[str, Path], tmp_path: Path) -> None:
    ws = load_workbook(clean[UNIT])[L.SHEET_INDICATORS]
    wb = Workbook()
    copy = wb.active
    copy.title = L.SHEET_INDICATORS
    for row in ws.iter_rows(values_only=True):
        copy.append(row)
    wb.save(tmp_path / "copy.xlsx")
    data = validate_return(PLAN, tmp_path / "copy.xlsx")
    assert [f.code for f in data.findings] == ["form.not-a-form"] and data.observations == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("target", ["ods", "xlsx"])
def test_saved_again_by_libreoffice(clean: dict[str, Path], tmp_path: Path, target: str) -> None:
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", target, "--outdir", str(out), str(clean[UNIT])],
                   check=True, capture_output=True, timeout=180)
    data = validate_return(PLAN, out / f"{UNIT}.{target}")
    ref = validate_return(PLAN, clean[UNIT])
    assert data.findings == [] and data.meta is not None and data.meta.unit == UNIT
    assert [(o.code, o.year, o.value, o.cell) for o in data.observations] == \
        [(o.code, o.year, o.value, o.cell) for o in ref.observations]


def test_retyped_task_codes_are_read_as_the_code(clean: dict[str, Path], tmp_path: Path) -> None:
    def change(wb: Workbook, _ws: Worksheet) -> None:
        ws = wb[L.SHEET_TASKS]
        ws.protection.sheet = False
        head = next(r for r in range(1, 40) if any(c.value == L.TASK_CODE_HEADER for c in ws[r]))
        col = next(c.column for c in ws[head] if c.value == L.TASK_CODE_HEADER)
        first = head + 1
        ws.cell(first, col).value = str(ws.cell(first, col).value).lower()

    data = validate_return(PLAN, edited(clean[UNIT], tmp_path / "t.xlsx", change))
    assert {f.code for f in data.findings} == {"row.code-retyped"}
    retyped = found(data, "row.code-retyped")[0]
    assert retyped.location.sheet == L.SHEET_TASKS and retyped.location.cell.startswith("A")
    ref = validate_return(PLAN, clean[UNIT])
    assert [t.task_code for t in data.tasks] == [t.task_code for t in ref.tasks]
