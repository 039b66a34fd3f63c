"""What reportkit writes: untrusted text stays inert, and a build's files are a consistent set."""

from __future__ import annotations

import csv
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "returns"))

from builders import GOOD_VALUES, build_plan, edit, fill, generate  # noqa: E402

from reportkit.checks.report import write_outputs  # noqa: E402
from reportkit.checks.run import validate_paths  # noqa: E402
from reportkit.forms import layout as L  # noqa: E402
from reportkit.ledger import Ledger  # noqa: E402
from reportkit.sheettext import csv_text  # noqa: E402

PLAN = build_plan()
DDE = "=cmd|'-C calc'!A0"  # as a file name: no "/"


def _formula_cells(path: Path) -> list[str]:
    """Every cell stored as a formula, straight from the sheet XML (no library in between)."""
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist()
                if n.startswith("xl/worksheets/") and (b"<f>" in zf.read(n) or b"<f " in zf.read(n))]


def test_text_that_looks_like_a_formula_stays_text_in_every_output(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    values = {**GOOD_VALUES, ("A03", 2023): "@SUM(1+1)*cmd|' /C calc'!A0", ("A01", 2022): "-5"}
    good = fill(generate(PLAN, "D01", tmp_path / "forms"), tmp_path / "in" / "鄂城区.xlsx", values,
                notes={"A04": "+1+1 见附件"})

    def rename(wb: object) -> None:
        wb[L.SHEET_TASKS].title = "=HYPERLINK(\"x\")"  # type: ignore[index]
    edit(good, rename)
    bad = tmp_path / "in" / f"{DDE}.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    run = validate_paths(PLAN, [good, bad])
    out = write_outputs(run, tmp_path / "out")
    for written in [out.summary, *out.feedback]:
        assert _formula_cells(written) == [], written.name

    import openpyxl

    feedback = {p.name: openpyxl.load_workbook(p) for p in out.feedback}
    corrupt = next(wb for name, wb in feedback.items() if "cmd" in name)["审核意见"]
    assert corrupt["A1"].value.startswith(DDE) and corrupt["A1"].data_type == "s"
    renamed = next(wb for name, wb in feedback.items() if "鄂城区" in name)["审核意见"]
    sheets = [c.value for c in renamed["D"] if c.value and str(c.value).startswith("=HYPERLINK")]
    assert sheets and all(c.data_type == "s" for c in renamed["D"] if c.value in sheets)

    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.collect_many(PLAN, [good, bad])
        ledger.export(tmp_path / "all.csv", PLAN, everything=True)
        ledger.export(tmp_path / "all.xlsx", PLAN, everything=True)
    with (tmp_path / "all.csv").open(encoding="utf-8-sig") as fh:
        raws = [row[6] for row in csv.reader(fh)]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in raws and "-5" in raws
    assert not [r for r in raws if r[:1] in ("=", "+", "@") or (r[:1] == "-" and r != "-5" and r != "-")]
    assert _formula_cells(tmp_path / "all.xlsx") == []


def test_csv_text_follows_owasp() -> None:
    assert [csv_text(v) for v in ("=1+1", "+1", "-1+2", "@A1", "\tx", "\rx", "－1", "普通", "-5", "+3.5", 2.0, -3.5,
                                  None)] == ["'=1+1", "+1", "'-1+2", "'@A1", "'\tx", "'\rx", "'－1", "普通", "-5",
                                             "+3.5", "2", "-3.5", ""]
