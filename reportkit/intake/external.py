"""Formulas that take their value from another workbook or program, in every format.

A return's figure must come from the unit, not from a file on someone's disk or a DDE
conversation with another program: such a cell is never trusted (the checks give
``value.external-link``). For ``.xlsx`` the formula text comes from openpyxl. For ``.ods``
it is the ``table:formula`` attribute of ``content.xml`` (``of:=['file:///…/a.xlsx'#$Sheet1.A1]``).
For ``.xls``/``.et`` no reader gives formula text, so the BIFF8 record stream is read here:
SUPBOOK records name the workbooks (and DDE/OLE servers) formulas may refer to, EXTERNSHEET
maps a formula's sheet index (ixti) to one of them, and the parsed tokens of FORMULA,
SHRFMLA and ARRAY records hold that index in their 3-D references and external names.

Only external formulas are reported; a formula text is rebuilt for them from the tokens that
refer elsewhere. The parser is bounded (record count, token count, sizes are checked before
use) and never raises: a stream it cannot follow to the end is reported as ``unchecked``.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .extent import MAX_COLS, MAX_ROWS

if TYPE_CHECKING:  # the legacy readers are loaded only for the .xls/.ods files that need them
    from .legacy import XlsContainer

# ODF "['file:///C:/a.xlsx'#$Sheet1.A1]" (a document IRI inside a reference), and DDE
# "=cmd|' /C calc'!A0" / "=DDE(...)"
_ODF_EXTERNAL = r"\[\$?'[^']*'#|\w+\|'?[^!]*'?!|\bDDE(?:AUTO)?\s*\("
ODF_EXTERNAL_REFERENCE = re.compile(_ODF_EXTERNAL, re.IGNORECASE)
# and in Excel's syntax also "[1]Sheet1!A1" (openpyxl's form of an external workbook
# reference) and "'C:\\[a.xlsx]Sheet'!A1" (in ODF "[" "]" "!" are local references and the
# intersection operator: not looked for there)
EXTERNAL_REFERENCE = re.compile(r"\[[^\]]+\][^!]*!|" + _ODF_EXTERNAL, re.IGNORECASE)

Cells = dict[tuple[str, int, int], str]  # (sheet, row, col) 0-based -> formula text


@dataclass
class ExternalLinks:
    formulas: Cells = field(default_factory=dict)  # input cells whose formula refers elsewhere
    sources: set[str] = field(default_factory=set)  # the workbooks / DDE servers referred to
    dde: bool = False
    unchecked: str = ""  # why the file could not be checked to the end ("" when it was)


# ---------------------------------------------------------------------------------- .ods


def ods_external(path: Path) -> ExternalLinks:
    """External references in an OpenDocument spreadsheet's ``content.xml``: formulas with an
    IRI reference or DDE, sheets linked to another file (``table:table-source``), ranges linked
    to one (``table:cell-range-source``) and DDE links (``table:dde-source``)."""
    from .legacy import ods_positions, ods_tag

    out = ExternalLinks()
    formula, href = ods_tag("table", "formula"), ods_tag("xlink", "href")
    sources = {ods_tag("table", "table-source"), ods_tag("table", "cell-range-source")}
    # A DDE link's source: <office:dde-source> inside <table:dde-link> (what Calc writes).
    dde = {ods_tag("office", "dde-source"), ods_tag("table", "dde-source")}

    def linked(el: Any) -> None:  # a linked sheet or range, or a DDE link, wherever it stands
        if el.tag in sources and el.get(href):
            out.sources.add(el.get(href, ""))
        elif el.tag in dde:
            out.sources.add("|".join(filter(None, (el.get(ods_tag("office", "dde-application")),
                                                   el.get(ods_tag("office", "dde-topic"))))) or "DDE")
            out.dde = True

    try:
        for sheet, r, c, cell in ods_positions(path, lambda cell: formula in cell.attrib, on_start=linked):
            text = cell.get(formula, "")
            text = text.split(":", 1)[1] if text[:4].lower() in ("of:=", "oooc") else text
            if ODF_EXTERNAL_REFERENCE.search(text):
                out.formulas[(sheet, r, c)] = text
                out.sources.update(_IRI.findall(text) or ["DDE"])
                out.dde = out.dde or bool(_DDE.search(text))
    except Exception as exc:  # noqa: BLE001 - broken XML or an entity bomb: said, not raised
        out.unchecked = f"content.xml 无法解析：{type(exc).__name__}"
    return out


_IRI = re.compile(r"'([^']*)'#")
_DDE = re.compile(r"\bDDE(?:AUTO)?\s*\(|\w+\|'?[^!]*'?!", re.IGNORECASE)


# ---------------------------------------------------------------------------- .xls / .et

MAX_RECORDS = 1_000_000  # a filled return has a few thousand
MAX_SUPBOOKS = 1_000
MAX_NAMES = 10_000
MAX_TOKENS = 2_000  # per formula (a formula is at most 65,535 bytes of tokens)

BOF, EOF, FILEPASS, BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
SUPBOOK, EXTERNNAME, EXTERNSHEET = 0x01AE, 0x0023, 0x0017
FORMULA, SHRFMLA, ARRAY = 0x0006, 0x04BC, 0x0221
SELF_REFERENCE, ADD_IN = 0x0401, 0x3A01  # SUPBOOK "cch" markers: this workbook; add-in functions

# Size in bytes (token byte included) of each fixed-size BIFF8 token, by its base value.
_FIXED = {0x01: 5, 0x02: 5, **{t: 1 for t in range(0x03, 0x17)}, 0x1C: 2, 0x1D: 2, 0x1E: 3, 0x1F: 9,
          0x20: 8, 0x21: 3, 0x22: 4, 0x23: 5, 0x24: 5, 0x25: 9, 0x26: 7, 0x27: 7, 0x28: 7, 0x29: 3,
          0x2A: 5, 0x2B: 9, 0x2C: 5, 0x2D: 9, 0x39: 7, 0x3A: 7, 0x3B: 11, 0x3C: 7, 0x3D: 11}
_NAME_X, _REF_3D, _AREA_3D, _REF_ERR_3D, _AREA_ERR_3D = 0x39, 0x3A, 0x3B, 0x3C, 0x3D


class _Unreadable(Exception):
    """The record stream cannot be followed (said in ``unchecked``, never raised out)."""


@dataclass
class _Supbook:
    external: bool
    path: str = ""  # decoded: a file path, or "server|topic" for DDE/OLE
    dde: bool = False
    sheets: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def xls_external(container: XlsContainer) -> ExternalLinks:
    """External references in a BIFF8 workbook (``.xls``, WPS ``.et``), from the ``Workbook``
    stream :func:`~reportkit.intake.legacy.xls_container` read."""
    out = ExternalLinks()
    if container.problem:
        out.unchecked = f"无法打开工作簿数据流：{container.problem}"
    elif container.workbook is None:
        out.unchecked = "没有 Excel 97 及以后格式的工作簿数据流"
    else:
        _Parser(container.workbook, out).run()
    return out


class _Parser:
    def __init__(self, data: bytes, out: ExternalLinks) -> None:
        self.data, self.out = data, out
        self.supbooks: list[_Supbook] = []
        self.xti: list[tuple[int, int, int]] = []
        self.sheet_at: dict[int, str] = {}  # stream offset of a sheet's BOF -> its name
        self.sheet: str | None = None
        self.outer: list[str | None] = []  # the substreams a nested BOF interrupted
        self.shared: dict[tuple[str, int, int], list[str]] = {}  # host cell -> its external refs
        self.uses_shared: list[tuple[str, int, int, int, int]] = []  # (sheet, r, c, host r, host c)

    def run(self) -> None:
        try:
            self._records()
        except (_Unreadable, struct.error, IndexError, ValueError, UnicodeDecodeError) as exc:
            self.out.unchecked = str(exc) if isinstance(exc, _Unreadable) else f"记录格式异常（{type(exc).__name__}）"
        for sheet, r, c, hr, hc in self.uses_shared:
            refs = self.shared.get((sheet, hr, hc))
            if refs:
                self.out.formulas[(sheet, r, c)] = _formula_text(refs, whole=False)
        self.out.sources.update(s.path for s in self.supbooks if s.external)
        self.out.dde = any(s.dde for s in self.supbooks)

    def _records(self) -> None:
        data, pos, count = self.data, 0, 0
        while pos + 4 <= len(data):
            count += 1
            if count > MAX_RECORDS:
                raise _Unreadable(f"记录超过 {MAX_RECORDS} 条")
            kind, size = struct.unpack_from("<HH", data, pos)
            if kind == 0 and size == 0:  # zero padding after the last substream
                break
            body = data[pos + 4: pos + 4 + size]
            if len(body) < size:
                raise _Unreadable("最后一条记录不完整")
            if pos == 0 and (kind != BOF or len(body) < 2 or struct.unpack_from("<H", body)[0] != 0x0600):
                raise _Unreadable("不是 Excel 97 及以后的工作簿格式（BIFF8）")
            self._record(kind, body, pos)
            pos += 4 + size

    def _record(self, kind: int, body: bytes, pos: int) -> None:
        if kind == BOF:  # a sheet's substream; or a chart's, nested inside a sheet
            self.outer.append(self.sheet)
            self.sheet = self.sheet_at.get(pos)
        elif kind == EOF:
            self.sheet = self.outer.pop() if self.outer else None
        elif kind == FILEPASS:
            raise _Unreadable("工作簿已加密")
        elif kind == BOUNDSHEET:
            self.sheet_at[struct.unpack_from("<I", body)[0]] = _short_string(body, 6)
        elif kind == SUPBOOK:
            if len(self.supbooks) >= MAX_SUPBOOKS:
                raise _Unreadable(f"外部引用记录超过 {MAX_SUPBOOKS} 条")
            self.supbooks.append(_supbook(body))
        elif kind == EXTERNNAME and self.supbooks and len(self.supbooks[-1].names) < MAX_NAMES:
            self.supbooks[-1].names.append(_short_string(body, 6))
        elif kind == EXTERNSHEET and not self.xti:
            n = struct.unpack_from("<H", body)[0]
            self.xti = [struct.unpack_from("<Hhh", body, 2 + 6 * i) for i in range(min(n, (len(body) - 2) // 6))]
        elif kind in (FORMULA, SHRFMLA, ARRAY) and self.sheet is not None:
            self._formula(kind, body)

    def _formula(self, kind: int, body: bytes) -> None:
        sheet = self.sheet or ""
        if kind == FORMULA:
            r, c = struct.unpack_from("<HH", body)
            cce, start = struct.unpack_from("<H", body, 20)[0], 22
        else:  # SHRFMLA / ARRAY: the range's first cell is the host the cells point to
            r, c = struct.unpack_from("<H", body)[0], body[4]
            start = 10 if kind == SHRFMLA else 14
            cce = struct.unpack_from("<H", body, start - 2)[0]
        if r >= MAX_ROWS or c >= MAX_COLS:
            return
        if start + cce > len(body):  # continued in a CONTINUE record, or cut short: not joined
            raise _Unreadable("公式记录不完整")
        tokens = body[start: start + cce]
        if kind == FORMULA and tokens[:1] == b"\x01" and len(tokens) >= 5:  # ptgExp: shared or array formula
            hr, hc = struct.unpack_from("<HH", tokens, 1)
            self.uses_shared.append((sheet, r, c, hr, hc))
            return
        refs = self._external_refs(tokens)
        if not refs:
            return
        if kind == FORMULA:
            self.out.formulas[(sheet, r, c)] = _formula_text(refs, whole=len(tokens) == _FIXED.get(_base(tokens[0])))
        else:
            self.shared[(sheet, r, c)] = refs

    def _external_refs(self, tokens: bytes) -> list[str]:
        refs, i, n = [], 0, 0
        while i < len(tokens):
            n += 1
            if n > MAX_TOKENS:
                raise _Unreadable(f"公式记号超过 {MAX_TOKENS} 个")
            base = _base(tokens[i])
            if base in (_NAME_X, _REF_3D, _AREA_3D, _REF_ERR_3D, _AREA_ERR_3D):
                ref = self._reference(base, tokens[i + 1: i + _FIXED[base]])
                if ref:
                    refs.append(ref)
            i += _size(tokens, i, base)
        if i != len(tokens):
            raise _Unreadable("公式记号超出了记录的长度")
        return refs

    def _reference(self, base: int, fields: bytes) -> str:
        ixti = struct.unpack_from("<H", fields)[0]
        if ixti >= len(self.xti) or self.xti[ixti][0] >= len(self.supbooks):
            return ""
        index, first, last = self.xti[ixti]
        book = self.supbooks[index]
        if not book.external:
            return ""
        if base == _NAME_X:
            number = struct.unpack_from("<H", fields, 2)[0]  # 1-based, among the book's EXTERNNAMEs
            item = book.names[number - 1] if 0 < number <= len(book.names) else "?"
            if book.dde:
                server, _, topic = book.path.partition("|")
                return f"{server or 'DDE'}|'{topic}'!{item}"
            return f"{_where(book.path, [])}!{item}"
        where = _where(book.path, book.sheets[first: last + 1] if 0 <= first <= last else [])
        if base in (_REF_ERR_3D, _AREA_ERR_3D):
            return f"{where}!#REF!"
        if base == _REF_3D:
            row, col = struct.unpack_from("<HH", fields, 2)
            return f"{where}!{_a1(row, col)}"
        r1, r2, c1, c2 = struct.unpack_from("<HHHH", fields, 2)
        return f"{where}!{_a1(r1, c1)}:{_a1(r2, c2)}"


def _where(path: str, sheets: list[str]) -> str:
    """``'C:/data/[other.xls]Sheet1'``: a workbook and sheet as Excel shows them in a formula."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    return f"'{folder + '/' if folder else ''}[{name or '?'}]{':'.join(sheets)}'"


def _base(token: int) -> int:
    return token if token < 0x20 else (token & 0x1F) | 0x20


def _size(tokens: bytes, i: int, base: int) -> int:
    if base == 0x17:  # ptgStr: length, flags, characters
        cch, flags = tokens[i + 1], tokens[i + 2]
        return 3 + cch * (2 if flags & 1 else 1)
    if base == 0x19:  # ptgAttr; tAttrChoose carries a jump table
        if tokens[i + 1] & 0x04:
            return 4 + 2 * (struct.unpack_from("<H", tokens, i + 2)[0] + 1)
        return 4
    if base in _FIXED and tokens[i] < 0x80:
        return _FIXED[base]
    raise _Unreadable(f"公式中有无法识别的记号 0x{tokens[i]:02X}")


def _a1(row: int, col: int) -> str:
    col &= 0x3FFF
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _formula_text(refs: list[str], *, whole: bool) -> str:
    """``=ref`` when the formula is that one reference; otherwise the external parts, marked
    as parts of a longer formula."""
    return f"={refs[0]}" if whole and len(refs) == 1 else "=…" + "…".join(refs) + "…"


def _supbook(body: bytes) -> _Supbook:
    ctab, cch = struct.unpack_from("<HH", body)
    if cch in (SELF_REFERENCE, ADD_IN):
        return _Supbook(external=False)
    raw, pos = _unicode(body, 4, cch)
    if raw in ("", "\x00", " "):  # an unused or self-referencing entry
        return _Supbook(external=False)
    sheets = []
    for _ in range(min(ctab, 256)):
        if pos + 3 > len(body):
            break
        n = struct.unpack_from("<H", body, pos)[0]
        name, pos = _unicode(body, pos + 2, n)
        sheets.append(name)
    dde = ctab == 0 and "\x03" in raw and raw[0] not in "\x01\x02\x04\x05\x06\x07\x08"
    return _Supbook(external=True, path=raw.replace("\x03", "|", 1) if dde else _file_path(raw), dde=dde,
                    sheets=sheets)


def _unicode(body: bytes, pos: int, cch: int) -> tuple[str, int]:
    """An XLUnicodeString's characters (``cch`` given, flags byte at ``pos``) and the end."""
    wide = body[pos] & 1
    size = cch * (2 if wide else 1)
    chunk = body[pos + 1: pos + 1 + size]
    return chunk.decode("utf-16-le" if wide else "latin-1", "replace"), pos + 1 + size


def _short_string(body: bytes, pos: int) -> str:
    """BOUNDSHEET's name (length byte, flags byte, characters) or EXTERNNAME's (the same)."""
    cch = body[pos]
    return _unicode(body, pos + 1, cch)[0]


def _file_path(raw: str) -> str:
    """A BIFF8 encoded file path, for display (control characters stand for separators)."""
    out, i = [], 0
    if raw.startswith("\x01"):
        i = 1
        if raw[1:2] == "@":
            out.append("//")
            i = 2
        elif raw[1:2].isalpha():
            out.append(raw[1] + ":")
            i = 2
    for ch in raw[i:]:
        if ch in "\x02\x03":
            out.append("/")
        elif ch == "\x04":
            out.append("../")
        elif ch >= " ":
            out.append(ch)
    return "".join(out)
