"""What the reader reads once and passes on (the worksheet XML the sniffer checked, a return
sent back from a worker) is what reading it again would give, and no protection is lost."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fixtures.returns.builders import build_plan, fill, generate

from reportkit.checks.run import check_content, validate_return
from reportkit.forms import layout as L
from reportkit.intake import extent
from reportkit.intake.reader import read_form
from reportkit.intake.sniff import FileKind, sniff
from reportkit.intake.types import ReturnData
from reportkit.intake.workbook import read_workbook

PLAN = build_plan()
sniff_module = sys.modules["reportkit.intake.sniff"]  # the package exports the function


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    return fill(generate(PLAN, "D01", tmp_path / "forms"), tmp_path / "D01.xlsx")


def _part_of(book: Path, sheet: str) -> str:
    """The zip part of the worksheet named ``sheet``."""
    with zipfile.ZipFile(book) as zf:
        return next(part for name, part in extent._sheet_parts(zf) if name == sheet)


def _rewrite(src: Path, out: Path, part: str, change: object) -> Path:
    """A copy of ``src`` whose ``part`` is ``change(xml)`` (the other members as they were)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == part else data)  # type: ignore[operator]
    return out


def test_the_cell_scan_reads_up_to_the_end_of_sheet_data_and_never_cuts_a_cell_away() -> None:
    cut = extent.cells_part
    tail = b'<dataValidations><dataValidation sqref="XFD1048576"><formula1>0</formula1></dataValidation></dataValidations>'
    assert cut(b'<worksheet><sheetData><row r="1"><c r="A1"/></row></sheetData>' + tail + b"</worksheet>") \
        == b'<worksheet><sheetData><row r="1"><c r="A1"/></row>'
    assert cut(b"<x:worksheet><x:sheetData></x:sheetData >" + tail) == b"<x:worksheet><x:sheetData>"
    # no closing tag to stop at: the part is searched whole
    for whole in (b"<worksheet><sheetData/>" + tail,
                  b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>sheetData</t></is></c>'
                  b'<c r="XFD1048576"/></row>',
                  b"<worksheet>" + tail):
        assert cut(whole) == whole


def test_a_far_cell_after_an_unclosed_sheet_data_is_still_found(filled: Path, tmp_path: Path) -> None:
    """A forged part: the cells are never closed, and the text "sheetData" typed in a cell comes
    after the real start tag. The scan must not stop at that text."""
    part = _part_of(filled, L.SHEET_INDICATORS)

    def forge(xml: bytes) -> bytes:
        start = xml.index(b"</sheetData>")
        row = (b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>sheetData</t></is></c>'
               b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
        return xml[:start] + row + xml[start:].replace(b"</sheetData>", b"", 1)

    forged = _rewrite(filled, tmp_path / "forged.xlsx", part, forge)
    scan = extent.scan_sheets(forged)
    assert [(e.sheet, e.far_cell) for e in scan.oversized] == [(L.SHEET_INDICATORS, "XFD1048576")]


def test_the_sniffer_keeps_the_worksheets_it_checked_and_nothing_of_a_damaged_zip(filled: Path, tmp_path: Path) -> None:
    kept: dict[str, bytes] = {}
    assert sniff(filled, kept) is FileKind.XLSX is sniff(filled)
    with zipfile.ZipFile(filled) as zf:
        worksheets = {n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")}
        others = {n for n in zf.namelist() if n in sniff_module.KEPT_PARTS}
        assert kept == {n: zf.read(n) for n in worksheets | others} and worksheets
        assert others == {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/custom.xml"}
    # a member whose bytes no longer match its checksum: corrupt, as zipfile's testzip says
    damaged = tmp_path / "damaged.xlsx"
    data = bytearray(filled.read_bytes())
    with zipfile.ZipFile(filled) as zf:
        info = zf.getinfo(_part_of(filled, L.SHEET_TASKS))
    name_end = info.header_offset + 30 + len(info.filename.encode())
    data[name_end + info.compress_size // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    kept.clear()
    assert sniff(damaged, kept) is FileKind.CORRUPT and kept == {}
    assert [f.code for f in validate_return(PLAN, damaged).findings] == ["file.corrupt"]


def test_the_scan_before_reading_uses_the_worksheets_the_sniffer_read(filled: Path) -> None:
    """The parts handed on are what the scan measures (the file is not decompressed again)."""
    part = _part_of(filled, L.SHEET_INDICATORS)
    with zipfile.ZipFile(filled) as zf:
        xml = zf.read(part)
    far = re.sub(rb"</sheetData>", b'<row r="9000"><c r="B9000"><v>1</v></c></row></sheetData>', xml)
    assert read_workbook(filled, FileKind.XLSX).clipped == []
    seen = read_workbook(filled, FileKind.XLSX, parts={part: far}).clipped
    assert [(e.sheet, e.far_cell) for e in seen] == [(L.SHEET_INDICATORS, "B9000")]


def test_the_instructions_sheet_is_listed_not_read_and_its_far_cells_still_found(filled: Path,
                                                                                 tmp_path: Path) -> None:
    content = read_form(filled, isolate=False)
    assert content.workbook is not None
    instructions = content.workbook.sheets[L.SHEET_INSTRUCTIONS]
    assert instructions.grid == [] and instructions.visible == "visible"
    assert list(content.workbook.sheets) == [L.SHEET_INSTRUCTIONS, L.SHEET_INDICATORS, L.SHEET_TASKS,
                                             L.SHEET_NARRATIVE, L.SHEET_META]
    assert check_content(PLAN, content).state == "accepted"
    part = _part_of(filled, L.SHEET_INSTRUCTIONS)
    far = _rewrite(filled, tmp_path / "far.xlsx", part, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    found = [(f.location.sheet, f.location.cell) for f in validate_return(PLAN, far).findings
             if f.code == "sheet.far-cells"]
    assert found == [(L.SHEET_INSTRUCTIONS, "XFD1048576")]


def test_a_return_sent_back_from_a_worker_is_the_same_return_with_its_codes_shared(filled: Path,
                                                                                   tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    other.write_bytes(filled.read_bytes())
    first, second = (check_content(PLAN, read_form(p, isolate=False)) for p in (filled, other))
    first.superseded_by = "abc"
    back = [pickle.loads(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)) for r in (first, second)]
    assert all(type(r) is ReturnData for r in back)
    assert [r.to_dict() for r in back] == [first.to_dict(), second.to_dict()]
    assert back[0].observations == first.observations and back[0].notes == first.notes
    assert back[0].tasks == first.tasks and back[0].findings == first.findings
    a, b = back[0].observations[0], back[1].observations[0]
    assert a.code is b.code and a.cell is b.cell and a.unit is b.unit  # one copy across returns
    assert a.year is b.year and a.year > 256  # one int per year too (small ints are shared anyway)
    assert back[0].tasks[0].task_code is back[1].tasks[0].task_code


def test_reading_and_checking_load_no_writer_or_decryption_library() -> None:
    probe = ("import sys, reportkit.checks.run, reportkit.intake.reader, reportkit.definitions.loader; "
             "print(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                                check=True).stdout.split())
    assert "reportkit.checks.run" in loaded and "python_calamine" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in {"xlsxwriter", "msoffcrypto", "openpyxl", "docx"}) == []
    assert "reportkit.intake.legacy" not in loaded  # the .xls/.ods readers: loaded for such files only


def _zipfile_answer(path: Path) -> tuple[object, dict[str, bytes]]:
    """What the sniffer says of ``path`` when every member is read through zipfile (its kind, or
    the exception it raises), with the worksheet parts it keeps."""
    kept: dict[str, bytes] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sniff_module, "_all_sound", lambda zf, kept: False)
        try:
            return sniff(path, kept), kept
        except Exception as exc:  # noqa: BLE001 - the answer compared
            return type(exc), kept


def _damaged(src: Path, out: Path, change: object) -> Path:
    """A copy of ``src`` with ``change(bytes, members by name, where the central directory starts)``."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        directory = zf.start_dir  # type: ignore[attr-defined]
    change(data, infos, directory)  # type: ignore[operator]
    out.write_bytes(bytes(data))
    return out


def _data_start(info: zipfile.ZipInfo, data: bytearray) -> int:
    name_length, extra_length = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    return info.header_offset + 30 + name_length + extra_length


def test_a_sound_zip_is_checked_in_one_read_without_opening_its_members(filled: Path, monkeypatch) -> None:  # noqa: ANN001
    expected = _zipfile_answer(filled)

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member opened through zipfile")

    monkeypatch.setattr(zipfile.ZipFile, "open", refused)
    kept: dict[str, bytes] = {}
    assert (sniff(filled, kept), kept) == expected and expected[0] is FileKind.XLSX and kept


def test_the_one_read_check_agrees_with_zipfile_on_every_damage(filled: Path, tmp_path: Path) -> None:
    part = _part_of(filled, L.SHEET_INDICATORS)
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(filled) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))

    def flip_deflated(data: bytearray, infos: dict[str, zipfile.ZipInfo], _directory: int) -> None:
        info = infos[part]
        data[_data_start(info, data) + info.compress_size // 2] ^= 0x55

    def flip_last_byte(data: bytearray, infos: dict[str, zipfile.ZipInfo], _directory: int) -> None:
        info = infos[part]
        data[_data_start(info, data) + info.compress_size - 1] ^= 0x01

    def flip_stored(data: bytearray, infos: dict[str, zipfile.ZipInfo], _directory: int) -> None:
        info = infos[part]
        data[_data_start(info, data) + 100] ^= 0x01

    def rename_in_local_header(data: bytearray, infos: dict[str, zipfile.ZipInfo], _directory: int) -> None:
        at = infos[part].header_offset + 30 + len("xl/worksheets/")
        data[at] = ord("X")

    def local_signature(data: bytearray, infos: dict[str, zipfile.ZipInfo], _directory: int) -> None:
        data[infos[part].header_offset] = ord("Q")

    def size_in_directory(data: bytearray, _infos: dict[str, zipfile.ZipInfo], directory: int) -> None:
        # the uncompressed size the central directory gives for the part, one byte less
        entry = directory
        while data[entry:entry + 4] == b"PK\x01\x02":
            name_length = int.from_bytes(data[entry + 28:entry + 30], "little")
            if data[entry + 46:entry + 46 + name_length] == part.encode():
                size = int.from_bytes(data[entry + 24:entry + 28], "little")
                data[entry + 24:entry + 28] = (size - 1).to_bytes(4, "little")
                return
            entry += 46 + name_length + int.from_bytes(data[entry + 30:entry + 32], "little") \
                + int.from_bytes(data[entry + 32:entry + 34], "little")
        raise AssertionError("no directory entry")

    def encrypted_flag(data: bytearray, _infos: dict[str, zipfile.ZipInfo], directory: int) -> None:
        data[directory + 8] |= 0x01  # the first member's flags in the central directory

    large = tmp_path / "large.xlsx"  # a member over the size held whole: streamed through zipfile
    with zipfile.ZipFile(filled) as zin, zipfile.ZipFile(large, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr("xl/media/big.bin", bytes(sniff_module.KEEP_PART_BYTES + 1))
    with zipfile.ZipFile(large) as zf:
        assert not sniff_module._all_sound(zf, {})

    cases = {
        "deflated": filled, "stored": stored, "large": large,
        "flip-deflated": _damaged(filled, tmp_path / "a.xlsx", flip_deflated),
        "flip-last": _damaged(filled, tmp_path / "b.xlsx", flip_last_byte),
        "flip-stored": _damaged(stored, tmp_path / "c.xlsx", flip_stored),
        "renamed": _damaged(filled, tmp_path / "d.xlsx", rename_in_local_header),
        "signature": _damaged(filled, tmp_path / "e.xlsx", local_signature),
        "size": _damaged(filled, tmp_path / "f.xlsx", size_in_directory),
        "encrypted": _damaged(filled, tmp_path / "g.xlsx", encrypted_flag),
    }
    answers = {}
    for label, path in cases.items():
        kept: dict[str, bytes] = {}
        try:
            got: object = sniff(path, kept)
        except Exception as exc:  # noqa: BLE001 - the answer compared
            got = type(exc)
        assert (got, kept) == _zipfile_answer(path), label
        answers[label] = got
    assert answers["deflated"] is answers["stored"] is answers["large"] is FileKind.XLSX
    assert {answers[k] for k in ("flip-deflated", "flip-stored", "renamed", "signature", "size")} == {FileKind.CORRUPT}
    # a member that needs a password (zipfile raised RuntimeError, which ended validation in a traceback)
    assert answers["encrypted"] is FileKind.ENCRYPTED
    assert [f.code for f in validate_return(PLAN, cases["encrypted"]).findings] == ["file.encrypted"]


def test_the_row_specs_of_a_batch_are_made_once_and_are_what_each_unit_is_given() -> None:
    from reportkit.checks.context import RowSpecs, row_specs

    specs = RowSpecs(PLAN)
    units = [u.code for u in PLAN.reporting_units()]
    made = {unit: specs(unit) for unit in units}
    assert made == {unit: row_specs(PLAN, unit) for unit in units}
    assert all(list(made[u]) == list(row_specs(PLAN, u)) for u in units)  # in plan order
    sole = {(code, s.sole_reporter) for by_code in made.values() for code, s in by_code.items()}
    assert {flag for _code, flag in sole} == {True, False}  # both forms of an indicator's spec met
    shared = [code for code in made[units[0]] if code in made[units[1]]]
    assert shared and all(made[units[0]][c] is made[units[1]][c] for c in shared
                          if not made[units[0]][c].sole_reporter and not made[units[1]][c].sole_reporter)


def test_the_sheet_list_and_properties_the_sniffer_read_are_not_read_again(filled: Path) -> None:
    with zipfile.ZipFile(filled) as zf:
        custom, book = zf.read("docProps/custom.xml"), zf.read("xl/workbook.xml")
    plain = read_workbook(filled, FileKind.XLSX)
    key = next(k for k, v in plain.doc_properties.items() if v == "D01")
    # the form as filled asks for recalculation on load (its formula results are not trusted)
    assert b'fullCalcOnLoad="1"' in book and not plain.computed
    given = {"docProps/custom.xml": custom.replace(b">D01<", b">D02<"),
             "xl/workbook.xml": book.replace(b'fullCalcOnLoad="1"', b"")}
    seen = read_workbook(filled, FileKind.XLSX, parts=given)
    assert seen.doc_properties[key] == "D02" and seen.computed


def test_records_made_by_setting_their_slots_equal_the_ones_their_class_makes() -> None:
    import dataclasses

    from reportkit.intake.types import (
        Observation,
        RowNote,
        TaskReport,
        make_observation,
        make_row_note,
        make_task_report,
    )

    pairs = [
        (make_observation("D01", "A01", 2023, 98.5, "98.5", "J5", False, True),
         Observation("D01", "A01", 2023, 98.5, "98.5", "J5", False, True)),
        (make_observation("D01", "A02", 2022, None, "—", "K6", True, False),
         Observation("D01", "A02", 2022, None, "—", "K6", True, False)),
        (make_row_note("D01", "A01", "统计年报", "口径调整", "N5"), RowNote("D01", "A01", "统计年报", "口径调整", "N5")),
        (make_task_report("D01", "T01", "推进中", "按进度推进", "无", "继续", 7),
         TaskReport("D01", "T01", "推进中", "按进度推进", "无", "继续", 7)),
    ]
    for made, plain in pairs:
        assert type(made) is type(plain) and made == plain and hash(made) == hash(plain)
        assert repr(made) == repr(plain) and dataclasses.astuple(made) == dataclasses.astuple(plain)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.unit = "D02"  # type: ignore[misc]


def test_sheet_names_are_unescaped_only_where_they_hold_a_reference(filled: Path, tmp_path: Path) -> None:
    """A sheet named with "&" is still found under its name; a form's names load no entity table."""
    from openpyxl import load_workbook

    renamed = tmp_path / "renamed.xlsx"
    wb = load_workbook(filled)
    wb[L.SHEET_NARRATIVE].title = "总体&情况<1>"
    wb.save(renamed)
    with zipfile.ZipFile(renamed) as zf:
        assert b"&amp;" in zf.read("xl/workbook.xml")
        assert "总体&情况<1>" in [name for name, _part in extent._sheet_parts(zf)]
    probe = ("import sys; from pathlib import Path; from reportkit.intake.reader import read_form; "
             f"c = read_form(Path({str(filled)!r}), isolate=False); assert c.workbook is not None; "
             "print('html' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False"]
