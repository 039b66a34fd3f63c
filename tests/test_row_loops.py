"""Table-row loops rendered apart give the document docxtpl itself gives, for any template."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from reportkit.rendering.docx_report import make_env
from reportkit.rendering.row_loops import RowLoopTemplate, row_loops

ROWS = [{"name": "甲区", "cells": ["1", "2", "3"], "note": "第一行\n第二行"},
        {"name": "A<&>\"'B {{x}}", "cells": ["4", "5", "6"], "note": "制表\t后"},
        {"name": "乙区", "cells": ["7", "8", "9"], "note": ""}]
CONTEXT = {"rows": ROWS, "years": [2021, 2022, 2023], "title": "标题", "groups": [{"rows": ROWS}]}


def _loop_table(doc: docx.document.Document, head: list[str], body: list[str], loop: str) -> None:
    table = doc.add_table(rows=4, cols=len(head))
    for i, text in enumerate(head):
        table.rows[0].cells[i].text = text
        table.rows[2].cells[i].text = body[i]
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _template(tmp_path: Path, build) -> Path:
    doc = docx.Document()
    doc.add_paragraph("{{ title }}")
    build(doc)
    doc.add_paragraph("结尾")
    path = tmp_path / "t.docx"
    doc.save(str(path))
    return path


def _render(cls: type[DocxTemplate], path: Path, context: dict = CONTEXT) -> tuple[bytes, DocxTemplate]:
    tpl = cls(str(path))
    tpl.render(context, jinja_env=make_env(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    body = zipfile.ZipFile(buf).read("word/document.xml")
    return etree.tostring(etree.fromstring(body, etree.XMLParser(remove_blank_text=True)), method="c14n"), tpl


def _year_columns(doc):
    _loop_table(doc, ["名称", "{%tc for y in years %}", "{{ y }}", "{%tc endfor %}", "说明"],
                ["{{ r.name }}", "{%tc for x in r.cells %}", "{{ x }}", "{%tc endfor %}", "{{ r.note }}"],
                "r in rows")


def _two_tables(doc):
    _year_columns(doc)
    _loop_table(doc, ["序号", "名称"], ["{{ loop.index }}", "{{ r.name }}"], "r in rows if r.note")


def _spanning(doc):
    _loop_table(doc, ["名称", "说明", "备注"], ["{{ r.name }}", "{{ r.note }}", ""], "r in rows")
    cell = doc.tables[0].rows[2].cells[1]._tc
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), "2")
    cell.get_or_add_tcPr().append(span)
    doc.tables[0].rows[2]._tr.remove(doc.tables[0].rows[2]._tr.tc_lst[-1])


def _empty(doc):
    _loop_table(doc, ["名称"], ["{{ r.name }}"], "r in rows if r.name == '无'")


@pytest.mark.parametrize("build", [_year_columns, _two_tables, _spanning, _empty])
def test_rows_rendered_apart_make_the_same_document(tmp_path: Path, build) -> None:
    path = _template(tmp_path, build)
    plain, _ = _render(DocxTemplate, path)
    apart, tpl = _render(RowLoopTemplate, path)
    assert apart == plain
    assert "甲区".encode() in apart or build is _empty
    assert b"reportkit-rows" not in apart
    assert tpl._rows or build is _empty  # the loops were really rendered apart


def test_fewer_columns_than_the_grid_fit_the_grid(tmp_path: Path) -> None:
    """Two years where the template's grid has three: docxtpl drops a grid column, here too."""
    path = _template(tmp_path, _year_columns)
    two_years = {**CONTEXT, "years": [2021, 2022], "rows": [{**r, "cells": r["cells"][:2]} for r in ROWS]}
    plain, _ = _render(DocxTemplate, path, two_years)
    apart, _ = _render(RowLoopTemplate, path, two_years)
    assert apart == plain
    assert apart.count(b"<w:gridCol") == plain.count(b"<w:gridCol")


def test_loops_inside_loops_and_scoped_templates_render_the_ordinary_way(tmp_path: Path) -> None:
    def nested(doc):
        doc.add_paragraph("{%p for g in groups %}")
        _loop_table(doc, ["名称"], ["{{ r.name }}"], "r in g.rows")
        doc.add_paragraph("{%p endfor %}")

    def scoped(doc):
        doc.add_paragraph("{% set n = 1 %}")
        _loop_table(doc, ["名称"], ["{{ r.name }}{{ n }}"], "r in rows")

    for build in (nested, scoped):
        path = _template(tmp_path, build)
        plain, _ = _render(DocxTemplate, path)
        apart, tpl = _render(RowLoopTemplate, path)
        assert apart == plain
        assert tpl._rows == {}


def test_only_top_level_row_loops_are_found() -> None:
    xml = ("<w:body>{% for a in x %}<w:tr>{% for b in a %}<w:tc/>{% endfor %}</w:tr>{% endfor %}"
           "{% for g in y %}{% for r in g %}<w:tr/>{% endfor %}{% endfor %}"
           "{% for p in z %}<w:p/>{% endfor %}</w:body>")
    assert [xml[s:e] for s, e in row_loops(xml)] == [
        "{% for a in x %}<w:tr>{% for b in a %}<w:tc/>{% endfor %}</w:tr>{% endfor %}"]
