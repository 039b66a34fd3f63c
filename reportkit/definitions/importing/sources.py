"""Read a published plan into a flat list of blocks: paragraphs and tables, in document order.

Each reader knows one format (.docx, .pdf with a text layer, .html/.htm, .txt) and says where
each block was found ("第 3 段", "第 2 个表格第 5 行", "第 4 页"), so every imported value can
point back at the plan. A file that cannot be read raises :class:`SourceError` with a finding
code; nothing here guesses.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: an encrypted .docx, or an old .doc


class SourceError(Exception):
    """The source cannot be read at all: ``code`` is the finding code, ``params`` its fields."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: str


@dataclass(frozen=True)
class Table:
    """A table with merged cells expanded: a spanned cell's text repeats in every grid slot."""

    rows: tuple[tuple[str, ...], ...]
    where: str  # e.g. "第 2 个表格" or "第 3 页表格"
    # Text under the repeated header of a table continued on a new page that finishes the last
    # row of the previous page (a wrapped name): (column, text).
    carry: tuple[tuple[int, str], ...] = ()

    def row_where(self, index: int) -> str:
        return f"{self.where}第 {index + 1} 行"

    def one_line(self) -> Table:
        """Each cell on one line: a name wrapped over two paragraphs is one name again."""
        return Table(tuple(tuple(join_lines(c) for c in row) for row in self.rows), self.where, self.carry)

    def as_paragraphs(self) -> list[Paragraph]:
        """The text of a table that is not an indicator table (a 专栏 box drawn as a table),
        each merged cell once, one paragraph per line."""
        out: list[Paragraph] = []
        seen: set[str] = set()
        for r, row in enumerate(self.rows):
            for cell in row:
                if cell and cell not in seen:
                    seen.add(cell)
                    out.extend(Paragraph(line, self.row_where(r)) for line in cell.split("\n") if clean(line))
        return out


def join_lines(text: str) -> str:
    """Lines of one cell as one line: no space between CJK characters, one between others."""
    return clean(re.sub(r"(?<=[^\x00-\x7f])\n|\n(?=[^\x00-\x7f])", "", text).replace("\n", " "))


Block = Paragraph | Table


@dataclass
class Document:
    path: Path
    blocks: list[Block] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # parts the reader could not read (pages, tables)

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def read_source(path: Path) -> Document:
    """The blocks of one plan document, or :class:`SourceError`."""
    if not path.is_file():
        raise SourceError("import.not-found", file=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError("import.unsupported", file=path.name, suffix=suffix or "（无扩展名）")
    if path.stat().st_size == 0:
        raise SourceError("import.corrupt", file=path.name, reason="文件为空")
    reader = {".docx": _read_docx, ".pdf": _read_pdf, ".html": _read_html, ".htm": _read_html,
              ".txt": _read_txt}[suffix]
    return reader(path)


def clean(text: str) -> str:
    """One cell or line as printed: non-breaking and ideographic spaces are spaces, runs collapse."""
    text = text.replace("\u00a0", " ").replace("\u3000", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", text).strip()


# --------------------------------------------------------------------------------- plain text


def _read_txt(path: Path) -> Document:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SourceError("import.corrupt", file=path.name, reason="无法识别文字编码")
    if "\x00" in text:
        raise SourceError("import.corrupt", file=path.name, reason="不是文本文件")
    doc = Document(path)
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip(" \t\r"):
            # A line of only non-breaking spaces is an empty table cell in text copied from a web page.
            doc.blocks.append(Paragraph(line if clean(line) else "\u00a0", f"第 {n} 行"))
    return doc


# --------------------------------------------------------------------------------- Word


def _read_docx(path: Path) -> Document:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    if path.read_bytes()[:8] == _OLE_MAGIC:
        _refuse_compound_file(path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError("import.corrupt", file=path.name, reason=_reason(exc)) from None
    except Exception as exc:  # lxml and python-docx raise several private error types
        raise SourceError("import.corrupt", file=path.name, reason=_reason(exc)) from None
    doc = Document(path)
    n_para = n_table = 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            n_para += 1
            if clean(item.text):
                doc.blocks.append(Paragraph(item.text, f"第 {n_para} 段"))
        elif isinstance(item, DocxTable):
            n_table += 1
            doc.blocks.append(_docx_table(item, f"第 {n_table} 个表格"))
    return doc


def _refuse_compound_file(path: Path) -> None:
    """A .docx that is a Compound File: either encrypted (the package sits inside, behind a
    password) or an old binary .doc renamed."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            encrypted = ole.exists("EncryptionInfo")
            binary_word = ole.exists("WordDocument")
    except OSError as exc:
        raise SourceError("import.corrupt", file=path.name, reason=_reason(exc)) from None
    if encrypted:
        raise SourceError("import.encrypted", file=path.name)
    if binary_word:
        raise SourceError("import.unsupported", file=path.name, suffix=".doc（旧版 Word 格式，扩展名写成了 .docx）")
    raise SourceError("import.corrupt", file=path.name, reason="不是 Word 文档")


def _docx_table(table: object, where: str) -> Table:
    # python-docx expands gridSpan and vMerge: a merged cell is returned in every slot it covers.
    rows = tuple(tuple("\n".join(clean(p.text) for p in cell.paragraphs if clean(p.text)) for cell in row.cells)
                 for row in table.rows)  # type: ignore[attr-defined]
    return Table(rows, where)


# --------------------------------------------------------------------------------- PDF


def _read_pdf(path: Path) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    doc = Document(path)
    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = list(pdf.pages)
            for number, page in enumerate(pages, start=1):
                doc.blocks.extend(_pdf_page(page, number, doc))
    except PDFPasswordIncorrect:
        raise SourceError("import.encrypted", file=path.name) from None
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise SourceError("import.encrypted", file=path.name) from None
        raise SourceError("import.corrupt", file=path.name, reason=_reason(cause)) from None
    except Exception as exc:  # pdfminer raises many parser error types on a damaged file
        raise SourceError("import.corrupt", file=path.name, reason=_reason(exc)) from None
    if not pages:
        raise SourceError("import.corrupt", file=path.name, reason="没有页面")
    if not any(clean(b.text) for b in doc.paragraphs()) and not doc.tables():
        raise SourceError("import.no-text", file=path.name, pages=len(pages))
    return doc


_TEXT_TABLE = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 1}


def _pdf_page(page: object, number: int, doc: Document) -> Iterator[Block]:
    tables = page.find_tables()  # type: ignore[attr-defined]
    ruled = bool(tables)
    if not ruled:
        tables = _unruled_tables(page)
    outside = page
    for t in tables if ruled else ():
        outside = outside.outside_bbox(t.bbox)  # type: ignore[attr-defined]
    text = outside.extract_text() or ""  # type: ignore[attr-defined]
    if not clean(text) and not tables and page.images:  # type: ignore[attr-defined]
        doc.unread.append(f"第 {number} 页（只有图像，没有文字）")
    lines = [line for line in text.splitlines() if clean(line)]
    # Text above the first table first, then the tables, then the rest: keeps document order on
    # the page closely enough for a title/table/note sequence.
    top = min((t.bbox[1] for t in tables), default=None)
    above = _lines_above(outside, top) if top is not None else len(lines)
    for line in lines[:above]:
        yield Paragraph(line, f"第 {number} 页")
    for k, t in enumerate(tables, start=1):
        rows = tuple(tuple(_pdf_cell(c) for c in row) for row in t.extract())
        where = f"第 {number} 页第 {k} 个表格"
        if ruled:
            yield Table(_fill_pdf_spans(rows), where)
        else:
            joined, carry = _join_wrapped(rows)
            yield Table(joined, where, carry)
    for line in lines[above:]:
        yield Paragraph(line, f"第 {number} 页")


def _unruled_tables(page: Any) -> list[Any]:
    """A table printed without lines, found from its 序号 header down: columns from the gaps
    between words (the text above would otherwise be read as one wide column)."""
    lines = page.extract_text_lines()
    top = next((ln["top"] for ln in lines if ln["text"].startswith("序号")), None)
    if top is None:
        return []
    # The table ends at its note or at the first line of running text (long, or a heading).
    bottom = next((ln["top"] for ln in lines if ln["top"] > top and (
        ln["text"].startswith(("备注", "注：", "注:")) or len(ln["text"]) > 40
        or re.match(r"^(第[一二三四五六七八九十百]+[章节]|[一二三四五六七八九十]+、)", ln["text"]))), page.height)
    region = page.crop((0, max(0, top - 2), page.width, bottom))
    return list(region.find_tables(_TEXT_TABLE))


def _join_wrapped(rows: tuple[tuple[str | None, ...], ...]) -> tuple[tuple[tuple[str, ...], ...],
                                                                    tuple[tuple[int, str], ...]]:
    """Rows of a table without lines: a row with nothing in its first and last cell continues the
    row above (a name wrapped over lines, the years under 基期值/规划值). Such text right under a
    repeated header finishes the previous page's last row: it is returned apart as the carry."""
    out: list[list[str]] = []
    carry: list[tuple[int, str]] = []
    for row in rows:
        cells = [c or "" for c in row]
        if not any(cells):
            continue
        if out and not cells[0] and not cells[-1]:
            after_header = len(out) == 1 and not any(re.search(r"(19|20)\d\d", c) for c in cells)
            for j, c in enumerate(cells):
                if c and after_header:
                    carry.append((j, c))
                elif c and j < len(out[-1]):
                    out[-1][j] = join_lines(f"{out[-1][j]}\n{c}") if out[-1][j] else c
            continue
        out.append(cells)
    return tuple(tuple(r) for r in out), tuple(carry)


def _lines_above(page: object, top: float) -> int:
    above = page.crop((0, 0, page.width, max(top, 1)))  # type: ignore[attr-defined]
    return len([line for line in (above.extract_text() or "").splitlines() if clean(line)])


def _pdf_cell(cell: str | None) -> str | None:
    if cell is None:
        return None
    # A CJK name wrapped inside its cell comes back with a line break: join it without a space.
    # CJK text has no spaces: the ones pdfplumber puts next to a CJK character or bracket are layout.
    return clean(re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", cell))


def _fill_pdf_spans(rows: tuple[tuple[str | None, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """pdfplumber returns None for the slots a merged cell covers: fill from the left, then from above."""
    out: list[tuple[str, ...]] = []
    for r, row in enumerate(rows):
        filled: list[str] = []
        for c, cell in enumerate(row):
            if cell is None:
                if c > 0 and rows[r][c - 1] is not None and r == 0:
                    cell = filled[c - 1]
                elif out and c < len(out[-1]):
                    cell = out[-1][c]
                elif c > 0:
                    cell = filled[c - 1]
                else:
                    cell = ""
            filled.append(cell)
        out.append(tuple(filled))
    return tuple(out)


# --------------------------------------------------------------------------------- HTML

_BREAK = "\x1e"
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article",
               "title", "center", "blockquote", "pre", "dd", "dt"}


class _HtmlBlocks(HTMLParser):
    """Paragraph text and tables (rowspan/colspan expanded) in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._skip = 0
        self._tables: list[_HtmlTable] = []  # nesting stack
        self._n_para = 0
        self._n_table = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head"}:
            self._skip += 1
        elif tag == "table":
            self._flush()
            self._n_table += 1
            self._tables.append(_HtmlTable(f"第 {self._n_table} 个表格"))
        elif self._tables and tag == "tr":
            self._tables[-1].rows.append([])
        elif self._tables and tag in {"td", "th"}:
            a = dict(attrs)
            self._tables[-1].open_cell(_span(a.get("rowspan")), _span(a.get("colspan")))
        elif tag in _BLOCK_TAGS and not self._tables:
            self._flush()
        elif tag in _BLOCK_TAGS and self._tables and self._tables[-1].cell is not None:
            self._tables[-1].cell.append(_BREAK)  # a paragraph inside a cell (a 专栏 box)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"}:
            self._skip = max(0, self._skip - 1)
        elif tag == "table" and self._tables:
            table = self._tables.pop()
            self.blocks.append(table.finish())
        elif self._tables and tag in {"td", "th"}:
            self._tables[-1].close_cell()
        elif tag in _BLOCK_TAGS and not self._tables:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._tables and self._tables[-1].cell is not None:
            self._tables[-1].cell.append(data.replace("\n", " "))
        elif not self._tables:
            self._text.append(data)

    def _flush(self) -> None:
        text = "".join(self._text)
        self._text = []
        for line in text.splitlines():
            if clean(line):
                self._n_para += 1
                self.blocks.append(Paragraph(line, f"第 {self._n_para} 段"))

    def close(self) -> None:
        super().close()
        while self._tables:
            self.blocks.append(self._tables.pop().finish())
        self._flush()


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


@dataclass
class _HtmlTable:
    where: str
    rows: list[list[tuple[str, int, int]]] = field(default_factory=list)  # (text, rowspan, colspan)
    cell: list[str] | None = None
    _spans: tuple[int, int] = (1, 1)

    def open_cell(self, rowspan: int, colspan: int) -> None:
        if not self.rows:
            self.rows.append([])
        self.cell = []
        self._spans = (rowspan, colspan)

    def close_cell(self) -> None:
        if self.cell is not None:
            text = "\n".join(clean(part) for part in "".join(self.cell).split(_BREAK) if clean(part))
            self.rows[-1].append((text, *self._spans))
        self.cell = None

    def finish(self) -> Table:
        self.close_cell()
        grid: dict[tuple[int, int], str] = {}
        for r, row in enumerate(self.rows):
            c = 0
            for text, rowspan, colspan in row:
                while (r, c) in grid:
                    c += 1
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid.setdefault((r + dr, c + dc), text)
                c += colspan
        width = max((c for _, c in grid), default=-1) + 1
        rows = tuple(tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(self.rows)))
        return Table(rows, self.where)


def _read_html(path: Path) -> Document:
    raw = path.read_bytes()
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", raw[:4096])
    encodings = [m.group(1).decode("ascii")] if m else []
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    if not parser.blocks:
        raise SourceError("import.corrupt", file=path.name, reason="网页中没有文字")
    doc = Document(path)
    doc.blocks = parser.blocks
    return doc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:120]
