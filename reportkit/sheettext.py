"""The one way reportkit writes untrusted text (plan text, unit input, file names, sheet
names, metadata) into spreadsheets and CSV files: always as inert text.

- xlsxwriter: every workbook is made by :func:`new_xlsx`, whose options keep ``write()`` from
  turning ``"=..."`` into a formula, ``"http..."``/``"external:..."`` into a link or ``"1e5"``
  into a number.
- openpyxl: rows go through :func:`append_text_row` and single cells through :func:`set_text`,
  which mark strings as strings (openpyxl stores any ``str`` starting with ``=`` as a formula).
- CSV: every text field goes through :func:`csv_text`, escaped the way OWASP recommends for
  CSV injection (a leading ``= + - @``, tab or CR gets a ``'`` in front).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import xlsxwriter

XLSX_OPTIONS: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# The characters openpyxl refuses to write (its ``ILLEGAL_CHARACTERS_RE``), kept here so that
# writing with xlsxwriter does not import openpyxl.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def new_xlsx(target: str | Path | IO[bytes], **options: Any) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook in which text stays text (``options`` add to, never undo, that)."""
    return xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, {**options, **XLSX_OPTIONS})


def clean(text: object) -> str:
    """Text openpyxl will write: control characters removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", "" if text is None else str(text))


def set_text(cell: Any, value: object) -> None:
    """Put ``value`` into an openpyxl cell; a string is stored as a string, whatever it starts with."""
    if isinstance(value, str):
        cell.value = clean(value)
        cell.data_type = "s"
    else:
        cell.value = value


def append_text_row(ws: Any, values: Iterable[object]) -> None:
    """``ws.append(values)`` with every string stored as a string."""
    values = list(values)
    ws.append([clean(v) if isinstance(v, str) else v for v in values])
    row = ws.max_row
    for col, value in enumerate(values, 1):
        if isinstance(value, str):
            ws.cell(row, col).data_type = "s"


def csv_text(value: object) -> str:
    """One CSV field: a number as written; text that a spreadsheet would run as a formula gets a
    leading ``'`` (OWASP). A plain signed number typed as text ("-5") is left alone."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int | bool):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text
