"""Read the rows of the indicator and task tables and the narrative sheet, by code."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..forms import layout as L
from .form import Table, norm
from .types import Narrative, TaskReport
from .values import display
from .workbook import Cell, SheetData, WorkbookData


def a1(row0: int, col0: int) -> str:
    """0-based row/column → A1 address."""
    col = col0 + 1
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row0 + 1}"


@dataclass
class InputCell:
    year: int
    row: int  # 0-based
    col: int  # 0-based
    raw: Cell
    formula: str | None = None
    merged: str | None = None  # the merged range covering this cell, if any

    @property
    def address(self) -> str:
        return a1(self.row, self.col)


@dataclass
class IndicatorRow:
    code: str
    row: int  # 0-based
    fixed: dict[str, str]  # fixed header -> text as shown
    cells: dict[int, InputCell]
    data_source: str = ""
    explanation: str = ""
    explanation_address: str = ""

    @property
    def address(self) -> str:
        return str(self.row + 1)


@dataclass
class IndicatorTable:
    table: Table
    rows: list[IndicatorRow] = field(default_factory=list)
    uncoded_with_data: list[int] = field(default_factory=list)  # 0-based rows with inputs but no code
    empty_inside: list[int] = field(default_factory=list)  # 0-based empty rows between coded rows


def code_text(v: Cell) -> str:
    return norm(display(v)) if v not in (None, "") else ""


def read_indicator_table(table: Table, wb: WorkbookData) -> IndicatorTable:
    sheet = table.sheet
    code_col = table.col(L.CODE_HEADER)
    out = IndicatorTable(table)
    if code_col is None:
        return out
    merged = _merged_lookup(sheet)
    for r in range(table.header_row + 1, len(sheet.grid)):
        code = code_text(sheet.cell(r, code_col))
        cells = {y: _input_cell(sheet, wb, r, c, y, merged) for y, c in table.year_columns.items()}
        if code:
            out.rows.append(_indicator_row(table, r, code, cells))
        elif any(str(sheet.cell(r, c)).strip() for c in table.year_columns.values()):
            out.uncoded_with_data.append(r)
        elif not any(str(v).strip() for v in sheet.grid[r]):
            out.empty_inside.append(r)
    if out.rows:
        first, last = out.rows[0].row, max(x.row for x in out.rows)
        out.empty_inside = [r for r in out.empty_inside if first < r < last]
    else:
        out.empty_inside = []
    return out


def _indicator_row(table: Table, r: int, code: str, cells: dict[int, InputCell]) -> IndicatorRow:
    sheet = table.sheet
    fixed = {}
    for h in L.FIXED_HEADERS:
        c = table.col(h)
        fixed[h] = display(sheet.cell(r, c)).strip() if c is not None else ""
    src_col, exp_col = table.col(L.SOURCE_HEADER), table.col(L.EXPLANATION_HEADER)
    return IndicatorRow(
        code=code, row=r, fixed=fixed, cells=cells,
        data_source=display(sheet.cell(r, src_col)).strip() if src_col is not None else "",
        explanation=display(sheet.cell(r, exp_col)).strip() if exp_col is not None else "",
        explanation_address=a1(r, exp_col) if exp_col is not None else "",
    )


def _input_cell(sheet: SheetData, wb: WorkbookData, r: int, c: int, year: int,
                merged: dict[tuple[int, int], str]) -> InputCell:
    return InputCell(year, r, c, sheet.cell(r, c), wb.formulas.get((sheet.name, r, c)), merged.get((r, c)))


def _merged_lookup(sheet: SheetData) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 10_000:  # a whole-sheet merge: report its corner only
            out[(r1, c1)] = f"{a1(r1, c1)}:{a1(r2, c2)}"
            continue
        label = f"{a1(r1, c1)}:{a1(r2, c2)}"
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = label
    return out


# tasks -----------------------------------------------------------------------

def read_tasks(table: Table, unit: str) -> list[TaskReport]:
    sheet = table.sheet
    code_col = table.col(L.TASK_CODE_HEADER)
    if code_col is None:
        return []
    cols = {h: table.col(h) for h in L.TASK_INPUT_HEADERS}

    def text(r: int, h: str) -> str:
        c = cols[h]
        return display(sheet.cell(r, c)).strip() if c is not None else ""

    out = []
    for r in range(table.header_row + 1, len(sheet.grid)):
        code = code_text(sheet.cell(r, code_col))
        if code:
            out.append(TaskReport(unit, code, text(r, "进展情况"), text(r, "完成状态"), text(r, "存在问题"),
                                  text(r, "下一步打算"), row=r + 1))
    return out


def task_column(table: Table, header: str) -> int | None:
    return table.col(header)


# narrative -------------------------------------------------------------------

def read_narrative(sheet: SheetData | None) -> Narrative:
    if sheet is None:
        return Narrative()
    labels = {label: name for name, label in L.NARRATIVE_FIELDS}
    values: dict[str, str] = {}
    for r, row in enumerate(sheet.grid):
        label = norm(row[0]) if row else ""
        if label in labels and labels[label] not in values:
            values[labels[label]] = display(sheet.cell(r, 1)).strip()
    return Narrative(**values)
