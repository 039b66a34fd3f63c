"""Read the rows of the indicator and task tables and the narrative sheet, by code."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..forms import layout as L
from .form import Table, norm
from .types import Narrative, TaskReport, make_task_report
from .values import display
from .workbook import Cell, SheetData, WorkbookData


def a1(row0: int, col0: int) -> str:
    """0-based row/column → A1 address."""
    return f"{_letters(col0)}{row0 + 1}"


@lru_cache(maxsize=1 << 10)
def _letters(col0: int) -> str:
    """The column letters of a 0-based column (asked for every input cell: remembered)."""
    col = col0 + 1
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(slots=True)
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


@dataclass(slots=True)
class IndicatorRow:
    code: str
    row: int  # 0-based
    fixed: dict[str, str]  # header -> text as shown, for the LOCKED_TEXT_HEADERS
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
    formulas = {(r, c): text for (name, r, c), text in wb.formulas.items() if name == sheet.name}
    year_columns = list(table.year_columns.items())
    texts = _TextColumns(table)
    grid = sheet.grid
    for r in range(table.header_row + 1, len(grid)):
        row = grid[r]
        code = code_text(_at(row, code_col))
        cells = {y: InputCell(y, r, c, _at(row, c), formulas.get((r, c)), merged.get((r, c)))
                 for y, c in year_columns}
        if code:
            out.rows.append(texts.row(r, row, code, cells))
        elif any(str(_at(row, c)).strip() for _y, c in year_columns):
            out.uncoded_with_data.append(r)
        elif not any(str(v).strip() for v in row):
            out.empty_inside.append(r)
    if out.rows:
        first, last = out.rows[0].row, max(x.row for x in out.rows)
        out.empty_inside = [r for r in out.empty_inside if first < r < last]
    else:
        out.empty_inside = []
    return out


def _at(row: list[Cell], c: int) -> Cell:
    """``row[c]``, '' beyond the row's end (as :meth:`SheetData.cell`)."""
    return row[c] if 0 <= c < len(row) else ""


def _text(v: Cell) -> str:
    return (v if type(v) is str else display(v)).strip()


# The fixed cells whose text each row keeps: the ones the checks compare with the form as it was
# generated (the name also says which row moved). The other fixed columns are not read per row.
LOCKED_TEXT_HEADERS = (L.NAME_HEADER, L.BASELINE_HEADER, L.TARGET_HEADER)


class _TextColumns:
    """The locked, 数据来源 and 说明 columns of an indicator table, found once per table."""

    def __init__(self, table: Table) -> None:
        self.fixed = [(h, table.col(h)) for h in LOCKED_TEXT_HEADERS]
        self.source, self.explanation = table.col(L.SOURCE_HEADER), table.col(L.EXPLANATION_HEADER)

    def row(self, r: int, row: list[Cell], code: str, cells: dict[int, InputCell]) -> IndicatorRow:
        fixed = {h: _text(_at(row, c)) if c is not None else "" for h, c in self.fixed}
        src, exp = self.source, self.explanation
        return IndicatorRow(
            code=code, row=r, fixed=fixed, cells=cells,
            data_source=_text(_at(row, src)) if src is not None else "",
            explanation=_text(_at(row, exp)) if exp is not None else "",
            explanation_address=a1(r, exp) if exp is not None else "",
        )


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
            out.append(make_task_report(unit, code, text(r, "进展情况"), text(r, "完成状态"), text(r, "存在问题"),
                                        text(r, "下一步打算"), r + 1))
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
