"""Data rows of an xlsxwriter worksheet written as XML text, spliced in after the workbook is saved.

xlsxwriter spends some ten microseconds on every cell (argument checks, a cell object, the
flush of each row through its generic writer); the summary workbook of a national plan has
well over a million cells. The rows here are written in one pass as the same XML xlsxwriter
writes in ``constant_memory`` mode (inline strings, the same escapes, row heights and style
indexes), into a temporary file, and put into the saved sheet before ``</sheetData>``. The
cells above them (title, header) and everything else of the sheet still come from xlsxwriter.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Sequence
from typing import IO, Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .packages import PartWriter, insert_before

DEFAULT_ROW_PIXELS = 20  # xlsxwriter's default row height: rows of that height carry no ``ht``
STRING_MAX = 32767  # Excel's limit (UTF-16 units); xlsxwriter truncates longer strings
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # a literal "_x0041_" must not read as an escape
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


_PLAIN = re.compile(r"[^\x00-\x08\x0b-\x1f&<>\ufffe\uffff_\s]*")  # text needing no escape at all


def _text(value: str) -> tuple[str, bool]:
    """The cell text as xlsxwriter writes it inline, and whether its whitespace must be preserved."""
    if len(value) > STRING_MAX // 2 and len(value.encode("utf-16-le")) // 2 > STRING_MAX:
        value = value.encode("utf-16-le")[:STRING_MAX * 2].decode("utf-16-le", "ignore")
    if _PLAIN.fullmatch(value):
        return value, False
    if "_x" in value:
        value = _ESCAPED.sub(r"_x005F\1", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = bool(value) and (value[0].isspace() or value[-1].isspace())
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value, preserve


def _number(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
    return f"{value:.16G}"


class SheetRows:
    """Rows for one worksheet, written in order below the cells xlsxwriter holds.

    Style indexes come from xlsxwriter's own ``Format._get_xf_index`` (assigned on first use,
    in the order xlsxwriter would first use them); ``claim`` the formats of the rows above first.
    """

    def __init__(self, sheet: Worksheet, first_row: int, columns: int) -> None:
        self.sheet = sheet
        self.next_row = first_row
        self.columns = [xl_col_to_name(c) for c in range(columns)]
        self._starts = [f'<c r="{name}' for name in self.columns]  # each cell's text up to its row number
        self.file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self._styles: dict[int, str] = {}  # id(Format) -> '" s="<xf index>'
        self._strings: dict[Any, str] = {}  # cell value -> the cell's XML after its style (names repeat)

    @staticmethod
    def claim(*formats: Format) -> None:
        for fmt in formats:
            fmt._get_xf_index()

    def add(self, values: Sequence[Any], formats: Sequence[Format], height: float | None = None) -> None:
        """One row: numbers (not bools) as numbers, anything else as its text; ``height`` in points."""
        self.next_row += 1
        r = str(self.next_row)
        head = f'<row r="{r}">'
        if height is not None:
            pixels = int(height * 4.0 / 3.0 + 0.5)
            if pixels != DEFAULT_ROW_PIXELS:
                head = f'<row r="{r}" ht="{pixels * 0.75:.16g}" customHeight="1">'
        parts = [head]
        styles, strings = self._styles, self._strings
        for start, value, fmt in zip(self._starts, values, formats, strict=True):
            style = styles.get(id(fmt))
            if style is None:
                style = styles[id(fmt)] = f'" s="{fmt._get_xf_index()}'
            kind = type(value)
            if kind is float or kind is int or (kind is not str and isinstance(value, int | float)
                                                 and not isinstance(value, bool)):
                parts += (start, r, style, f"\"><v>{_number(value)}</v></c>")
                continue
            cell = strings.get(value) if kind is str else None
            if cell is None:
                text, preserve = _text(str(value))
                space = ' xml:space="preserve"' if preserve else ""
                cell = f'" t="inlineStr"><is><t{space}>{text}</t></is></c>'
                if kind is str:
                    strings[value] = cell
            parts += (start, r, style, cell)
        parts.append("</row>")
        self.file.write("".join(parts))

    def part_name(self) -> str:
        return f"xl/worksheets/sheet{self.sheet.index + 1}.xml"

    def writer(self) -> PartWriter:
        """Writes the sheet part with these rows in it, and its dimension covering them."""
        self.file.seek(0)

        def rows(out: IO[bytes]) -> None:
            while chunk := self.file.read(1 << 20):
                out.write(chunk.encode("utf-8"))
            self.file.close()

        splice = insert_before(b"</sheetData>", rows)
        last = f"{self.columns[-1]}{self.next_row}"

        def write(data: bytes, out: IO[bytes]) -> None:
            splice(re.sub(rb'<dimension ref="A1(:[A-Z]+\d+)?"/>', f'<dimension ref="A1:{last}"/>'.encode(), data,
                          count=1), out)

        return write
