"""What calamine does not give for ``.xls``/``.et`` and ``.ods`` files: error values and the
custom document properties.

calamine reads an error cell (``#DIV/0!``) as an empty one, which would make a failed formula
look "not filled in"; and the identity properties a form carries live, once LibreOffice or
Excel has saved it in these formats, in the OLE property set (``.xls``) or ``meta.xml``
(``.ods``). Both are read here so that the same content gives the same verdict whatever
format it was saved in. Everything is best effort: calamine has already read the values.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .extent import MAX_COLS, MAX_ROWS

Errors = dict[str, dict[tuple[int, int], str]]  # sheet -> (row, col) 0-based -> "#DIV/0!"

# ---------------------------------------------------------------------------- .xls / .et


def xls_errors(path: Path) -> Errors:
    import xlrd

    out: Errors = {}
    try:
        book = xlrd.open_workbook(str(path), on_demand=True, formatting_info=False)
    except Exception:  # noqa: BLE001 - calamine read it; a file xlrd refuses adds nothing
        return out
    try:
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)
            for r in range(min(sheet.nrows, MAX_ROWS)):
                for c, (kind, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r), strict=False)):
                    if kind == xlrd.XL_CELL_ERROR and c < MAX_COLS:
                        out.setdefault(name, {})[(r, c)] = xlrd.error_text_from_code.get(value, "#VALUE!")
            book.unload_sheet(name)
    except Exception:  # noqa: BLE001
        pass
    finally:
        book.release_resources()
    return out


@dataclass
class XlsContainer:
    """What the OLE container of an ``.xls``/``.et`` holds beyond calamine's values, read in one
    opening: the user-defined properties, whether it carries macros, and the BIFF ``Workbook``
    stream (for the external-reference scan)."""

    properties: dict[str, str] = field(default_factory=dict)
    macros: bool = False
    workbook: bytes | None = None  # None: the container has no "Workbook" stream
    problem: str = ""  # why the container or its Workbook stream could not be read ("" when it was)


def xls_container(path: Path) -> XlsContainer:
    import olefile

    out = XlsContainer()
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on a damaged container
        out.problem = type(exc).__name__
        return out
    with ole:
        try:
            out.macros = any(entry and entry[0] in ("_VBA_PROJECT_CUR", "Macros")
                             for entry in ole.listdir(storages=True))
        except Exception:  # noqa: BLE001 - a damaged directory: no macros seen
            pass
        try:  # the user-defined properties: second section of DocumentSummaryInformation
            if ole.exists(SUMMARY_STREAM):
                out.properties = _user_defined(ole.openstream(SUMMARY_STREAM).read())
        except Exception:  # noqa: BLE001 - a damaged property set: no properties
            pass
        try:
            if ole.exists("Workbook"):
                out.workbook = ole.openstream("Workbook").read()
        except Exception as exc:  # noqa: BLE001
            out.problem = type(exc).__name__
    return out


SUMMARY_STREAM = "\x05DocumentSummaryInformation"
_USER_DEFINED_FMTID = bytes.fromhex("05d5cdd59c2e1b10939708002b2cf9ae")
VT_I2, VT_I4, VT_BOOL, VT_LPSTR, VT_LPWSTR = 2, 3, 11, 30, 31


def _user_defined(data: bytes) -> dict[str, str]:
    count = struct.unpack_from("<I", data, 24)[0]
    for i in range(min(count, 4)):
        fmtid = data[28 + 20 * i: 44 + 20 * i]
        if fmtid == _USER_DEFINED_FMTID:
            return _section(data, struct.unpack_from("<I", data, 44 + 20 * i)[0])
    return {}


def _section(data: bytes, start: int) -> dict[str, str]:
    _, nprops = struct.unpack_from("<II", data, start)
    offsets = dict(struct.unpack_from("<II", data, start + 8 + 8 * k) for k in range(min(nprops, 1000)))
    codepage = 1252
    if 1 in offsets and struct.unpack_from("<I", data, start + offsets[1])[0] == VT_I2:
        codepage = struct.unpack_from("<H", data, start + offsets[1] + 4)[0]
    encoding = {1200: "utf-16-le", 65001: "utf-8"}.get(codepage, f"cp{codepage}")
    names = _dictionary(data, start + offsets[0], encoding) if 0 in offsets else {}
    out = {}
    for pid, name in names.items():
        if pid in offsets:
            value = _value(data, start + offsets[pid], encoding)
            if value is not None:
                out[name] = value
    return out


def _dictionary(data: bytes, pos: int, encoding: str) -> dict[int, str]:
    count = struct.unpack_from("<I", data, pos)[0]
    pos += 4
    out = {}
    for _ in range(min(count, 1000)):
        pid, length = struct.unpack_from("<II", data, pos)
        pos += 8
        size = length * 2 if encoding == "utf-16-le" else length
        out[pid] = data[pos: pos + size].decode(encoding, "replace").rstrip("\x00")
        pos += size
        if encoding == "utf-16-le":
            pos += (-size) % 4
    return out


def _value(data: bytes, pos: int, encoding: str) -> str | None:
    vt = struct.unpack_from("<I", data, pos)[0] & 0xFFFF
    if vt == VT_LPSTR:
        size = struct.unpack_from("<I", data, pos + 4)[0]
        raw = data[pos + 8: pos + 8 + size]
        return raw.decode(encoding, "replace").rstrip("\x00")
    if vt == VT_LPWSTR:
        chars = struct.unpack_from("<I", data, pos + 4)[0]
        return data[pos + 8: pos + 8 + 2 * chars].decode("utf-16-le", "replace").rstrip("\x00")
    if vt in (VT_I2, VT_BOOL):
        return str(struct.unpack_from("<h", data, pos + 4)[0])
    if vt == VT_I4:
        return str(struct.unpack_from("<i", data, pos + 4)[0])
    return None


# ---------------------------------------------------------------------------------- .ods

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}


def ods_tag(prefix: str, name: str) -> str:
    """An ODF element or attribute name as ElementTree spells it."""
    return f"{{{_NS[prefix]}}}{name}"



def ods_has_macros(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith(("Basic/", "Scripts/")) for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def ods_properties(path: Path) -> dict[str, str]:
    from defusedxml import ElementTree as SafeET

    try:
        with zipfile.ZipFile(path) as zf:
            root = SafeET.fromstring(zf.read("meta.xml"))
    except Exception:  # noqa: BLE001 - no meta.xml, broken XML or an entity bomb: no properties
        return {}
    return {el.get(ods_tag("meta", "name"), ""): el.text or "" for el in root.iter(ods_tag("meta", "user-defined"))
            if el.get(ods_tag("meta", "name"))}


def ods_errors(path: Path) -> Errors:
    """Cells LibreOffice marks ``calcext:value-type="error"``, at their grid positions (repeated
    rows and columns expanded, within the read bounds)."""
    out: Errors = {}
    value_type = ods_tag("calcext", "value-type")
    try:
        for sheet, r, c, cell in ods_positions(path, lambda cell: cell.get(value_type) == "error"):
            out.setdefault(sheet, {})[(r, c)] = "".join(cell.itertext()).strip() or "#VALUE!"
    except Exception:  # noqa: BLE001 - best effort
        pass
    return out


def ods_positions(path: Path, wanted: Callable[[Any], bool],
                  on_start: Callable[[Any], None] | None = None) -> Iterator[tuple[str, int, int, Any]]:
    """(sheet, row, col, cell element) for every grid position a ``wanted`` cell of
    ``content.xml`` covers: a cell repeated over columns, in a row repeated over rows, is at
    each of those positions (within the read bounds). ``on_start`` sees every element as it
    opens (its attributes are there, its children not yet), in the same single pass."""
    from defusedxml.ElementTree import iterparse

    table, row, cell_tags = ods_tag("table", "table"), ods_tag("table", "table-row"), (
        ods_tag("table", "table-cell"), ods_tag("table", "covered-table-cell"))
    rows_repeated, cols_repeated = ods_tag("table", "number-rows-repeated"), ods_tag("table", "number-columns-repeated")
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        sheet, r = "", 0
        for event, el in iterparse(fh, events=("start", "end")):
            if event == "start" and on_start is not None:
                on_start(el)
            if event == "start" and el.tag == table:
                sheet, r = el.get(ods_tag("table", "name"), ""), 0
            elif event == "end" and el.tag == row:
                row_count = _count(el.get(rows_repeated))
                if r < MAX_ROWS:
                    c = 0
                    for cell in el:
                        if cell.tag in cell_tags:
                            col_count = _count(cell.get(cols_repeated))
                            if c < MAX_COLS and wanted(cell):
                                for rr in range(r, min(r + row_count, MAX_ROWS)):
                                    for cc in range(c, min(c + col_count, MAX_COLS)):
                                        yield sheet, rr, cc, cell
                            c += col_count
                r += row_count
                el.clear()


def _count(text: str | None) -> int:
    try:
        return max(1, int(text or "1"))
    except ValueError:
        return 1
