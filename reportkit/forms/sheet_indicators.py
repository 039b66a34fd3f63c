"""The 指标数据 sheet: locked definition columns, one input cell per year, 数据来源 and 说明.

The first year column is the baseline year: the unit's own baseline value, so that its
progress can be judged. Where the plan baseline is the unit's own value (it alone reports
the figure) the cell is pre-filled and locked; elsewhere the unit types it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .layout import (
    EXPLANATION_HEADER,
    FIXED_HEADERS,
    INDICATOR_HEADER_ROW,
    NO_DATA_MARK,
    SHEET_INDICATORS,
    SOURCE_HEADER,
    year_header,
)
from .rows import FormRow
from .sheetsetup import add_validation, print_setup, protect
from .styles import Styles
from .text import longest_line, wrapped_lines

HEADER = INDICATOR_HEADER_ROW - 1  # 0-based
FIRST = HEADER + 1
LINE_HEIGHT = 15.0
FROZEN_COLUMNS = 4  # 编码, 类型, 类别, 名称

# (minimum, maximum) widths of the fixed columns, in Excel character units
_WIDTHS = {"编码": (6, 12), "类型": (7, 7), "类别": (8, 14), "名称": (16, 30), "单位": (6, 10),
           "口径": (10, 36), "基期值": (9, 12), "目标值": (9, 12)}
YEAR_WIDTH = 10
SOURCE_WIDTH = 14
EXPLANATION_WIDTH = 26


@dataclass(frozen=True)
class IndicatorSheet:
    unit_code: str
    unit_name: str
    title: str
    subtitle: str
    years: tuple[int, ...]
    rows: tuple[FormRow, ...]
    prefilled: Mapping[tuple[str, int], float]
    baseline_year: int | None = None  # the year column holding the unit's baseline value


def write_indicator_sheet(wb: Workbook, st: Styles, spec: IndicatorSheet) -> None:
    ws = wb.add_worksheet(SHEET_INDICATORS)
    headers = [*FIXED_HEADERS, *(year_header(y) for y in spec.years), SOURCE_HEADER, EXPLANATION_HEADER]
    widths = _column_widths(spec)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    _write_titles(ws, st, spec, len(headers))
    ws.write_row(HEADER, 0, headers, st.header)
    ws.set_row(HEADER, 2 * LINE_HEIGHT + 4)
    _baseline_comment(ws, spec)
    for offset, row in enumerate(spec.rows):
        _write_row(ws, st, spec, FIRST + offset, row, widths)
    if spec.rows:
        # baseline and target are the plan's printed text ("98", "≥99"): no green triangles
        span = f"{xl_col_to_name(6)}{FIRST + 1}:{xl_col_to_name(7)}{FIRST + len(spec.rows)}"
        ws.ignore_errors({"number_stored_as_text": span})
    ws.freeze_panes(FIRST, FROZEN_COLUMNS)
    print_setup(ws, spec.unit_name, SHEET_INDICATORS, repeat_row=HEADER)
    protect(ws)


def _write_titles(ws: Worksheet, st: Styles, spec: IndicatorSheet, ncols: int) -> None:
    ws.merge_range(0, 0, 0, ncols - 1, spec.title, st.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, ncols - 1, spec.subtitle, st.subtitle)
    ws.set_row(1, spec.subtitle.count("\n") * LINE_HEIGHT + 2 * LINE_HEIGHT + 4)


def _write_row(ws: Worksheet, st: Styles, spec: IndicatorSheet, r: int, row: FormRow,
               widths: list[float]) -> None:
    definition = _definition_text(row)
    ws.write_string(r, 0, row.code, st.locked_center)
    ws.write_string(r, 1, row.kind_label, st.locked_center)
    ws.write_string(r, 2, row.category, st.locked_wrap)
    ws.write_string(r, 3, row.name, st.locked_wrap)
    ws.write_string(r, 4, row.unit, st.locked_center)
    ws.write_string(r, 5, definition, st.locked_wrap)
    ws.write_string(r, 6, row.baseline, st.locked_center)
    ws.write_string(r, 7, row.target, st.locked_center)
    first_year = len(FIXED_HEADERS)
    for k, year in enumerate(spec.years):
        _write_year_cell(ws, st, spec, r, first_year + k, row, year)
    after = first_year + len(spec.years)
    ws.write_blank(r, after, None, st.input_text)
    ws.write_blank(r, after + 1, None, st.input_text)
    _add_year_validation(ws, spec, r, first_year, row)
    texts = {2: row.category, 3: row.name, 5: definition}
    lines = max(wrapped_lines(t, widths[c]) for c, t in texts.items())
    ws.set_row(r, max(2, lines) * LINE_HEIGHT + 8)


def _write_year_cell(ws: Worksheet, st: Styles, spec: IndicatorSheet, r: int, c: int,
                     row: FormRow, year: int) -> None:
    value = spec.prefilled.get((row.code, year))
    if value is None:
        ws.write_blank(r, c, None, st.input_number)
    else:
        ws.write_number(r, c, float(value), st.prefilled)


def _add_year_validation(ws: Worksheet, spec: IndicatorSheet, r: int, first_col: int, row: FormRow) -> None:
    """One validation per run of adjacent input (not pre-filled) year cells; the baseline
    year has its own (its input message says what a baseline value is)."""
    open_cols = [first_col + k for k, y in enumerate(spec.years)
                 if (row.code, y) not in spec.prefilled and y != spec.baseline_year]
    for start, end in _runs(open_cols):
        add_validation(ws, r, start, r, end, _validation_options(spec, row))
    if spec.baseline_year in spec.years and (row.code, spec.baseline_year) not in spec.prefilled:
        col = first_col + spec.years.index(spec.baseline_year)
        add_validation(ws, r, col, r, col, _validation_options(spec, row, baseline=True))


def _baseline_comment(ws: Worksheet, spec: IndicatorSheet) -> None:
    if spec.baseline_year not in spec.years:
        return
    col = len(FIXED_HEADERS) + spec.years.index(spec.baseline_year)
    ws.write_comment(HEADER, col, baseline_note(spec.baseline_year), {"x_scale": 2.2, "y_scale": 1.6})


def baseline_note(year: int) -> str:
    """What the baseline-year column is for (header comment and 填报说明)."""
    return (f"{year}年为规划基期年。请按与其他年份相同的口径填写本单位{year}年的数值（区县填本区县的数，不是全市数），用于计算本单位的完成进度；"
            "未填写的不影响报送，但无法评估本单位进度。由本单位填报全市数的指标，基期值已按规划预先填入并锁定。")


def _validation_options(spec: IndicatorSheet, row: FormRow, *, baseline: bool = False) -> dict[str, object]:
    expected = row.bounds.describe()
    hint = row.hint
    if baseline:
        hint = f"基期年：填写本单位{spec.baseline_year}年的数值，用于评估本单位进度。" + hint
    head = f"填报单位：{spec.unit_name}\n单位：{row.unit or '—'}；应为{expected}\n{hint}\n口径："
    room = 255 - len(head)
    definition = row.definition or "见“口径”列"
    if len(definition) > room:
        definition = definition[: room - 1] + "…"
    return {
        **row.bounds.validation(),
        "ignore_blank": True,
        "input_title": f"{row.code} {row.name}" if not baseline else f"{row.code} 基期值 {row.name}",
        "input_message": head + definition,
        # "warning", not "stop": a unit must be able to type "—" for a figure that does not
        # exist, and a value outside the plausible range may be real (it then needs a 说明).
        "error_type": "warning",
        "error_title": "请核对填写内容",
        "error_message": (f"{row.code} {row.name}：应填写{expected}，只填数字，不带单位。\n"
                          f"如该数据确实不存在，请填写“{NO_DATA_MARK}”，点“是”保留，并在“说明”栏注明原因；"
                          "如数值确实如此，也请在“说明”栏说明。"),
    }


def _definition_text(row: FormRow) -> str:
    parts = [row.definition] if row.definition else []
    if row.feeds:
        parts.append("用于计算：" + "；".join(row.feeds))
    return "\n".join(parts)


def _column_widths(spec: IndicatorSheet) -> list[float]:
    widths: list[float] = []
    for k, header in enumerate(FIXED_HEADERS):
        lo, hi = _WIDTHS[header]
        texts = [header, *(_fixed_texts(r)[k] for r in spec.rows)]
        widths.append(float(min(hi, max(lo, max(longest_line(t) for t in texts) + 2))))
    widths.extend(float(YEAR_WIDTH) for _ in spec.years)
    widths.extend((float(SOURCE_WIDTH), float(EXPLANATION_WIDTH)))
    return widths


def _fixed_texts(row: FormRow) -> tuple[str, ...]:
    return (row.code, row.kind_label, row.category, row.name, row.unit, _definition_text(row),
            row.baseline, row.target)


def _runs(cols: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for c in cols:
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs
