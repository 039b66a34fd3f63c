"""Table-row loops of a report template rendered apart from the rest of the document.

docxtpl renders the whole body as one jinja template, post-processes the result paragraph by
paragraph with regular expressions, parses it, checks every table row and moves the parsed
body into the document. A report's appendix holds one row per indicator and unit — thousands
of rows — so that handling, not the template, was most of the rendering time.

Here each top-level ``{%tr for %}`` loop is rendered on its own: a loop over plain data is
written by ``fast_rows`` (no jinja per row, no parsing of the rows), any other one by the same
sandboxed environment with the same context; both are post-processed as docxtpl would (only
when their text holds a character that needs it). The document is rendered with a stand-in
row of the same width in the loop's place (docxtpl fits the table grid to its widest row), and
``document.xml`` gets the rendered rows where the stand-in was as the package is written. Rows
rendered by jinja are checked to be well-formed first; rows that are not, or that hold pictures
(docxtpl renumbers those across the body), stay in the document and render the ordinary way.
Any template, including those copied into projects by earlier versions, renders to the same
document as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from os import PathLike
from typing import IO, Any

import jinja2
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from lxml import etree

from . import fast_rows
from .cleaning import clean_context, clean_read, read_paths
from .fast_rows import LISTING_CHARS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TR, _TC, _TCPR, _SPAN, _VAL = (f"{{{W_NS}}}{t}" for t in ("tr", "tc", "tcPr", "gridSpan", "val"))
_BLOCK_TAG = re.compile(r"\{%-?\s*(for|endfor)\b.*?-?%\}", re.DOTALL)
# Tags whose scoping a loop rendered apart could not see: such templates render as docxtpl does.
_SCOPING_TAG = re.compile(r"\{%-?\s*(set|with|macro|call|raw|include|import|from|extends|block|filter)\b")
_LISTING_BYTES = [ch.encode() for ch in LISTING_CHARS]
_MARKER = "reportkit-rows-{}"  # an XML comment: autoescaped data can never produce one


def row_loops(xml: str) -> list[tuple[int, int]]:
    """(start, end) of each ``{% for %}<w:tr>…</w:tr>{% endfor %}`` not nested in another loop."""
    loops = []
    depth = 0
    start = -1
    for tag in _BLOCK_TAG.finditer(xml):
        if tag.group(1) == "for":
            if depth == 0:
                start = tag.start() if xml.startswith("<w:tr", tag.end()) else -1
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0 and start >= 0 and xml.endswith("</w:tr>", 0, tag.start()):
                loops.append((start, tag.end()))
    return loops


def grid_width(rows: etree._Element) -> tuple[int, int]:
    """The most cells in a row, and the most grid columns (a cell spanning n columns counts n),
    counted as docxtpl's table fitting counts them."""
    cells = widest = 0
    for tr in rows.iter(_TR):
        tcs = tr.findall(_TC)
        width = len(tcs)
        for span in tr.iterfind(f"{_TC}/{_TCPR}/{_SPAN}"):
            width += int(span.get(_VAL, "1")) - 1
        cells, widest = max(cells, len(tcs)), max(widest, width)
    return cells, widest


class RowLoopTemplate(DocxTemplate):
    """A :class:`DocxTemplate` whose top-level table-row loops are rendered apart (see module doc).

    ``clean``: every string the template reads loses the control characters XML cannot hold and
    ``None`` becomes empty text (``cleaning.clean_context``); rows written without jinja
    (``fast_rows``) clean their values as they write them, and the rest of the context is
    cleaned only where the rest of the template can read it (``cleaning.clean_read``)."""

    _rows: dict[str, list[bytes]]  # marker -> the loop's rendered rows, UTF-8

    def __init__(self, template_file: str | PathLike[str] | IO[bytes], *, clean: bool = False) -> None:
        super().__init__(template_file)
        self.clean = clean
        self._body: str | None = None
        self.plain_loops: list[tuple[str, ...]] = []  # context paths of the loops fast_rows wrote
        self._patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        """docxtpl's clean-up of a part's XML for jinja, done once per part (the checks, the
        rendering and the reading of the context all ask for it)."""
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = self._patched[src_xml] = str(super().patch_xml(src_xml))
        return patched

    def render(self, context: Mapping[str, Any], jinja_env: jinja2.Environment | None = None,
               autoescape: bool = False) -> None:
        if autoescape and jinja_env is not None:
            jinja_env.autoescape = autoescape  # as docxtpl does, before the loops are compiled
        self.init_docx()
        self._rows = {}
        body = self.patch_xml(self.get_xml())
        written: list[tuple[str, ...]] = []
        if jinja_env is not None and not _SCOPING_TAG.search(body):
            body, written = self._write_plain_loops(body, context, jinja_env)
        self._body = body
        self.plain_loops = written
        super().render(self._cleaned(context, body, jinja_env), jinja_env, autoescape)

    def build_xml(self, context: Mapping[str, Any], jinja_env: jinja2.Environment | None = None) -> str:
        xml = self._body if self._body is not None else self.patch_xml(self.get_xml())
        self._body = None
        if jinja_env is not None and not _SCOPING_TAG.search(xml):
            xml = self._set_rows_apart(xml, context, jinja_env)
        return str(self.render_xml_part(xml, self.docx._part, context, jinja_env))

    def _write_plain_loops(self, xml: str, context: Mapping[str, Any],
                           env: jinja2.Environment) -> tuple[str, list[tuple[str, ...]]]:
        """Loops of plain data written by ``fast_rows``; the others stay for jinja. Returns the
        body with stand-ins and the context paths of the loops written."""
        namespaces = _namespaces(xml)
        pieces = []
        written = []
        done = 0
        for start, end in row_loops(xml):
            program = fast_rows.compile_loop(xml[start:end], env, namespaces)
            rows = None if program is None else fast_rows.render(program, context, clean=self.clean)
            if program is None or rows is None:
                continue
            pieces.append(xml[done:start])
            data = _post_processed(self, rows.chunks, braces=rows.braces, listing=rows.listing)
            pieces.append(self._stand_in(data, rows.cells, rows.width))
            written.append(program.path)
            done = end
        return "".join([*pieces, xml[done:]]), written

    def _set_rows_apart(self, xml: str, context: Mapping[str, Any], env: jinja2.Environment) -> str:
        namespaces = _namespaces(xml).encode("utf-8")
        pieces = []
        done = 0
        for start, end in row_loops(xml):
            rows = self._render_rows(xml[start:end], context, env)
            counted = _checked_width(rows, namespaces)
            if counted is None:
                continue
            pieces.append(xml[done:start])
            pieces.append(self._stand_in([rows], *counted))
            done = end
        return "".join([*pieces, xml[done:]])

    def _stand_in(self, rows: list[bytes], cells: int, width: int) -> str:
        """A row as wide as the widest of ``rows`` (for docxtpl's grid fitting) marking where they
        go; nothing when there are no rows."""
        if not any(rows):
            return ""
        marker = _MARKER.format(len(self._rows))
        self._rows[marker] = rows
        if width > cells > 0:  # the same number of cells, one of them spanning the extra columns
            tcs = "<w:tc/>" * (cells - 1) + f'<w:tc><w:tcPr><w:gridSpan w:val="{width - cells + 1}"/></w:tcPr></w:tc>'
        else:
            tcs = "<w:tc/>" * cells
        return f"<w:tr><!--{marker}-->{tcs}</w:tr>"

    def _render_rows(self, source: str, context: Mapping[str, Any], env: jinja2.Environment) -> bytes:
        """The loop's rows as docxtpl's ``render_xml_part`` would leave them, UTF-8."""
        rows = env.from_string(source).render(context)
        return b"".join(_post_processed(self, [rows.encode("utf-8")], braces="{_" in rows or "_}" in rows,
                                        listing=any(ch in rows for ch in LISTING_CHARS)))

    def _cleaned(self, context: Mapping[str, Any], body: str, env: jinja2.Environment | None) -> Mapping[str, Any]:
        """The context jinja renders: with ``clean``, cleaned wherever what is left of the template
        (``body`` without the loops written already, headers, footers…) can read it."""
        if not self.clean:
            return context
        paths = None
        if env is not None:
            try:
                paths = read_paths([env.parse(source) for source in (body, *self._other_sources())])
            except jinja2.TemplateSyntaxError:  # rendering will say where
                paths = None
        return clean_context(context) if paths is None else clean_read(context, paths)

    def _other_sources(self) -> list[str]:
        """What docxtpl renders besides the body: headers, footers, footnotes, core properties."""
        texts = []
        for rel in self.docx.part.rels.values():
            if rel.reltype in (self.HEADER_URI, self.FOOTER_URI) and not rel.is_external:
                texts.append(self.patch_xml(self.get_part_xml(rel.target_part)))
        for part in self.docx.part.package.parts:
            if part.content_type.endswith(".footnotes+xml"):
                texts.append(self.patch_xml(part.blob.decode("utf-8")))
        props = self.docx.core_properties
        texts.extend(str(getattr(props, name) or "")
                     for name in ("author", "comments", "identifier", "language", "subject", "title"))
        return texts

    def fix_tables(self, xml: str) -> Any:
        """docxtpl's grid fitting, then each stand-in row becomes the bare marker comment."""
        tree = super().fix_tables(xml)
        if self._rows:
            for comment in tree.iter(etree.Comment):
                row = comment.getparent()
                if comment.text in self._rows and row is not None and row.tag == _TR:
                    comment.tail = None
                    row.getparent().replace(row, comment)
        return tree

    def save(self, filename: str | PathLike[str] | IO[bytes], *args: Any, **kwargs: Any) -> None:
        """docxtpl's save, with the rendered rows put into ``document.xml`` as it is written."""
        if not getattr(self, "_rows", None) or not self.is_rendered:
            super().save(filename, *args, **kwargs)
            return
        self.pre_processing()
        package = self.docx.part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        main = self.docx.part
        PackageWriter.write(filename, package.rels,
                            [_Written(part, self._splice(part.blob)) if part is main else part for part in parts])
        self.post_processing(filename)
        self.is_saved = True

    def _splice(self, data: bytes) -> bytes:
        """``document.xml`` with the rendered rows where their markers are."""
        found = sorted((at, marker) for marker in self._rows
                       if (at := data.find(f"<!--{marker}-->".encode())) >= 0)  # a loop may sit in a block left out
        out = []
        done = 0
        for at, marker in found:
            out.append(data[done:at])
            out.extend(self._rows[marker])
            done = at + len(marker) + len("<!---->")
        out.append(data[done:])
        return b"".join(out)


class _Written:
    """A part as python-docx's package writer sees it, with the bytes already written."""

    def __init__(self, part: Any, blob: bytes) -> None:
        self.partname, self.content_type, self.rels, self.blob = part.partname, part.content_type, part.rels, blob


def _post_processed(tpl: DocxTemplate, chunks: list[bytes], *, braces: bool, listing: bool) -> list[bytes]:
    """What docxtpl's ``render_xml_part`` does to rendered text (``braces``/``listing``: the text
    may need it): escaped braces back, tabs and line breaks as Word runs (in the rows holding one).
    ``chunks`` are whole rows (what docxtpl rewrites never crosses a row)."""
    if braces:
        chunks = [c.replace(b"{_{", b"{{").replace(b"}_}", b"}}").replace(b"{_%", b"{%").replace(b"%_}", b"%}")
                  for c in chunks]
    if listing:
        chunks = [str(tpl.resolve_listing(row.decode("utf-8"))).encode("utf-8")
                  if any(ch in row for ch in _LISTING_BYTES) else row for c in chunks for row in _rows_of(c)]
    return chunks


def _rows_of(rows: bytes) -> list[bytes]:
    """``rows`` cut after each ``</w:tr>`` (a paragraph never crosses a row)."""
    parts = rows.split(b"</w:tr>")
    return [p + b"</w:tr>" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _namespaces(xml: str) -> str:
    """The body element's namespace declarations."""
    return xml[len("<w:body"):xml.index(">")]


def _checked_width(rows: bytes, namespaces: bytes) -> tuple[int, int] | None:
    """The widest row's cells and grid columns, or None when the rows cannot be spliced in as they
    are (not well-formed XML, or holding a picture)."""
    if b"docPr" in rows:
        return None
    try:
        parsed = etree.fromstring(b"".join((b"<w:tbl", namespaces, b">", rows, b"</w:tbl>")),
                                  etree.XMLParser(huge_tree=True))
    except etree.XMLSyntaxError:
        return None
    if b"gridSpan" in rows or b"<w:tbl" in rows:
        return grid_width(parsed)
    # Plain rows (the usual case) are counted in the text, much faster than walking the tree.
    cells = max(row.count(b"<w:tc>") + row.count(b"<w:tc ") for row in rows.split(b"</w:tr>"))
    return cells, cells
