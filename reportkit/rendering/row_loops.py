"""Table-row loops of a report template rendered apart from the rest of the document.

docxtpl renders the whole body as one jinja template, post-processes the result paragraph by
paragraph with regular expressions, parses it, checks every table row and moves the parsed
body into the document. A report's appendix holds one row per indicator and unit — thousands
of rows — so that handling, not the template, was most of the rendering time.

Here each top-level ``{%tr for %}`` loop is rendered on its own, with the same environment
and context, and post-processed as docxtpl would (only when its text holds a character that
needs it). The document is rendered with a stand-in row of the same width in the loop's
place (docxtpl fits the table grid to its widest row), and the saved ``document.xml`` gets
the rendered rows where the stand-in was. Rows are checked to be well-formed first; rows that
are not, or that hold pictures (docxtpl renumbers those across the body), stay in the document
and render the ordinary way. Any template, including those copied into projects by earlier
versions, renders to the same document as before.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from os import PathLike
from typing import IO, Any

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from .packages import rewrite_parts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TR, _TC, _TCPR, _SPAN, _VAL = (f"{{{W_NS}}}{t}" for t in ("tr", "tc", "tcPr", "gridSpan", "val"))
_BLOCK_TAG = re.compile(r"\{%-?\s*(for|endfor)\b.*?-?%\}", re.DOTALL)
# Tags whose scoping a loop rendered apart could not see: such templates render as docxtpl does.
_SCOPING_TAG = re.compile(r"\{%-?\s*(set|with|macro|call|raw|include|import|from|extends|block|filter)\b")
_LISTING_CHARS = ("\t", "\a", "\n", "\f")  # what docxtpl's resolve_listing rewrites
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


def grid_width(rows: etree._Element) -> int:
    """The widest row's number of grid columns (a cell spanning n columns counts n), counted as
    docxtpl's table fitting counts them."""
    widest = 0
    for tr in rows.iter(_TR):
        width = len(tr.findall(_TC))
        for span in tr.iterfind(f"{_TC}/{_TCPR}/{_SPAN}"):
            width += int(span.get(_VAL, "1")) - 1
        widest = max(widest, width)
    return widest


class RowLoopTemplate(DocxTemplate):
    """A :class:`DocxTemplate` whose top-level table-row loops are rendered apart (see module doc)."""

    _rows: dict[str, bytes]  # marker -> the loop's rendered rows, UTF-8

    def build_xml(self, context: Mapping[str, Any], jinja_env: jinja2.Environment | None = None) -> str:
        xml = self.patch_xml(self.get_xml())
        self._rows = {}
        if jinja_env is not None and not _SCOPING_TAG.search(xml):
            xml = self._set_rows_apart(xml, context, jinja_env)
        return str(self.render_xml_part(xml, self.docx._part, context, jinja_env))

    def _set_rows_apart(self, xml: str, context: Mapping[str, Any], env: jinja2.Environment) -> str:
        namespaces = xml[len("<w:body"):xml.index(">")].encode("utf-8")
        pieces = []
        done = 0
        for start, end in row_loops(xml):
            rows = self._render_rows(xml[start:end], context, env).encode("utf-8")
            width = _checked_width(rows, namespaces)
            if width is None:
                continue
            pieces.append(xml[done:start])
            if rows:
                marker = _MARKER.format(len(self._rows))
                self._rows[marker] = rows
                pieces.append(f"<w:tr><!--{marker}-->{'<w:tc/>' * width}</w:tr>")
            done = end
        return "".join([*pieces, xml[done:]])

    def _render_rows(self, source: str, context: Mapping[str, Any], env: jinja2.Environment) -> str:
        """The loop's rows as docxtpl's ``render_xml_part`` would leave them."""
        rows = env.from_string(source).render(context)
        rows = rows.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(ch in rows for ch in _LISTING_CHARS):
            rows = str(self.resolve_listing(rows))
        return rows

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
        if not getattr(self, "_rows", None):
            super().save(filename, *args, **kwargs)
            return
        buf = io.BytesIO()
        super().save(buf, *args, **kwargs)
        data = self._splice(buf.getvalue())
        if hasattr(filename, "write"):
            filename.write(data)
        else:
            with open(filename, "wb") as fh:
                fh.write(data)

    def _splice(self, docx: bytes) -> bytes:
        """The saved package with the rendered rows in ``document.xml`` where their markers are."""
        def write(data: bytes, out: IO[bytes]) -> None:
            done = 0
            for marker, rows in self._rows.items():
                at = data.find(f"<!--{marker}-->".encode(), done)
                if at < 0:  # the loop sat in a block the template left out
                    continue
                out.write(data[done:at])
                out.write(rows)
                done = at + len(marker) + len("<!---->")
            out.write(data[done:])

        return rewrite_parts(docx, {self.docx.part.partname.lstrip("/"): write})


def _checked_width(rows: bytes, namespaces: bytes) -> int | None:
    """The rows' grid width, or None when they cannot be spliced in as they are (not well-formed
    XML, or holding a picture)."""
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
    return max(row.count(b"<w:tc>") + row.count(b"<w:tc ") for row in rows.split(b"</w:tr>"))
