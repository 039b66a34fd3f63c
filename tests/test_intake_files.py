"""One real file per file-level and form-level finding code."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import xlsxwriter
from fixtures.returns.builders import build_plan, fill, generate
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import load_workbook

from reportkit.checks.run import collect_files, validate_paths, validate_return
from reportkit.definitions.notation import parse_plan_value
from reportkit.findings import Severity
from reportkit.intake.sniff import FileKind, sniff

PLAN = build_plan()
LEGACY = Path(__file__).parent / "fixtures" / "returns" / "legacy-D01.xls"


def codes(path: Path) -> list[str]:
    return [f.code for f in validate_return(PLAN, path).findings]


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    return fill(generate(PLAN, "D01", tmp_path / "forms"), tmp_path / "D01.xlsx")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "鄂城区.xlsx"
    p.write_bytes(b"")
    assert sniff(p) is FileKind.EMPTY
    data = validate_return(PLAN, p)
    assert [f.code for f in data.findings] == ["file.empty"]
    assert data.meta is None and data.state == "has-errors"


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    p = tmp_path / "鄂城区.xls"
    p.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    assert codes(p) == ["file.not-spreadsheet"]


def test_corrupt_zip(filled: Path, tmp_path: Path) -> None:
    p = tmp_path / "truncated.xlsx"
    p.write_bytes(filled.read_bytes()[:3000])
    assert sniff(p) is FileKind.CORRUPT
    data = validate_return(PLAN, p)
    assert [f.code for f in data.findings] == ["file.corrupt"]
    assert data.findings[0].severity is Severity.ERROR


def test_encrypted_workbook(filled: Path, tmp_path: Path) -> None:
    p = tmp_path / "encrypted.xlsx"
    with filled.open("rb") as src, p.open("wb") as out:
        OOXMLFile(src).encrypt("1234", out)
    assert sniff(p) is FileKind.ENCRYPTED
    assert codes(p) == ["file.encrypted"]


def test_legacy_xls_is_read(tmp_path: Path) -> None:
    data = validate_return(PLAN, LEGACY)
    assert [f.code for f in data.findings] == ["file.legacy-format"]
    assert data.state == "accepted"
    assert data.value("A01", 2023) == pytest.approx(13.05)
    assert data.notes["A04"].explanation.startswith("2022年")
    # WPS .et files are OLE2/BIFF like .xls: read by content whatever the name
    et = tmp_path / "鄂城区.et"
    shutil.copyfile(LEGACY, et)
    assert codes(et) == ["file.legacy-format"]


def test_renamed_extension_read_by_content(filled: Path, tmp_path: Path) -> None:
    p = tmp_path / "鄂城区.dat"
    shutil.copyfile(filled, p)
    assert codes(p) == []


def _old_layout(path: Path) -> Path:
    """A form as made before the baseline-year column: no 2020 column, metadata years 2021–2023."""
    wb = load_workbook(path)
    ws = wb["指标数据"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "编码")
    col = next(c.column for c in ws[header] if c.value == "2020年")
    ws.delete_cols(col)
    meta = wb["_reportkit"]
    row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "years")
    meta.cell(row, 2).value = "[2021,2022,2023]"
    wb.save(path)
    return path


def test_old_layout_without_baseline_column_validates(filled: Path) -> None:
    data = validate_return(PLAN, _old_layout(filled))
    assert data.findings == [] and data.state == "accepted"  # no note about a missing baseline
    assert data.meta is not None and data.meta.years == (2021, 2022, 2023)
    assert {o.year for o in data.observations} == {2021, 2022, 2023}
    assert data.value("A01", 2023) == pytest.approx(13.05) and data.value("A01", 2021) == pytest.approx(11.5)


def test_new_layout_reads_the_baseline_column(filled: Path) -> None:
    data = validate_return(PLAN, filled)
    assert data.meta is not None and data.meta.years == (2020, 2021, 2022, 2023)
    assert data.value("A01", 2020) == pytest.approx(10.9) and data.value("I02", 2020) == 1170


def test_spreadsheet_that_is_not_a_form(tmp_path: Path) -> None:
    p = tmp_path / "汇总.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("Sheet1").write_row(0, 0, ["编码", "名称", "2023年"])
    wb.close()
    assert codes(p) == ["form.not-a-form"]


def test_form_of_another_plan(tmp_path: Path) -> None:
    other = build_plan(id="another-plan")
    path = fill(generate(other, "D01", tmp_path / "forms"), tmp_path / "other.xlsx")
    data = validate_return(PLAN, path)
    assert [f.code for f in data.findings] == ["form.other-plan"]
    assert "another-plan" in data.findings[0].message
    assert data.observations == []


def test_outdated_form_names_changed_indicators(tmp_path: Path) -> None:
    indicators = tuple(replace(i, target=parse_plan_value("≥90")) if i.code == "A03" else i
                       for i in PLAN.indicators)
    old = replace(PLAN, indicators=indicators)
    path = fill(generate(old, "D01", tmp_path / "forms"), tmp_path / "old.xlsx")
    data = validate_return(PLAN, path)
    found = [f for f in data.findings if f.code == "form.outdated"]
    assert len(found) == 1
    assert "A03 快检覆盖率" in found[0].message and "A01" not in found[0].message
    assert found[0].severity is Severity.WARNING


def test_unknown_unit(tmp_path: Path) -> None:
    path = generate(PLAN, "D01", tmp_path / "forms")
    wb = load_workbook(path)  # a form whose unit this plan does not know
    meta = wb["_reportkit"]
    for row in meta.iter_rows():
        if row[0].value == "unit":
            row[1].value = "D09"
    wb.save(path)
    assert codes(path) == ["form.unknown-unit"]


def test_duplicate_unit_newest_used(filled: Path, tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    older, newer = folder / "鄂城区（第一次）.xlsx", folder / "鄂城区-修改后.xlsx"
    shutil.copyfile(filled, older)
    shutil.copyfile(filled, newer)
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_086_400, 1_700_086_400))
    (folder / "~$鄂城区-修改后.xlsx").write_bytes(b"lock")
    (folder / ".hidden.xlsx").write_bytes(b"")
    run = validate_paths(PLAN, [folder])
    assert [Path(r.path).name for r in run.returns] == sorted([older.name, newer.name])
    by_name = {Path(r.path).name: r for r in run.returns}
    assert by_name[newer.name].superseded_by is None
    assert by_name[older.name].superseded_by == by_name[newer.name].sha256
    dup = [f for f in by_name[older.name].findings if f.code == "form.duplicate-unit"]
    assert len(dup) == 1 and newer.name in dup[0].message and "内容完全相同" in dup[0].message
    assert [r.unit for r in run.active] == ["D01"]
    assert run.missing_units == ["D02", "D03", "B01"]


def test_collect_skips_lock_and_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "~$a.xlsx").write_bytes(b"x")
    (tmp_path / ".a.xlsx").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in collect_files([tmp_path])] == ["a.xlsx"]


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "鄂城区.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(310):  # 310 MB of zeros, a few hundred KB on disk
                fh.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    data = validate_return(PLAN, bomb)
    assert [f.code for f in data.findings] == ["file.too-large"]
    assert "解压后超过" in data.findings[0].message
