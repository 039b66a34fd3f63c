"""Files that made reading abort or hang: each one gets a finding and the batch goes on."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import xlsxwriter
from fixtures.returns.builders import build_plan, edit, fill, generate

from reportkit.checks.run import validate_paths, validate_return
from reportkit.forms import layout as L
from reportkit.intake import extent, isolate, workbook
from reportkit.intake.isolate import IsolationFailed, run_isolated

PLAN = build_plan()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    return fill(generate(PLAN, "D01", tmp_path / "forms"), tmp_path / "D01.xlsx")


def _with_cell(src: Path, out: Path, row: int, col: int, value: object) -> Path:
    out.write_bytes(src.read_bytes())

    def put(wb: object) -> None:
        wb[L.SHEET_INDICATORS].cell(row, col).value = value  # type: ignore[index]
    return edit(out, put)


def test_far_corner_cell_is_a_finding_and_the_batch_goes_on(filled: Path, tmp_path: Path) -> None:
    """One string at XFD1048576 used to make calamine request ~550 GB and abort the process."""
    corner = _with_cell(filled, tmp_path / "corner.xlsx", 1048576, 16384, "x")
    far = _with_cell(filled, tmp_path / "far.xlsx", 1_000_000, 4, 5)
    good = tmp_path / "good.xlsx"
    good.write_bytes(filled.read_bytes())
    start = time.monotonic()
    run = validate_paths(PLAN, [corner, far, good])
    elapsed = time.monotonic() - start
    by_name = {Path(r.path).name: r for r in run.returns}
    assert set(by_name) == {"corner.xlsx", "far.xlsx", "good.xlsx"}
    far_cells = [f for f in by_name["corner.xlsx"].findings if f.code == "sheet.far-cells"]
    assert len(far_cells) == 1 and far_cells[0].location.cell == "XFD1048576"
    assert far_cells[0].location.sheet == L.SHEET_INDICATORS and "corner.xlsx" in far_cells[0].location.file
    assert [f.location.cell for f in by_name["far.xlsx"].findings if f.code == "sheet.far-cells"] == ["D1000000"]
    # what is inside the form is still read from the bounded sheet
    assert by_name["far.xlsx"].value("A01", 2023) == pytest.approx(13.05)
    assert by_name["corner.xlsx"].value("A01", 2023) == pytest.approx(13.05)
    assert by_name["good.xlsx"].state == "accepted"
    assert elapsed < 15, elapsed  # a figure a million rows down took tens of seconds


def test_extent_is_measured_from_the_cells_not_the_declared_dimension(tmp_path: Path) -> None:
    p = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("数据")
    ws.write(0, 0, "a")
    ws.write_number(extent.MAX_ROWS + 10, 2, 7)
    wb.add_worksheet("空").write(3, 3, "b")
    wb.close()
    got = {e.sheet: (e.rows, e.cols, e.oversized) for e in extent.sheet_extents(p)}
    assert got == {"数据": (extent.MAX_ROWS + 11, 3, True), "空": (4, 4, False)}
    assert extent.column_letters(16384) == "XFD" and extent.column_number("XFD") == 16384


def test_one_scan_finds_the_far_sheets_formulas_and_error_cells(tmp_path: Path) -> None:
    """The single pass over the worksheets measures exactly the sheets the full measure calls
    oversized, and sees formulas and error cells wherever they are."""
    p = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(p)
    wb.add_worksheet("小").write(999, 25, "z")  # row 1000, column Z: a candidate, within bounds
    wb.add_worksheet("远").write_number(extent.MAX_ROWS, 0, 1)
    wide = wb.add_worksheet("宽")
    wide.write(0, extent.MAX_COLS, "x")
    wide.write_formula(1, 1, "=1/0", None, "#DIV/0!")
    wb.close()
    scan = extent.scan_sheets(p)
    assert [e for e in extent.sheet_extents(p) if e.oversized] == list(scan.oversized)
    assert [(e.sheet, e.far_cell) for e in scan.oversized] == [("远", f"A{extent.MAX_ROWS + 1}"), ("宽", "GS1")]
    assert scan.formulas and scan.errors
    plain = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(plain)
    wb.add_worksheet("表").write(3, 3, "b")
    wb.close()
    assert extent.scan_sheets(plain) == extent.SheetScan()
    assert extent.scan_sheets(tmp_path / "missing.xlsx") == extent.SheetScan()


def test_reader_abort_in_the_child_becomes_a_finding(filled: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The measure is the first defence; if it ever misses a sheet, calamine's abort kills only the
    reader's process and the file is reported as too large."""
    corner = _with_cell(filled, tmp_path / "corner.xlsx", 1048576, 16384, "x")
    monkeypatch.setattr(workbook, "scan_sheets", lambda _p: extent.SheetScan())
    run = validate_paths(PLAN, [corner, filled])
    first, second = run.returns
    assert [f.code for f in first.findings] == ["file.too-large"]
    assert "内存" in first.findings[0].message
    assert second.state == "accepted"


def test_isolated_call_returns_raises_and_survives_abort_and_timeout() -> None:
    assert run_isolated(lambda: {"a": [1.5, "x"]}) == {"a": [1.5, "x"]}
    with pytest.raises(workbook.WorkbookReadError) as info:
        run_isolated(lambda: (_ for _ in ()).throw(workbook.WorkbookReadError("corrupt", "坏了")))
    assert info.value.reason == "corrupt" and info.value.detail == "坏了"
    with pytest.raises(IsolationFailed) as died:
        run_isolated(os.abort)
    assert died.value.reason == "too-large"
    with pytest.raises(IsolationFailed) as slow:
        run_isolated(lambda: time.sleep(30), seconds=0.5)
    assert slow.value.reason == "timeout"
    with pytest.raises(MemoryError):
        run_isolated(lambda: bytearray(8 * 2**30), memory=isolate.MEMORY_LIMIT)


def test_far_cell_in_a_calc_saved_ods_is_refused_not_fatal(filled: Path, tmp_path: Path) -> None:
    p = tmp_path / "corner.xlsx"
    wb = xlsxwriter.Workbook(p)
    ws = wb.add_worksheet("S")
    ws.write(0, 0, "a")
    ws.write_string(1048575, 16383, "x")
    wb.close()
    ods = _convert(p, "ods", tmp_path)
    run = validate_paths(PLAN, [ods, filled])
    assert run.returns[0].findings[0].code in {"file.corrupt", "file.too-large"}
    assert run.returns[1].state == "accepted"


def _convert(path: Path, fmt: str, out: Path) -> Path:
    return _convert_all([path], fmt, out)[0]


def _convert_all(paths: list[Path], fmt: str, out: Path) -> list[Path]:
    """Re-save files with LibreOffice Calc, as a unit using it would (one soffice run)."""
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    profile = out / "lo-profile"
    target = out / f"calc-{fmt}"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(target), *map(str, paths)], check=True, capture_output=True, timeout=300)
    return [target / f"{p.stem}.{fmt}" for p in paths]


def test_validate_return_of_a_huge_sheet_names_the_file(filled: Path, tmp_path: Path) -> None:
    corner = _with_cell(filled, tmp_path / "鄂城区 最终版.xlsx", 1048576, 16384, "")
    data = validate_return(PLAN, corner)
    assert any(f.code == "sheet.far-cells" and f.location.file == "鄂城区 最终版.xlsx" for f in data.findings)


def test_huge_numbers_in_a_return_are_findings_and_never_reach_json(filled: Path, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner
    from fixtures.returns.builders import GOOD_VALUES

    from reportkit.cli import main

    values = {**GOOD_VALUES, ("A01", 2023): 1e308, ("A03", 2023): "1e20", ("I01", 2023): -1e300}
    p = fill(generate(PLAN, "D01", tmp_path / "forms2"), tmp_path / "big.xlsx", values)
    data = validate_return(PLAN, p)
    too_large = sorted((f.location.indicator, f.location.year) for f in data.findings if f.code == "value.too-large")
    assert too_large == [("A01", 2023), ("A03", 2023), ("I01", 2023)]
    assert data.value("A01", 2023) is None and data.value("A03", 2023) is None
    assert not [o for o in data.observations if o.value is not None and abs(o.value) >= 1e15]
    text = json.dumps(data.to_dict(), allow_nan=False, ensure_ascii=False)  # raises on inf/nan
    assert "1e+308" in text or "1E+308" in text.upper()  # the raw text stays in the finding
    result = CliRunner().invoke(main, ["validate", str(p), str(filled), "--json"], catch_exceptions=False)
    strict = json.loads(result.output, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    assert strict["files"] == 2


def test_one_sanitizer_caps_names_by_bytes() -> None:
    from reportkit.fileio import MAX_NAME_BYTES, safe_file_name

    long = "鄂城区" * 60  # 540 bytes of UTF-8
    name = safe_file_name(long, "-审核意见.xlsx")
    assert name.endswith("-审核意见.xlsx") and len(name.encode()) <= MAX_NAME_BYTES
    assert name.startswith("鄂城区鄂城区")
    assert safe_file_name('a/b\\c:d*e?"f<g>h|\x01', ".xlsx") == "a_b_c_d_e__f_g_h__.xlsx"
    assert safe_file_name("..隐藏. ", ".docx") == "隐藏.docx"
    assert safe_file_name("CON", ".xlsx") == "_CON.xlsx"
    assert safe_file_name("  ", ".xlsx", fallback="未识别") == "未识别.xlsx"


def test_long_received_file_name_does_not_abort_the_outputs(tmp_path: Path) -> None:
    from reportkit.checks.report import write_outputs

    # 80 CJK characters: 240 bytes, a name the file system accepts; with "-审核意见" added it would not
    stem = ("关于报送鄂城区市场监管十四五规划中期评估填报表的函" * 4)[:80]
    bad = tmp_path / f"{stem}.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    run = validate_paths(PLAN, [bad])
    out = write_outputs(run, tmp_path / "out")
    assert len(out.feedback) == 1 and out.feedback[0].exists()
    assert len(out.feedback[0].name.encode()) <= 255 and out.feedback[0].name.endswith("-审核意见.xlsx")


def test_same_content_same_verdict_in_xlsx_xls_and_ods(filled: Path, tmp_path: Path) -> None:
    """Calc stores computed results: a formula whose result is 0 is a real 0, an error value is an
    error (not "not filled in"), and the identity properties are read from every format."""
    from fixtures.returns.builders import address

    def formulas(wb: object) -> None:
        ws = wb[L.SHEET_INDICATORS]  # type: ignore[index]
        ws[address(ws, "A04", 2023)] = "=1/0"
        ws[address(ws, "A03", 2023)] = "=0*5"

    def other_unit(wb: object) -> None:
        for row in wb[L.SHEET_META].iter_rows():  # type: ignore[index]
            if row[0].value == "unit":
                row[1].value = "D02"

    def no_meta_sheet(wb: object) -> None:
        del wb[L.SHEET_META]  # type: ignore[attr-defined]

    sources = []
    for name, change in (("formulas", formulas), ("conflict", other_unit), ("properties", no_meta_sheet)):
        p = tmp_path / "src" / f"{name}.xlsx"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(filled.read_bytes())
        sources.append(edit(p, change))
    verdicts = {}
    for fmt in ("xlsx", "xls", "ods"):
        converted = _convert_all(sources, fmt, tmp_path)
        run = validate_paths(PLAN, converted)
        verdicts[fmt] = [sorted((f.code, f.location.cell or "") for f in r.findings if f.code != "file.legacy-format")
                         for r in run.returns]
        formula_return, conflict_return, properties_return = run.returns
        assert formula_return.value("A03", 2023) == 0
        assert properties_return.unit == "D01" and properties_return.state == "accepted", fmt
        assert conflict_return.has_errors
    assert verdicts["xlsx"] == verdicts["xls"] == verdicts["ods"]
    formula_codes, conflict_codes, property_codes = verdicts["xlsx"]
    assert [c for c, _ in formula_codes] == ["value.error-value", "value.yoy-jump"]
    assert ("form.identity-conflict", "") in conflict_codes
    assert "form.meta-sheet-missing" in [c for c, _ in property_codes]
    # as written by a library (recalculate-on-open, nothing computed), a stored 0 proves nothing
    library_written = validate_return(PLAN, sources[0])
    assert sorted(f.code for f in library_written.findings) == ["value.formula-no-cache", "value.formula-no-cache"]


def _rezip(src: Path, out: Path, change: object) -> Path:
    """Copy an .xlsx part by part, letting ``change(name, data)`` rewrite parts (or add them)."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))  # type: ignore[operator]
            if data is not None:
                zout.writestr(info, data)
        extra = change("", b"")  # type: ignore[operator]
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return out


def test_external_links_dde_macros_and_hidden_workbooks_are_findings(filled: Path, tmp_path: Path) -> None:
    import re

    from fixtures.returns.builders import address

    def links(wb: object) -> None:
        ws = wb[L.SHEET_INDICATORS]  # type: ignore[index]
        ws[address(ws, "A01", 2023)] = f"='{tmp_path}/[other.xlsx]Sheet1'!A1"
        ws[address(ws, "A03", 2023)] = "=cmd|' /C calc'!A0"

    linked = tmp_path / "src" / "linked.xlsx"
    linked.parent.mkdir()
    linked.write_bytes(filled.read_bytes())
    edit(linked, links)
    saved = _convert(linked, "xlsx", tmp_path)  # Calc keeps the link as an externalLink part

    def add_macros(name: str, data: bytes) -> object:
        return {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 508} if name == "" else data

    def hide_all(name: str, data: bytes) -> object:
        if name == "xl/workbook.xml":
            data = data.replace(b'state="visible"', b'state="hidden"')
            return re.sub(rb"<sheet (?![^>]*state=)", b'<sheet state="hidden" ', data)
        return None if name == "" else data

    macros = _rezip(filled, tmp_path / "macros.xlsm", add_macros)
    hidden = _rezip(filled, tmp_path / "hidden.xlsx", hide_all)
    run = validate_paths(PLAN, [linked, saved, macros, hidden, filled])
    found = {Path(r.path).parent.name + "/" + Path(r.path).name: r for r in run.returns}
    direct, calc, macro_return, hidden_return, good = run.returns
    cells = sorted(f.location.indicator for f in direct.findings if f.code == "value.external-link")
    assert cells == ["A01", "A03"] and direct.value("A01", 2023) is None and direct.has_errors
    assert "file.external-links" in [f.code for f in calc.findings]
    assert sorted(f.location.indicator for f in calc.findings if f.code == "value.external-link") == ["A01", "A03"]
    assert "file.macros" in [f.code for f in macro_return.findings]
    assert "file.no-visible-sheet" in [f.code for f in hidden_return.findings]
    assert good.state == "accepted" and len(found) == 5
