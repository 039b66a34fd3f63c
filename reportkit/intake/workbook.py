"""Read every sheet of a workbook into plain grids, with python-calamine.

calamine gives the cached values of every sheet (hidden ones included) and merged
ranges. What it cannot give — formula text, custom document properties, error values
(calamine reads ``#DIV/0!``, ``#REF!``, ``#N/A`` as an empty cell) — comes from read-only
openpyxl passes over OOXML files, made only when a worksheet has formulas or error cells
(``defusedxml`` is installed, so XML bombs are refused there too). An error value is put
back into the grid as its text, so that it reads as what the person sees, never as blank.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import python_calamine as pc

from . import external

if TYPE_CHECKING:  # the legacy readers are loaded only for the .xls/.ods files that need them
    from . import legacy
from .extent import MAX_COLS, MAX_ROWS, ZIP_READ_ERRORS, SheetExtent, SheetScan, read_part, scan_zip
from .sniff import FileKind

Cell = Any  # str ('' when empty) | float | int | bool | date | datetime | time | timedelta
Grid = list[list[Cell]]


class WorkbookReadError(Exception):
    """calamine or openpyxl could not read the file (turned into a finding by the checks)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)  # both in args: the error is pickled back from the reader's process
        self.reason = reason  # "encrypted" | "corrupt"
        self.detail = detail

    def __str__(self) -> str:
        return self.detail or self.reason


@dataclass
class SheetData:
    name: str
    grid: Grid
    visible: str = "visible"  # visible / hidden / veryhidden
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r1, c1, r2, c2

    def cell(self, row: int, col: int) -> Cell:
        """0-based access that returns '' outside the grid."""
        if 0 <= row < len(self.grid) and 0 <= col < len(self.grid[row]):
            return self.grid[row][col]
        return ""


@dataclass
class WorkbookData:
    kind: FileKind
    sheets: dict[str, SheetData]
    doc_properties: dict[str, str] = field(default_factory=dict)
    formulas: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (sheet, r0, c0) -> "=..."
    clipped: list[SheetExtent] = field(default_factory=list)  # sheets with cells beyond the read bounds
    # False when the file asks to be recalculated on opening (``fullCalcOnLoad``): it was written
    # by a library, not saved by Excel/WPS/Calc, and a formula's stored 0 was never computed.
    computed: bool = True
    macros: bool = False  # VBA / Basic code inside (never run; noted)
    external_links: int = 0  # links to other workbooks (values not refreshed; not trusted)
    dde: bool = False  # a DDE link among them (a command another program would run)
    links_unchecked: str = ""  # why external links could not be looked for to the end (.xls/.ods)

    @property
    def visible_sheets(self) -> list[str]:
        return [n for n, s in self.sheets.items() if s.visible == "visible"]


def read_workbook(path: Path, kind: FileKind, skip_formulas: tuple[str, ...] = (), *,
                  percent_text: bool = False, parts: Mapping[str, bytes] = MappingProxyType({}),
                  unread: tuple[str, ...] = ()) -> WorkbookData:
    """Read all sheets; for OOXML also the formulas (except on ``skip_formulas`` sheets) and
    the custom document properties. ``percent_text``: a number shown with a percent format
    (a typed "98%", stored as 0.98) comes back as the text the person sees ("98%"). ``parts``:
    parts already read from the file (by :func:`~.sniff.sniff`), by part name.
    ``unread``: sheets whose cells the caller never looks at: listed, with their visibility,
    and an empty grid (their extent is still measured: a far cell is still found)."""
    if kind is FileKind.XLSX:
        return _read_xlsx(path, skip_formulas, percent_text=percent_text, parts=parts, unread=unread)
    data = WorkbookData(kind, _read_calamine(path, kind, set(), unread))
    from . import legacy

    if kind is FileKind.LEGACY:
        _put_errors(data, legacy.xls_errors(path))
        container = legacy.xls_container(path)
        data.doc_properties.update(container.properties)
        data.macros = container.macros
        _put_links(data, external.xls_external(container), skip_formulas)
    elif kind is FileKind.ODS:
        _put_errors(data, legacy.ods_errors(path))
        data.doc_properties.update(legacy.ods_properties(path))
        data.macros = legacy.ods_has_macros(path)
        _put_links(data, external.ods_external(path), skip_formulas)
    return data


def _read_xlsx(path: Path, skip_formulas: tuple[str, ...], *, percent_text: bool,
               parts: Mapping[str, bytes], unread: tuple[str, ...]) -> WorkbookData:
    """An OOXML workbook: its zip directory is read once for the scan of its worksheets (before
    calamine sees them) and for the parts read besides the cells."""
    try:
        zf: zipfile.ZipFile | None = zipfile.ZipFile(path)
    except ZIP_READ_ERRORS:
        zf = None
    try:
        scan = scan_zip(zf, parts) if zf is not None else SheetScan()
        clipped = list(scan.oversized)
        data = WorkbookData(FileKind.XLSX, _read_calamine(path, FileKind.XLSX, {e.sheet for e in clipped}, unread),
                            clipped=clipped)
        if zf is not None:
            _read_openpyxl_extras(path, zf, data, skip_formulas, scan, parts)
    finally:
        if zf is not None:
            zf.close()
    if percent_text:
        _percent_as_text(path, data)
    return data


def _put_links(data: WorkbookData, links: external.ExternalLinks, skip: tuple[str, ...]) -> None:
    """Formulas that refer to other workbooks or DDE (the only formulas read from .xls/.ods)."""
    data.formulas.update({key: text for key, text in links.formulas.items() if key[0] not in skip})
    data.external_links, data.dde, data.links_unchecked = len(links.sources), links.dde, links.unchecked


def _put_errors(data: WorkbookData, errors: legacy.Errors) -> None:
    """An error value is put into the grid as its text, where calamine left the cell empty."""
    for name, cells in errors.items():
        sheet = data.sheets.get(name)
        for (r, c), text in cells.items() if sheet else ():
            if 0 <= r < len(sheet.grid) and 0 <= c < len(sheet.grid[r]) and sheet.grid[r][c] == "":  # type: ignore[union-attr]
                sheet.grid[r][c] = text  # type: ignore[union-attr]


def _percent_as_text(path: Path, data: WorkbookData) -> None:
    if not _has_percent_style(path):
        return  # nothing to find: openpyxl (a fifth of a second to import) is not loaded

    def visit(name: str, cell: Any) -> None:
        sheet = data.sheets.get(name)
        if sheet is not None and "%" in str(getattr(cell, "number_format", "")) and isinstance(cell.value, int | float):
            _put_percent(sheet, cell.row - 1, cell.column - 1)

    _each_cell(path, visit, data_only=True)


_PERCENT_BUILTIN = {"9", "10"}  # 0%, 0.00%


def _has_percent_style(path: Path) -> bool:
    """Whether a cell format of the workbook shows numbers with a percent sign; True when the
    styles cannot be read (the openpyxl scan then decides, as before)."""
    from defusedxml import ElementTree as SafeET

    try:
        with zipfile.ZipFile(path) as zf:
            root = SafeET.fromstring(zf.read("xl/styles.xml"))
    except Exception:  # noqa: BLE001 - no or unusual styles part, broken XML, entity bombs
        return True
    local = {el: el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    percent_ids = set(_PERCENT_BUILTIN)
    percent_ids.update(el.get("numFmtId", "") for el, tag in local.items()
                       if tag == "numFmt" and "%" in el.get("formatCode", ""))
    cell_xfs = [el for el, tag in local.items() if tag == "cellXfs"]
    return any(xf.get("numFmtId", "0") in percent_ids for group in cell_xfs for xf in group)


def _put_percent(sheet: SheetData, r: int, c: int) -> None:
    v = sheet.cell(r, c)
    if isinstance(v, int | float) and not isinstance(v, bool):
        shown = round(float(v) * 100, 10)
        sheet.grid[r][c] = f"{int(shown) if shown == int(shown) else shown}%"


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine reaches Python as pyo3's ``PanicException``, which derives
    from BaseException (not Exception): e.g. a large negative number in a date-formatted cell."""
    return type(exc).__name__ == "PanicException"


def _read_calamine(path: Path, kind: FileKind, bounded: set[str], unread: tuple[str, ...] = ()) -> dict[str, SheetData]:
    """Every sheet through calamine, except the ``bounded`` ones (cells far beyond any form),
    which openpyxl reads only up to MAX_ROWS × MAX_COLS, and the ``unread`` ones (left empty)."""
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise WorkbookReadError("encrypted", str(exc)) from None
    except BaseException as exc:  # noqa: BLE001 - calamine raises several types (and panics) on damaged files
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        raise WorkbookReadError("corrupt", str(exc)) from None
    out: dict[str, SheetData] = {}
    try:
        for meta in wb.sheets_metadata:
            merged: list[tuple[int, int, int, int]] = []
            if meta.name in unread:
                grid = []
            elif meta.name in bounded:
                grid = _openpyxl_grid(path, meta.name)
            else:
                sheet = wb.get_sheet_by_name(meta.name)
                grid = _grid(sheet, path, meta.name, kind)
                merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            out[meta.name] = SheetData(meta.name, grid, _visibility(meta.visible), merged)
    except WorkbookReadError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise WorkbookReadError("corrupt", str(exc)) from None
    finally:
        wb.close()
    return out


def _grid(sheet: Any, path: Path, name: str, kind: FileKind) -> Grid:
    """calamine's values; for a sheet calamine panics on, openpyxl's (OOXML only)."""
    try:
        return sheet.to_python(skip_empty_area=False)
    except BaseException as exc:  # noqa: BLE001 - see _is_panic
        if not _is_panic(exc):
            raise
        if kind is not FileKind.XLSX:
            raise WorkbookReadError("corrupt", f"工作表“{name}”中有无法解析的单元格") from None
    return _openpyxl_grid(path, name)


def _openpyxl_grid(path: Path, name: str) -> Grid:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():  # "marked as a date but ... outside the limits": read as #VALUE!
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                rows = [["" if v is None else v for v in row]
                        for row in wb[name].iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS, values_only=True)]
            finally:
                wb.close()
    except Exception as exc:  # noqa: BLE001
        raise WorkbookReadError("corrupt", f"工作表“{name}”无法读取（{exc}）") from None
    while rows and not any(v != "" for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _visibility(v: object) -> str:
    s = str(v).lower()
    if "veryhidden" in s:
        return "veryhidden"
    return "hidden" if "hidden" in s else "visible"


_RECALC_ON_LOAD = re.compile(rb"<(?:\w+:)?calcPr\s[^>]*\bfullCalcOnLoad=\"(?:1|true)\"")


def _read_openpyxl_extras(path: Path, zf: zipfile.ZipFile, data: WorkbookData, skip_formulas: tuple[str, ...],
                          scan: SheetScan, parts: Mapping[str, bytes] = MappingProxyType({})) -> None:
    """Document properties straight from ``docProps/custom.xml``; formulas through openpyxl, but
    only when a worksheet has any (parsing every cell with openpyxl is what made intake slow, and
    forms as generated have no formulas). ``scan`` says whether any has formulas or error cells;
    ``parts``: parts already read, by name."""
    try:
        names = set(zf.namelist())
        if "docProps/custom.xml" in names:
            data.doc_properties.update(_custom_properties(read_part(zf, "docProps/custom.xml", parts)))
        if "xl/workbook.xml" in names:
            data.computed = not _RECALC_ON_LOAD.search(read_part(zf, "xl/workbook.xml", parts))
        data.macros = any(n.lower().endswith("vbaproject.bin") for n in names)
        links = [n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]
        data.external_links = len(links)
        data.dde = any(b"ddeLink" in zf.read(n) for n in links)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, zlib.error):
        return
    if scan.formulas:
        _read_formulas(path, data, skip_formulas)
    if scan.errors:
        _read_errors(path, data)


def _custom_properties(xml: bytes) -> dict[str, str]:
    from defusedxml import ElementTree as SafeET

    try:
        root = SafeET.fromstring(xml)
    except Exception:  # noqa: BLE001 - entity bombs and broken XML: no properties
        return {}
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name:
            value = next(iter(prop), None)
            out[name] = "" if value is None or value.text is None else value.text
    return out


def _read_formulas(path: Path, data: WorkbookData, skip_formulas: tuple[str, ...]) -> None:
    def visit(name: str, cell: Any) -> None:
        if getattr(cell, "data_type", None) == "f" and isinstance(cell.value, str):
            data.formulas[(name, cell.row - 1, cell.column - 1)] = cell.value

    _each_cell(path, visit, data_only=False, skip=skip_formulas)


def _read_errors(path: Path, data: WorkbookData) -> None:
    """Put the error values (``#DIV/0!`` …) calamine reads as '' back into the grids."""
    def visit(name: str, cell: Any) -> None:
        sheet = data.sheets.get(name)
        if sheet is not None and getattr(cell, "data_type", None) == "e" and isinstance(cell.value, str):
            r, c = cell.row - 1, cell.column - 1
            if 0 <= r < len(sheet.grid) and 0 <= c < len(sheet.grid[r]) and sheet.grid[r][c] == "":
                sheet.grid[r][c] = cell.value

    _each_cell(path, visit, data_only=True)


def _each_cell(path: Path, visit: Callable[[str, Any], None], *, data_only: bool, skip: tuple[str, ...] = ()) -> None:
    """``visit(sheet name, cell)`` for every stored cell within the read bounds, through read-only
    openpyxl (imported only for the workbooks that need it). calamine has read the file: what
    openpyxl adds is best effort, and a file it cannot parse adds nothing."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception:  # noqa: BLE001
        return
    try:
        for name in wb.sheetnames:
            if name in skip:
                continue
            for row in wb[name].iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS):
                for cell in row:
                    if getattr(cell, "row", None) is not None:  # EmptyCell padding has no position
                        visit(name, cell)
    except Exception:  # noqa: BLE001
        pass
    finally:
        wb.close()


def is_date(v: Cell) -> bool:
    return isinstance(v, dt.date | dt.datetime | dt.time | dt.timedelta)
