"""Parse one input cell as a person typed it, without judging it.

The parser only says what it saw: a number (and how it was written), a blank, an
explicit no-data mark, a date, or text that is not a number. What that means for an
indicator (a percent scale, a unit that does not match) is decided by the checks.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import lru_cache

from ..formatting import trimmed
from .workbook import Cell, is_date

# Explicit "no data" marks; a unit must explain them in the 说明 cell.
NO_DATA_MARKS = frozenset({"—", "——", "-", "--", "－", "/", "／", "\\", "无", "暂无", "无数据", "不适用",
                           "n/a", "na", "…", "...", "×", "空"})
# No figure of a plan or a return comes near this; beyond it a value is a typo or an attack
# (1e308 turns into inf at the first sum) and is not used.
MAX_MAGNITUDE = 1e15
# What Excel/WPS show for a formula that failed (or a pasted error value)
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
_SPACES = " \t\r\n\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"
# whole groups only: "1,234,5" or "1,2345" is no thousands-separated number (a comma typo
# or a decimal comma), and must not be read as 12345
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?(?![\d,.])")
_NUMBER_THEN_REST = re.compile(r"^(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<rest>.*)$")
_UNIT_TEXT = re.compile(r"^[^\d+\-.,，、;；:：=%]{1,8}$")
# "3.2左右", "500余" are estimates, not figures: they are not read as numbers
_QUALIFIERS = ("左右", "以上", "以下", "上下", "多", "余", "约", "近", "超", "不到", "不足")


class ValueKind(StrEnum):
    NUMBER = "number"
    BLANK = "blank"
    NO_DATA = "no-data"
    DATE = "date"
    ERROR = "error-value"  # an Excel error value such as #DIV/0!
    OUT_OF_RANGE = "out-of-range"  # a number of magnitude MAX_MAGNITUDE or more
    INVALID = "invalid"


@dataclass(frozen=True)
class ParsedValue:
    kind: ValueKind
    value: float | None = None
    raw: str = ""  # the cell as typed, for messages
    as_text: bool = False  # a number stored as text
    fullwidth: bool = False  # full-width digits or signs were normalised
    thousands: bool = False  # thousands separators were removed
    spaces: bool = False  # surrounding spaces were removed
    percent_sign: bool = False  # "98%"
    unit: str = ""  # a unit typed after the number ("万户")

    @property
    def is_number(self) -> bool:
        return self.kind is ValueKind.NUMBER


def display(raw: Cell) -> str:
    """The cell as a person would read it back (floats without a trailing .0)."""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and math.isfinite(raw) and raw == int(raw) and abs(raw) < 1e15:
        return str(int(raw))
    return str(raw)


def parse_input(raw: Cell) -> ParsedValue:
    """Read one input cell. Never raises."""
    try:
        return _parse_cached(raw)
    except TypeError:  # an unhashable value
        return _parse(raw)


# A return's cells are parsed several times over (reading, checking, comparing with the
# locked copy): the parse of a value is remembered. ``typed``: 1, 1.0 and True differ.
@lru_cache(maxsize=1 << 16, typed=True)
def _parse_cached(raw: Cell) -> ParsedValue:
    return _parse(raw)


def _parse(raw: Cell) -> ParsedValue:
    if type(raw) is float:  # most cells: tried first
        return _number(raw)
    if raw is None or (isinstance(raw, str) and not raw.strip(_SPACES)):
        return ParsedValue(ValueKind.BLANK, raw="" if raw is None else str(raw))
    if isinstance(raw, bool):
        return ParsedValue(ValueKind.INVALID, raw=display(raw))
    if is_date(raw):
        return ParsedValue(ValueKind.DATE, raw=str(raw))
    if isinstance(raw, int | float):
        return _number(raw)
    return _parse_text(str(raw))


def _number(raw: int | float) -> ParsedValue:
    v = float(raw)
    if not math.isfinite(v):
        return ParsedValue(ValueKind.INVALID, raw=display(raw))
    if abs(v) >= MAX_MAGNITUDE:
        return ParsedValue(ValueKind.OUT_OF_RANGE, raw=display(raw))
    # ParsedValue(ValueKind.NUMBER, v, display(raw)), made without the frozen class's
    # field-by-field __init__ (a third of the time; asked for every number typed)
    parsed = _new(ParsedValue)
    vars(parsed).update(_PLAIN_NUMBER, value=v, raw=display(raw))
    return parsed


_new = object.__new__
_PLAIN_NUMBER = {f.name: f.default for f in fields(ParsedValue)} | {"kind": ValueKind.NUMBER}


def _parse_text(text: str) -> ParsedValue:
    stripped = text.strip(_SPACES)
    spaces = stripped != text
    norm = unicodedata.normalize("NFKC", stripped).strip()
    fullwidth = norm != stripped and any(0xFF00 <= ord(ch) <= 0xFFEF or ch == "\u3000" for ch in stripped)
    if norm.upper() in EXCEL_ERRORS:
        return ParsedValue(ValueKind.ERROR, raw=text)
    if norm.lower() in NO_DATA_MARKS or stripped in NO_DATA_MARKS:
        return ParsedValue(ValueKind.NO_DATA, raw=text)
    s = norm.replace(" ", "")
    thousands = bool(_THOUSANDS.match(s))
    if thousands:
        s = s.replace(",", "")
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    m = _NUMBER_THEN_REST.match(s)
    if not m:
        return ParsedValue(ValueKind.INVALID, raw=text)
    rest = m.group("rest").strip()
    if rest and (not _UNIT_TEXT.match(rest) or any(q in rest for q in _QUALIFIERS)):
        return ParsedValue(ValueKind.INVALID, raw=text)
    if rest and percent:
        return ParsedValue(ValueKind.INVALID, raw=text)
    try:
        value = float(m.group("num"))
    except ValueError:
        return ParsedValue(ValueKind.INVALID, raw=text)
    if not math.isfinite(value):
        return ParsedValue(ValueKind.INVALID, raw=text)
    if abs(value) >= MAX_MAGNITUDE:
        return ParsedValue(ValueKind.OUT_OF_RANGE, raw=text)
    return ParsedValue(ValueKind.NUMBER, value, text, as_text=True, fullwidth=fullwidth,
                       thousands=thousands, spaces=spaces, percent_sign=percent, unit=rest)


def same_unit(typed: str, expected: str) -> bool:
    """Is the unit typed after a number the indicator's unit (or an obvious short form of it)?"""
    a = unicodedata.normalize("NFKC", typed).strip().replace(" ", "")
    b = unicodedata.normalize("NFKC", expected).strip().replace(" ", "")
    if not a or not b:
        return False
    return a == b or b.startswith(a) or (b.endswith(a) and len(a) >= 2)


def format_number(v: float, decimals: int = 4) -> str:
    """Short display of a float for messages: 98.5, 3, 0.125 (rounded as every output rounds)."""
    return trimmed(v, decimals)
