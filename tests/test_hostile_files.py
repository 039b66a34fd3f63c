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
    monkeypatch.setattr(workbook, "scan_zip", lambda *_args: extent.SheetScan())
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


def _linked_return(filled: Path, tmp_path: Path) -> Path:
    """The filled return with A01 (2023) taken from another workbook and A03 (2023) from DDE."""
    from fixtures.returns.builders import address

    def links(wb: object) -> None:
        ws = wb[L.SHEET_INDICATORS]  # type: ignore[index]
        ws[address(ws, "A01", 2023)] = f"='{tmp_path}/[other.xlsx]Sheet1'!A1"
        ws[address(ws, "A03", 2023)] = "=cmd|' /C calc'!A0"

    linked = tmp_path / "src" / "linked.xlsx"
    linked.parent.mkdir()
    linked.write_bytes(filled.read_bytes())
    return edit(linked, links)


def test_external_links_dde_macros_and_hidden_workbooks_are_findings(filled: Path, tmp_path: Path) -> None:
    import re

    linked = _linked_return(filled, tmp_path)
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


def _ods_with(src: Path, out: Path, old: str, new: str) -> Path:
    """An .ods with one formula of ``content.xml`` rewritten (parts copied as they are)."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "content.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data, zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    return out


def test_external_links_are_found_per_cell_in_xls_and_ods_too(filled: Path, tmp_path: Path) -> None:
    """LibreOffice keeps a reference to another workbook as a SUPBOOK + ptgRef3d (.xls) and as
    ``['file:///…'#$Sheet1.A1]`` (.ods); the cell is refused in all three formats."""
    linked = _linked_return(filled, tmp_path)
    as_xls, as_ods = _convert(linked, "xls", tmp_path), _convert(linked, "ods", tmp_path)
    # A real DDE function in Calc; saved as .xls it becomes a DDE SUPBOOK (the cell itself is
    # written as =#N/A, which LibreOffice cannot express otherwise).
    dde_ods = _ods_with(as_ods, tmp_path / "dde.ods", "of:=cmd|&apos; /c calc&apos;!a0",
                        "of:=DDE(&quot;cmd&quot;;&quot;/C calc&quot;;&quot;A0&quot;)")
    dde_xls = _convert(dde_ods, "xls", tmp_path / "src")
    run = validate_paths(PLAN, [linked, as_xls, as_ods, dde_ods, dde_xls])
    for r in run.returns:
        linked_cells = {f.location.indicator: f for f in r.findings if f.code == "value.external-link"}
        assert "A01" in linked_cells, r.path
        assert linked_cells["A01"].location.cell == address_of(filled, "A01", 2023)
        assert r.value("A01", 2023) is None and r.has_errors
    direct, xls, ods, dde, dde_as_xls = run.returns
    codes = {Path(r.path).name: sorted(f.code for f in r.findings if f.location.indicator == "A03") for r in run.returns}
    assert codes == {"linked.xlsx": ["value.external-link"], "linked.xls": ["value.error-value"],
                     "linked.ods": ["value.external-link"], "dde.ods": ["value.external-link"],
                     "dde.xls": ["value.error-value"]}
    assert all(r.value("A03", 2023) is None for r in run.returns)
    assert "other.xlsx" in next(f.message for f in xls.findings if f.code == "value.external-link")
    assert "file:///" in next(f.message for f in ods.findings if f.code == "value.external-link")
    assert 'DDE("cmd";"/C calc";"A0")' in next(f.message for f in dde.findings if f.location.indicator == "A03")
    file_level = {Path(r.path).name: next((f.message for f in r.findings if f.code == "file.external-links"), "")
                  for r in run.returns}
    assert "1 个" in file_level["linked.xls"] and "DDE" not in file_level["linked.xls"]
    assert "DDE" in file_level["dde.xls"] and "DDE" in file_level["dde.ods"]
    assert not any(f.code == "file.links-unchecked" for r in run.returns for f in r.findings)


def address_of(path: Path, code: str, year: int) -> str:
    from fixtures.returns.builders import address
    from openpyxl import load_workbook

    wb = load_workbook(path)
    try:
        return address(wb[L.SHEET_INDICATORS], code, year)
    finally:
        wb.close()


def _record(kind: int, body: bytes) -> bytes:
    import struct

    return struct.pack("<HH", kind, len(body)) + body


def _biff(sheet_records: list[bytes], supbooks: list[bytes], xti: list[tuple[int, int, int]]) -> bytes:
    """A BIFF8 workbook stream as Excel writes it: globals (sheet, SUPBOOKs with their
    EXTERNNAMEs, EXTERNSHEET), then the sheet's substream holding ``sheet_records``."""
    import struct

    bof_globals = _record(0x0809, struct.pack("<HH", 0x0600, 0x0005) + b"\0" * 12)
    bof_sheet = _record(0x0809, struct.pack("<HH", 0x0600, 0x0010) + b"\0" * 12)
    name = L.SHEET_INDICATORS.encode("utf-16-le")
    externsheet = _record(0x0017, struct.pack("<H", len(xti)) + b"".join(struct.pack("<Hhh", *x) for x in xti))
    eof = _record(0x000A, b"")

    def globals_with(offset: int) -> bytes:
        sheet = _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(L.SHEET_INDICATORS), 1) + name)
        return bof_globals + sheet + b"".join(supbooks) + externsheet + eof

    offset = len(globals_with(0))
    return globals_with(offset) + bof_sheet + b"".join(sheet_records) + eof


def _formula(row: int, col: int, tokens: bytes, cce: int | None = None) -> bytes:
    """A FORMULA record; ``cce``: the token length it claims (default: the true one)."""
    import struct

    return _record(0x0006, struct.pack("<HHH", row, col, 0) + b"\0\0\0\0\0\0\xff\xff" + b"\0" * 6
                   + struct.pack("<H", len(tokens) if cce is None else cce) + tokens)


def test_biff_references_excel_writes_shared_formulas_dde_names_and_internal_ones() -> None:
    """The forms LibreOffice does not write: a shared formula (SHRFMLA) filled over cells, a
    DDE link through an external name, and references that stay inside the workbook."""
    import struct

    from reportkit.intake.external import ExternalLinks, _Parser

    def supbook_file(path: str, sheets: list[str]) -> bytes:
        body = struct.pack("<HH", len(sheets), len(path)) + b"\0" + path.encode("latin-1")
        for s in sheets:
            body += struct.pack("<H", len(s)) + b"\0" + s.encode("latin-1")
        return _record(0x01AE, body)

    def externname(name: str) -> bytes:
        return _record(0x0023, b"\0" * 6 + bytes([len(name), 0]) + name.encode("latin-1") + b"\x02\x00\x1c\x17")

    supbooks = [_record(0x01AE, struct.pack("<HH", 3, 0x0401)),  # this workbook
                supbook_file("\x01C\x03data\x03other.xls", ["Sheet1", "Sheet2"]), externname("Total"),
                supbook_file("cmd\x03 /C calc", []), externname("A0"),  # DDE
                _record(0x01AE, struct.pack("<HH", 1, 0x3A01)), externname("EOMONTH")]  # add-in functions
    xti = [(0, 0, 0), (1, 1, 1), (2, -2, -2), (3, -2, -2)]
    ref3d = bytes([0x5A]) + struct.pack("<HHH", 1, 4, 0xC002)  # '[other.xls]Sheet2'!C5
    text = bytes([0x17, 3, 0]) + b"abc"
    choose = bytes([0x19, 0x04]) + struct.pack("<H", 1) + b"\0\0\0\0"
    shared = _record(0x04BC, struct.pack("<HHBB", 3, 5, 2, 2) + b"\0\x03" + struct.pack("<H", len(ref3d)) + ref3d)
    exp = bytes([0x01]) + struct.pack("<HH", 3, 2)
    records = [
        _formula(3, 2, exp), shared, _formula(4, 2, exp), _formula(5, 2, exp),  # C4:C6 share one formula
        _formula(6, 2, text + choose + ref3d + bytes([0x03])),  # ="abc"…+ref: part of a longer formula
        _formula(7, 2, bytes([0x59]) + struct.pack("<HHH", 2, 1, 0)),  # DDE item through ptgNameX
        _formula(8, 2, bytes([0x5A]) + struct.pack("<HHH", 0, 0, 0)),  # Sheet1!A1 in this workbook
        _formula(9, 2, bytes([0x59]) + struct.pack("<HHH", 3, 1, 0)),  # an add-in function name
        _formula(10, 2, bytes([0x5B]) + struct.pack("<HHHHH", 1, 0, 9, 0, 1)),  # an area elsewhere
        _formula(11, 2, bytes([0x39]) + struct.pack("<HHH", 1, 1, 0)),  # a name defined in the other book
    ]
    out = ExternalLinks()
    _Parser(_biff(records, supbooks, xti), out).run()
    sheet = L.SHEET_INDICATORS
    assert out.unchecked == ""
    assert out.formulas == {
        (sheet, 3, 2): "=…'C:/data/[other.xls]Sheet2'!C5…", (sheet, 4, 2): "=…'C:/data/[other.xls]Sheet2'!C5…",
        (sheet, 5, 2): "=…'C:/data/[other.xls]Sheet2'!C5…", (sheet, 6, 2): "=…'C:/data/[other.xls]Sheet2'!C5…",
        (sheet, 7, 2): "=cmd|' /C calc'!A0", (sheet, 10, 2): "='C:/data/[other.xls]Sheet2'!A1:B10",
        (sheet, 11, 2): "='C:/data/[other.xls]'!Total"}
    assert out.dde and out.sources == {"C:/data/other.xls", "cmd| /C calc"}
    from reportkit.intake.external import EXTERNAL_REFERENCE

    assert all(EXTERNAL_REFERENCE.search(f) for f in out.formulas.values())


def test_hostile_biff_streams_are_findings_never_tracebacks_or_hangs(filled: Path, tmp_path: Path) -> None:
    import struct

    import olefile

    from reportkit.intake.external import MAX_RECORDS, ExternalLinks, _Parser

    def parse(stream: bytes) -> ExternalLinks:
        out = ExternalLinks()
        _Parser(stream, out).run()
        return out

    start = time.monotonic()
    good = _formula(3, 2, bytes([0x5A]) + struct.pack("<HHH", 0, 0, 0))
    supbooks = [_record(0x01AE, struct.pack("<HH", 0, 5) + b"\0a.xls")]
    cases = {
        "unknown token": _biff([_formula(3, 2, b"\x18\x00\x00")], supbooks, [(0, 0, 0)]),
        "truncated token": _biff([_formula(3, 2, b"\x5a\x00")], supbooks, [(0, 0, 0)]),
        "record longer than the stream": _biff([good], supbooks, [(0, 0, 0)])[:-6],
        "ptgStr running past the end": _biff([_formula(3, 2, b"\x17\xff\x01abc")], supbooks, [(0, 0, 0)]),
        "not BIFF8": b"\x09\x08\x04\x00\x00\x05\x10\x00",
        "endless small records": _biff([], [], []) + _record(0x0200, b"") * (MAX_RECORDS + 10),
        "choose table past the end": _biff([_formula(3, 2, b"\x19\x04\xff\xff")], supbooks, [(0, 0, 0)]),
        "formula longer than its record": _biff([_formula(3, 2, b"\x5a\x00\x00", cce=7)], supbooks, [(0, 0, 0)]),
    }
    for what, stream in cases.items():
        assert parse(stream).unchecked, what
    assert parse(cases["formula longer than its record"]).unchecked == "公式记录不完整"
    assert parse(_biff([good], supbooks, [(0, 0, 0)])).formulas  # the same, well formed, is read
    # ixti and supbook indices out of range, a SUPBOOK whose path runs past its record, a loop
    # of nested BOFs: nothing is reported, nothing raised.
    assert not parse(_biff([good], supbooks, [(7, 0, 0)])).formulas
    assert not parse(_biff([_formula(3, 2, b"\x5a\x09\x00\x00\x00\x00\x00")], supbooks, [(0, 0, 0)])).formulas
    assert parse(_biff([good], [_record(0x01AE, struct.pack("<HH", 0, 500) + b"\0a.xls")], [(0, 0, 0)])).formulas
    assert time.monotonic() - start < 20

    # In a real file: the formula's token replaced in place by one that cannot be read.
    linked = tmp_path / "linked.xlsx"
    linked.write_bytes(filled.read_bytes())
    edit(linked, lambda wb: wb[L.SHEET_INDICATORS].__setitem__("L4", f"='{tmp_path}/[o.xlsx]S'!A1"))
    xls = _convert(linked, "xls", tmp_path)
    with olefile.OleFileIO(str(xls), write_mode=True) as ole:
        stream = ole.openstream("Workbook").read()
        at = stream.index(bytes.fromhex("07005a02"))  # cce 7, then ptgRef3d with ixti 2
        ole.write_stream("Workbook", stream[:at + 2] + b"\x18" + stream[at + 3:])
    broken = tmp_path / "broken.xls"
    xls.rename(broken)
    run = validate_paths(PLAN, [broken, filled])
    unchecked = [f for f in run.returns[0].findings if f.code == "file.links-unchecked"]
    assert unchecked and "0x18" in unchecked[0].message
    assert not any(f.code == "check.crashed" for r in run.returns for f in r.findings)
    assert run.returns[1].state == "accepted"  # the batch goes on


def test_ods_linked_sheets_ranges_and_dde_links_are_found_in_the_same_pass_as_formulas(tmp_path: Path):
    """A sheet linked to another file, a range linked to one and a DDE link (Calc writes its
    source as <office:dde-source> in <table:dde-link>) are links even when no formula names
    them; the formula pass over content.xml finds them too."""
    import zipfile

    from reportkit.intake.external import ods_external

    content = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"><office:body><office:spreadsheet>
<table:table table:name="指标数据">
 <table:table-source xlink:href="file:///data/other.ods" table:table-name="Sheet1"/>
 <table:table-row><table:table-cell table:formula="of:=['file:///data/b.ods'#$Sheet1.A1]"/>
  <table:table-cell table:formula="of:=[.A1]+1"/></table:table-row>
</table:table>
<table:database-ranges/><table:cell-range-source xlink:href="file:///data/range.ods" table:name="R"/>
<table:dde-links><table:dde-link><office:dde-source office:dde-application="soffice"
 office:dde-topic="/data/dde.ods" office:dde-item="A1"/></table:dde-link></table:dde-links>
</office:spreadsheet></office:body></office:document-content>"""
    path = tmp_path / "linked.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    out = ods_external(path)
    assert out.unchecked == ""
    assert out.formulas == {("指标数据", 0, 0): "=['file:///data/b.ods'#$Sheet1.A1]"}
    assert out.sources == {"file:///data/other.ods", "file:///data/range.ods", "file:///data/b.ods",
                           "soffice|/data/dde.ods"}
    assert out.dde
