"""One number formatter for every output: half up (四舍五入) on the decimal value, as Chinese
statistics and Excel's display do."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportkit import formatting as fmt
from reportkit.rendering.summary_xlsx import _Book


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (98.25, 1, "98.3"),  # f"{98.25:.1f}" gives 98.2 (the binary float rounds to even)
    (0.125, 2, "0.13"),
    (2.675, 2, "2.68"),  # stored as 2.67499999…: Excel and a reader see 2.675
    (1.005, 2, "1.01"),
    (-2.5, 0, "-3"),  # half away from zero, as 四舍五入 and Excel
    (-0.04, 1, "0.0"),  # never "-0.0"
    (0.8627, 4, "0.8627"),
    (0.8627, 2, "0.86"),
    (1200, 0, "1200"),  # no thousands separator anywhere
    (12000.0, 0, "12000"),
    (None, 2, "—"),
    (float("nan"), 1, "—"),
])
def test_number(value, decimals, text):
    assert fmt.number(value, decimals) == text


def _decimal_text(value: float, decimals: int) -> str:
    q = fmt.rounded(value, decimals)  # the definition: half up on the 15 significant digits, by Decimal
    return f"{abs(q) if q.is_zero() else q:f}"


HALVES = st.builds(lambda whole, frac, d: float(f"{whole}.{frac:0{d}d}5"), st.integers(-10**9, 10**9),
                   st.integers(0, 10**5), st.integers(1, 5))  # 2.675, -0.125: exactly on a half when read


@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), HALVES,
                 st.integers(-10**16, 10**16).map(float)), st.integers(0, 12))
def test_number_is_the_decimal_half_up_text_digit_for_digit(value, decimals):
    """number() rounds the digits as text (no Decimal) when it can: the same text, and
    round_half_up() the same float, as the Decimal definition gives."""
    try:
        expected = _decimal_text(value, decimals)
    except ArithmeticError:  # beyond Decimal's 28 digits: the same error either way
        with pytest.raises(ArithmeticError):
            fmt.number(value, decimals)
        return
    assert fmt.number(value, decimals) == expected
    assert fmt.round_half_up(value, decimals) == float(expected)


def test_percent_trimmed_and_json_agree():
    assert (fmt.percent(60.0), fmt.percent(51.83), fmt.percent(98.25)) == ("60%", "51.8%", "98.3%")
    assert fmt.round_half_up(98.25, 1) == 98.3 and fmt.round_half_up(0.125, 2) == 0.13
    assert fmt.round_half_up(None, 2) is None
    from reportkit.evaluation.types import _round  # what every to_dict() writes

    assert _round(98.25, 1) == 98.3


def test_excel_formats_match_the_text():
    assert [fmt.excel_format(d) for d in (0, 1, 2, 4)] == ["0", "0.0", "0.00", "0.0000"]


def _summary_workbook(tmp_path: Path) -> Path:
    buf = io.BytesIO()
    book = _Book(buf)
    rows = [{"v": 98.25, "decimals": 1}, {"v": 0.8627, "decimals": 4}, {"v": 2.675, "decimals": 2},
            {"v": 51.83, "decimals": 2}]
    book.table("t", "标题", [("值", lambda r: r["v"], "num"), ("进度", lambda r: r["v"], "pct")], rows)
    out = tmp_path / "summary.xlsx"
    out.write_bytes(book.close())
    return out


def test_summary_cells_carry_the_indicator_decimals(tmp_path: Path):
    ws = load_workbook(_summary_workbook(tmp_path))["t"]
    assert [ws.cell(r, 1).number_format for r in range(3, 7)] == ["0.0", "0.0000", "0.00", "0.00"]
    assert [ws.cell(r, 2).value for r in range(3, 7)] == [98.3, 0.9, 2.7, 51.8]  # percentages: as percent() writes


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_spreadsheet_displays_what_the_report_writes(tmp_path: Path):
    """LibreOffice shows the cells as formatted text (as Excel does): the same text as number()."""
    book = _summary_workbook(tmp_path)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "--outdir", str(tmp_path),
                    str(book)], check=True, capture_output=True, timeout=180)
    shown = [row[0] for row in csv.reader((tmp_path / "summary.csv").read_text(encoding="utf-8").splitlines())][2:]
    assert shown == [fmt.number(98.25, 1), fmt.number(0.8627, 4), fmt.number(2.675, 2), fmt.number(51.83, 2)]
    assert shown == ["98.3", "0.8627", "2.68", "51.83"]
