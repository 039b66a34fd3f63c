"""Table-row loops rendered apart give the document docxtpl itself gives, for any template."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import jinja2
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup

from reportkit.rendering.cleaning import clean_context
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


# ---------------------------------------------------------------- loops written without jinja
class _Item:
    """A row that is not a dict: jinja reads its attributes (and so renders the loop)."""

    def __init__(self, name: str) -> None:
        self.name = name


PLAIN_ROWS = [
    {"name": "甲区", "cells": ["1", 2, 3.5], "note": "第一行\n第二行", "meta": {"code": "A1"}, "flag": True,
     "tags": ["一"]},
    {"name": "A<&>\"'B {{x}} {_{ y }_} 50%(0)s", "cells": [None, "", "x&y"], "note": "制表\t后", "meta": {"code": ""},
     "flag": False, "tags": []},
    {"name": "乙区", "cells": [], "note": None, "meta": {"code": 0}, "flag": None, "tags": ["甲", "乙", "丙", "丁"]},
]
PLAIN = {"rows": PLAIN_ROWS, "years": [2021, 2022, 2023], "title": "标题", "n": 7}


def _loop_rows(doc, head: list[str], bodies: list[list[str]], loop: str) -> None:
    """A table whose loop writes several template rows per item."""
    table = doc.add_table(rows=3 + len(bodies), cols=len(head))
    for i, text in enumerate(head):
        table.rows[0].cells[i].text = text
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for r, body in enumerate(bodies, start=2):
        for i, text in enumerate(body):
            table.rows[r].cells[i].text = text
    table.rows[-1].cells[0].text = "{%tr endfor %}"


def _keys_and_index(doc):
    _loop_table(doc, ["序号", "名称", "代码", "标记", "总数"],
                ["{{ loop.index }}/{{ loop.index0 }}", "{{ r['name'] }}", "{{ r.meta.code }}", "{{ r.flag }}",
                 "{{ n }}%{{ title }}"], "r in rows")


def _two_rows_per_item(doc):
    _loop_rows(doc, ["名称", "说明"], [["{{ r.name }}", "{{ r.note }}"], ["{{ r.meta.code }}", "{{ r.flag }}"]],
               "r in rows")


def _cells_in_a_paragraph(doc):
    _loop_table(doc, ["名称", "各年"], ["{{ r.name }}", "{% for x in r.cells %}{{ x }}、{% endfor %}"], "r in rows")


def _year_cells_with_index(doc):
    _loop_table(doc, ["名称", "{%tc for y in years %}", "{{ y }}", "{%tc endfor %}"],
                ["{{ r.name }}", "{%tc for x in r.cells %}", "{{ loop.index }}:{{ x }}", "{%tc endfor %}"],
                "r in rows")


def _two_cell_loops(doc):
    _loop_table(doc, ["名称", "{%tc for y in years %}", "{{ y }}", "{%tc endfor %}", "{%tc for y in years %}",
                      "{{ y }}年", "{%tc endfor %}"],
                ["{{ r.name }}", "{%tc for x in r.cells %}", "{{ x }}", "{%tc endfor %}", "{%tc for x in r.tags %}",
                 "{{ x }}", "{%tc endfor %}"], "r in rows")


def _spanning_and_year_cells(doc):
    _year_columns(doc)
    cell = doc.tables[0].rows[2].cells[0]._tc
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), "2")
    cell.get_or_add_tcPr().append(span)


PLAIN_SHAPES = [_year_columns, _spanning, _keys_and_index, _two_rows_per_item, _cells_in_a_paragraph,
                _year_cells_with_index, _two_cell_loops, _spanning_and_year_cells]


@pytest.mark.parametrize("build", PLAIN_SHAPES)
def test_plain_loops_are_written_without_jinja_and_give_docxtpls_document(tmp_path: Path, build) -> None:
    path = _template(tmp_path, build)
    plain, _ = _render(DocxTemplate, path, PLAIN)
    written, tpl = _render(RowLoopTemplate, path, PLAIN)
    assert written == plain
    assert tpl.plain_loops == [("rows",)]
    assert "甲区".encode() in written and b"reportkit-rows" not in written


def test_every_other_part_of_the_package_is_docxtpls(tmp_path: Path) -> None:
    path = _template(tmp_path, _year_columns)
    packages = []
    for cls in (DocxTemplate, RowLoopTemplate):
        tpl = cls(str(path))
        tpl.render(PLAIN, jinja_env=make_env(), autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        with zipfile.ZipFile(buf) as z:
            packages.append({i.filename: z.read(i) for i in z.infolist() if i.filename != "word/document.xml"})
    assert packages[0] == packages[1]


@pytest.mark.parametrize("rows", [
    [_Item("甲区")],  # not a dict
    [{"name": Markup("<w:r><w:t>标记</w:t></w:r>"), "items": ""}],  # jinja writes Markup as it is
    [{"name": "甲\x0b区", "items": ""}],  # a character XML cannot hold (not cleaned here)
    [{"name": "甲\a区\f", "items": ""}],  # docxtpl's paragraph and page breaks
    [{"name": ["甲区"], "items": ""}],  # not text or a number
])
def test_data_that_is_not_plain_renders_through_jinja_the_same(tmp_path: Path, rows) -> None:
    path = _template(tmp_path, lambda doc: _loop_table(doc, ["名称"], ["{{ r.name }}"], "r in rows"))
    context = {**PLAIN, "rows": rows}
    plain, _ = _render(DocxTemplate, path, context)
    apart, tpl = _render(RowLoopTemplate, path, context)
    assert apart == plain
    assert tpl.plain_loops == []


def test_keys_jinja_would_read_as_methods_are_left_to_jinja(tmp_path: Path) -> None:
    path = _template(tmp_path, lambda doc: _loop_table(doc, ["名称"], ["{{ r.items }}"], "r in rows"))
    _, tpl = _render(RowLoopTemplate, path, {**PLAIN, "rows": []})
    assert tpl.plain_loops == []


def test_a_missing_key_is_the_same_error_as_docxtpls(tmp_path: Path) -> None:
    path = _template(tmp_path, lambda doc: _loop_table(doc, ["名称"], ["{{ r.nam }}"], "r in rows"))
    for cls in (DocxTemplate, RowLoopTemplate):
        with pytest.raises(jinja2.UndefinedError, match="nam"):
            _render(cls, path, PLAIN)


DIRTY_ROWS = [{"name": "甲\x0b区\x01", "cells": ["1\x1f", None], "note": "制表\t后\x0c"},
              {"name": None, "cells": ["2", "3"], "note": "第一行\n第二行"}]


def _rows_read_twice(doc):
    _year_columns(doc)
    doc.add_paragraph("共{{ rows|length }}行：{% for r in rows %}{{ r.name }}{{ r.note }}；{% endfor %}")


@pytest.mark.parametrize("build", [_year_columns, _rows_read_twice])
def test_cleaned_rows_are_the_rows_of_the_cleaned_context(tmp_path: Path, build) -> None:
    """Cleaning as the rows are written gives docxtpl's document of the cleaned context, whether
    or not the template also reads the list somewhere else."""
    path = _template(tmp_path, build)
    context = {**CONTEXT, "rows": DIRTY_ROWS}
    plain, _ = _render(DocxTemplate, path, clean_context(context))
    tpl = RowLoopTemplate(str(path), clean=True)
    tpl.render(context, jinja_env=make_env(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    body = zipfile.ZipFile(buf).read("word/document.xml")
    cleaned = etree.tostring(etree.fromstring(body, etree.XMLParser(remove_blank_text=True)), method="c14n")
    assert cleaned == plain
    assert tpl.plain_loops == [("rows",)]
    assert "甲区".encode() in cleaned and b"\x0b" not in body
