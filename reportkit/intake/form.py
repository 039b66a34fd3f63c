"""Find the parts of a reportkit return form in a workbook read by :mod:`.workbook`.

Follows the contract in :mod:`reportkit.forms.layout`: the metadata sheet (key in column
A, value in column B) or the ``reportkit.*`` document properties identify the return;
tables are found by header text and rows by code, so a unit that inserts rows, re-sorts
them or renames a sheet is still read correctly (and told about it by the checks).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from ..forms import layout as L
from ..intake.types import ReturnMeta
from .values import display
from .workbook import Cell, SheetData, WorkbookData

MAX_HEADER_SCAN = 60  # rows searched for a table header


@dataclass
class FormMeta:
    """The metadata a form was generated with."""

    values: dict[str, str]
    source: str  # "sheet" | "properties"

    # The parts below are JSON texts the checks ask for several times per return: parsed once
    # (the metadata does not change once read).

    def get(self, key: str) -> str:
        return self.values.get(key, "").strip()

    @cached_property
    def years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in re.findall(r"\d{4}", self.get("years")))

    @cached_property
    def rows(self) -> list[str]:
        data = _json(self.get("rows"), [])
        return [str(x) for x in data] if isinstance(data, list) else []

    @cached_property
    def locked(self) -> dict[str, dict[str, str]]:
        data = _json(self.get("locked"), {})
        if not isinstance(data, dict):
            return {}
        return {str(k): {str(f): display(v) for f, v in (d or {}).items()} for k, d in data.items()
                if isinstance(d, dict)}

    @cached_property
    def prefilled(self) -> dict[tuple[str, int], Any]:
        data = _json(self.get("prefilled"), {})
        out: dict[tuple[str, int], Any] = {}
        if isinstance(data, dict):
            for key, v in data.items():
                code, _, year = str(key).rpartition("|")
                if code and year.isdigit():
                    out[(code, int(year))] = v
        return out

    @cached_property
    def fingerprint_parts(self) -> dict[str, str]:
        data = _json(self.get("fingerprint_parts"), {})
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def to_return_meta(self) -> ReturnMeta:
        return ReturnMeta(
            plan_id=self.get("plan_id"), fingerprint=self.get("fingerprint"),
            form_version=self.get("form_version"), unit=self.get("unit"),
            unit_name=self.get("unit_name"), period=self.get("period"), years=self.years,
            generated_at=self.get("generated_at"),
            fingerprint_parts=tuple(sorted(self.fingerprint_parts.items())),
        )


def _json(text: str, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return default


def read_meta(wb: WorkbookData) -> FormMeta | None:
    """The form metadata from the hidden sheet, else from the document properties."""
    sheet = wb.sheets.get(L.SHEET_META)
    if sheet is not None:
        values = {str(r[0]).strip(): display(r[1]) for r in sheet.grid if len(r) >= 2 and str(r[0]).strip()}
        if values.get("plan_id"):
            return FormMeta(values, "sheet")
    props = {k[len(L.DOC_PROPERTY_PREFIX):]: v for k, v in wb.doc_properties.items()
             if k.startswith(L.DOC_PROPERTY_PREFIX)}
    if props.get("plan_id"):
        return FormMeta(props, "properties")
    return None


def norm(text: Cell) -> str:
    """Header text normalised for matching: no spaces, no required-marks, first line only."""
    if type(text) is str:  # codes and headers repeat across rows and returns: remembered
        return _norm_text(text)
    return _norm_text(display(text))


@lru_cache(maxsize=1 << 14)
def _norm_text(text: str) -> str:
    s = text.strip().split("\n")[0]
    for ch in " \t\r\u3000*＊:：":
        s = s.replace(ch, "")
    return s


# tables ----------------------------------------------------------------------

@dataclass
class Table:
    sheet: SheetData
    header_row: int  # 0-based
    columns: dict[str, int]  # normalised header -> 0-based column
    year_columns: dict[int, int]  # year -> 0-based column
    _found: dict[str, int | None] = field(default_factory=dict, repr=False, compare=False)

    def col(self, header: str) -> int | None:
        """The column of ``header`` (asked per row: found once per header)."""
        try:
            return self._found[header]
        except KeyError:
            found = self._found[header] = self._col(header)
            return found

    def _col(self, header: str) -> int | None:
        key = norm(header)
        if key in self.columns:
            return self.columns[key]
        for h, c in self.columns.items():  # "说明（异常变动须说明）" still means 说明
            if h.startswith(key):
                return c
        return None


def find_table(sheet: SheetData, key_header: str) -> Table | None:
    """The first row (within the top rows) whose cells include ``key_header``."""
    key = norm(key_header)
    for r in range(min(len(sheet.grid), MAX_HEADER_SCAN)):
        row = sheet.grid[r]
        if any(norm(c) == key for c in row):
            columns: dict[str, int] = {}
            years: dict[int, int] = {}
            for c, text in enumerate(row):
                h = norm(text)
                if not h:
                    continue
                columns.setdefault(h, c)
                year = L.parse_year_header(h)
                if year is not None:
                    years.setdefault(year, c)
            return Table(sheet, r, columns, years)
    return None


@dataclass
class LocatedSheets:
    """Which workbook sheet plays which part of the form (after renames)."""

    indicators: Table | None = None
    tasks: Table | None = None
    narrative: SheetData | None = None
    renamed: dict[str, str] = field(default_factory=dict)  # expected name -> actual name


def locate_sheets(wb: WorkbookData) -> LocatedSheets:
    out = LocatedSheets()
    out.indicators = _locate_table(wb, L.SHEET_INDICATORS, L.CODE_HEADER, out.renamed)
    out.tasks = _locate_table(wb, L.SHEET_TASKS, L.TASK_CODE_HEADER, out.renamed)
    out.narrative = _locate_narrative(wb, out.renamed)
    return out


def _candidates(wb: WorkbookData, expected: str) -> list[SheetData]:
    first = [wb.sheets[expected]] if expected in wb.sheets else []
    rest = [s for n, s in wb.sheets.items() if n != expected and n != L.SHEET_META and n not in L.ALL_SHEETS]
    return first + rest


def _locate_table(wb: WorkbookData, expected: str, key: str, renamed: dict[str, str]) -> Table | None:
    for sheet in _candidates(wb, expected):
        table = find_table(sheet, key)
        if table is not None:
            if sheet.name != expected:
                renamed[expected] = sheet.name
            return table
    return None


def _locate_narrative(wb: WorkbookData, renamed: dict[str, str]) -> SheetData | None:
    first_label = L.NARRATIVE_FIELDS[0][1]
    for sheet in _candidates(wb, L.SHEET_NARRATIVE):
        if any(norm(sheet.cell(r, 0)) == first_label for r in range(min(len(sheet.grid), MAX_HEADER_SCAN))):
            if sheet.name != L.SHEET_NARRATIVE:
                renamed[L.SHEET_NARRATIVE] = sheet.name
            return sheet
    return None
