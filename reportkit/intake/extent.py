"""How far each worksheet of an OOXML workbook reaches, found before any reader loads it.

python-calamine allocates the whole rectangle from A1 to the last cell of a sheet: one
stray cell (even an empty string) at XFD1048576 makes it request hundreds of gigabytes and
the process aborts. A figure typed a million rows down costs tens of seconds. So the
largest cell and row reference actually in every worksheet's XML is measured here, streaming the decompressed part in chunks, and a sheet with a cell beyond
:data:`MAX_ROWS` × :data:`MAX_COLS` is read by a bounded reader instead. (calamine ignores
the declared dimension, so a ``<dimension ref="A1:XFD1048576"/>`` alone is harmless and
the cells themselves decide.)
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

# A return form has a few hundred rows and a dozen or two columns; far more is never content.
MAX_ROWS = 5_000
MAX_COLS = 200
_CHUNK = 1 << 20

_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"")
# a row that holds cells (``<row r="9" …>`` not self-closed); its cells may omit their own r=
_ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d{1,7})\"[^>]*(?<!/)>")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_ATTR = re.compile(rb"([\w:]+)=\"([^\"]*)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")


# What opening or reading a damaged zip raises: ``zlib.error`` for a member whose compressed
# data is broken, ``NotImplementedError`` for a compression method zipfile lacks (the sniffer
# reports the file itself; here such a part is only left unmeasured).
ZIP_READ_ERRORS = (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, NotImplementedError, zlib.error)

@dataclass(frozen=True)
class SheetExtent:
    sheet: str
    rows: int  # 1-based number of the last row with a cell
    cols: int  # 1-based number of the last column with a cell
    far_cell: str = ""  # A1 reference of the farthest cell outside the bounds ("" when none)

    @property
    def oversized(self) -> bool:
        return self.rows > MAX_ROWS or self.cols > MAX_COLS


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out or "A"


def sheet_extents(path: Path) -> list[SheetExtent]:
    """The extent of every worksheet of an OOXML file, by sheet name (empty when unreadable)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [_measure(zf, name, part) for name, part in _sheet_parts(zf)]
    except ZIP_READ_ERRORS:
        return []


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode().rpartition(":")[2] if k.startswith(b"r:") or b":" not in k else k.decode():
            v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}


def read_part(zf: zipfile.ZipFile, name: str, read: Mapping[str, bytes]) -> bytes:
    """A part of the zip: as already read (``read``, by part name), or decompressed now."""
    data = read.get(name)
    return zf.read(name) if data is None else data


def _sheet_parts(zf: zipfile.ZipFile, read: Mapping[str, bytes] = MappingProxyType({})) -> list[tuple[str, str]]:
    """(sheet name, zip part) for each worksheet listed in the workbook (``read``: parts already
    read, by name)."""
    names = set(zf.namelist())
    book = next((n for n in ("xl/workbook.xml", "xl/workbook2.xml") if n in names), None)
    rels_name = "xl/_rels/workbook.xml.rels"
    if book is None or rels_name not in names:
        return [(n, n) for n in sorted(names) if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    targets = {}
    for tag in _RELATIONSHIP.findall(read_part(zf, rels_name, read)):
        a = _attrs(tag)
        target = a.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[a.get("Id", "")] = part
    out = []
    for tag in _SHEET.findall(read_part(zf, book, read)):
        a = _attrs(tag)
        part = targets.get(a.get("id", ""), "")
        if part in names:
            out.append((_unescape(a.get("name", part)), part))
    return out


def _unescape(text: str) -> str:
    if "&" not in text:  # no reference to resolve (html.unescape returns such a text as it is)
        return text
    import html  # (with its table of entities: loaded only for a name that needs it)

    return html.unescape(text)


def _measure(zf: zipfile.ZipFile, name: str, part: str, read: bytes | None = None) -> SheetExtent:
    """The extent of one worksheet part, streamed from the zip (or measured in ``read``, the
    part already decompressed)."""
    rows = cols = 0
    far = (0, 0)
    tail = b""
    with zf.open(part) if read is None else io.BytesIO(read) as fh:
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            for letters, digits in _CELL_REF.findall(data):
                row, col = int(digits), column_number(letters.decode())
                rows, cols = max(rows, row), max(cols, col)
                if (row > MAX_ROWS or col > MAX_COLS) and (row, col) > far:
                    far = (row, col)
            for digits in _ROW_REF.findall(data):
                rows = max(rows, int(digits))
                if int(digits) > max(MAX_ROWS, far[0]):
                    far = (int(digits), 1)
            # keep the end of the chunk: a tag may straddle the boundary (counted twice, harmless)
            tail = data[-512:]
    return SheetExtent(name, rows, cols, f"{column_letters(far[1])}{far[0]}" if far[0] else "")


# A reference that may lie beyond the bounds: a row number of four digits or more, or a
# column of two letters or more (a return form has neither, so its sheets are passed over by
# one fast search each; a sheet that has one is measured cell by cell). The searches start
# from a literal, which the regular expression engine finds fast; the formula and error-cell
# patterns run only where a cheap search for a part of them has found something.
_WHOLE = 64 << 20  # a part up to this size is searched whole, a larger one in chunks
_FAR_CANDIDATE = re.compile(rb'r="(?:[A-Z]{2,3}\d|[A-Z]?\d{4})')
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
# the two ways _FORMULA_TAG can match, each a search from a literal: ``<f>``, and ``:f>`` of a
# prefixed ``<x:f>`` (then confirmed by _FORMULA_TAG)
_PLAIN_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_PREFIXED_FORMULA_END = re.compile(rb":f[\s>/]")
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*\bt=\"e\"")


def _has_formula(data: bytes) -> bool:
    return _PLAIN_FORMULA_TAG.search(data) is not None or (
        _PREFIXED_FORMULA_END.search(data) is not None and _FORMULA_TAG.search(data) is not None)


def _has_error_cell(data: bytes) -> bool:
    return b't="e"' in data and _ERROR_CELL.search(data) is not None


@dataclass(frozen=True)
class SheetScan:
    """What one pass over the worksheets' XML finds: the sheets with cells beyond the bounds
    (measured as :func:`sheet_extents` does), and whether any sheet has formulas or error cells."""

    oversized: tuple[SheetExtent, ...] = ()
    formulas: bool = False
    errors: bool = False


def scan_sheets(path: Path) -> SheetScan:
    """One decompression of every worksheet part (what was three passes: the extent, the
    formula search and the error-cell search). Empty when the file cannot be read as a zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            return scan_zip(zf)
    except ZIP_READ_ERRORS:
        return SheetScan()


def scan_zip(zf: zipfile.ZipFile, read: Mapping[str, bytes] = MappingProxyType({})) -> SheetScan:
    """:func:`scan_sheets` of an opened workbook (empty when it cannot be read to the end);
    ``read``: parts already decompressed from it (by the sniffer), by part name."""
    try:
        sheets = _sheet_parts(zf, read)
        listed = {part: name for name, part in sheets}
        parts = sorted({*listed, *(n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))})
        oversized, formulas, errors = [], False, False
        for part in parts:
            far, f, e = _search(zf, part, read.get(part))
            formulas, errors = formulas or f, errors or e
            if far and part in listed:
                measured = _measure(zf, listed[part], part, read.get(part))
                if measured.oversized:
                    oversized.append(measured)
        order = {name: i for i, (name, _part) in enumerate(sheets)}
    except ZIP_READ_ERRORS:
        return SheetScan()
    return SheetScan(tuple(sorted(oversized, key=lambda x: order.get(x.sheet, 0))), formulas, errors)


_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")


def cells_part(data: bytes) -> bytes:
    """The part of a worksheet's XML that can hold cells: up to the closing tag of its
    ``<sheetData>``. What follows it (a form's data validations with their prompts, page setup,
    merged ranges) is most of a generated form's bytes and is no cell to any reader; a part whose
    last mention of ``sheetData`` is not that closing tag (unclosed, or none) is kept whole."""
    end = data.rfind(b"sheetData")
    start = data.rfind(b"<", 0, end) if end >= 0 else -1
    if start < 0:
        return data
    m = _SHEET_DATA_END.match(data, start)
    return data[:start] if m is not None and m.end() > end else data


def _search(zf: zipfile.ZipFile, part: str, data: bytes | None = None) -> tuple[bool, bool, bool]:
    """(a reference that may be far, a formula, an error cell) in one worksheet part (``data``:
    the part already read)."""
    if data is not None or zf.getinfo(part).file_size <= _WHOLE:
        data = cells_part(zf.read(part) if data is None else data)
        return _FAR_CANDIDATE.search(data) is not None, _has_formula(data), _has_error_cell(data)
    far = formulas = errors = False
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            far = far or _FAR_CANDIDATE.search(data) is not None
            formulas = formulas or _has_formula(data)
            errors = errors or _has_error_cell(data)
            tail = data[-512:]
    return far, formulas, errors
