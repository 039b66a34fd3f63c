"""The report's charts are native Word charts: a chart part with its data in the caches, the same
table in an embedded workbook, an inline drawing where the template shows it; LibreOffice draws
them from that data."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from fixtures.templates import template_with
from lxml import etree
from python_calamine import CalamineWorkbook

from reportkit.project import Project
from reportkit.rendering import charts
from reportkit.rendering.build import build
from reportkit.rendering.context import build_context
from reportkit.rendering.docx_report import render_docx
from reportkit.rendering.kinds import PACKAGED_TEMPLATES
from reportkit.rendering.sample import sample_inputs
from reportkit.rendering.word_chart import BarChart, Series, chart_workbook, chart_xml
from reportkit.scaffold import init_project

NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "ct": "http://schemas.openxmlformats.org/package/2006/content-types"}
TEMPLATE = PACKAGED_TEMPLATES / "中期评估报告模板.docx"


@pytest.fixture(scope="module")
def ezhou(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ezhou") / "proj"
    init_project(root, "ezhou")
    result = build(Project(root))
    return next(p for p in result.written if p.suffix == ".docx")


def _xml(z: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(z.read(name))


def _series(chart: etree._Element) -> list[dict]:
    out = []
    for ser in chart.iterfind(".//c:ser", NS):
        out.append({
            "name": ser.findtext("c:tx//c:v", namespaces=NS),
            "categories": [v.text for v in ser.iterfind("c:cat//c:pt/c:v", NS)],
            "values": [float(v.text) for v in ser.iterfind("c:val//c:pt/c:v", NS)],
            "labels": ["".join(t.text for t in d.iterfind(".//a:t", NS)) for d in ser.iterfind("c:dLbls/c:dLbl", NS)],
            "colors": [d.find(".//a:srgbClr", NS).get("val") for d in ser.iterfind("c:dPt", NS)],
        })
    return out


def _table1(report: Path) -> list[tuple[str, str]]:
    """(指标, 完成进度) of table 1 as a reader sees it."""
    table = next(t for t in docx.Document(str(report)).tables if t.rows[0].cells[1].text == "指标" and "时间进度" in t.rows[0].cells[8].text)
    header = [c.text for c in table.rows[0].cells]
    at = header.index("完成进度")
    return [(row.cells[1].text, row.cells[at].text) for row in table.rows[1:]]


def test_the_report_holds_the_progress_chart_as_a_word_chart_of_table_1s_figures(ezhou: Path):
    with zipfile.ZipFile(ezhou) as z:
        names = z.namelist()
        assert [n for n in names if n.startswith("word/charts/") and n.endswith(".xml")] == ["word/charts/chart1.xml"]
        assert not [n for n in names if n.startswith("word/media/")]  # no picture: nothing rasterised
        document = _xml(z, "word/document.xml")
        refs = document.findall(".//c:chart", NS)
        assert len(refs) == 1
        rid = refs[0].get(f"{{{NS['r']}}}id")
        rels = {r.get("Id"): r for r in _xml(z, "word/_rels/document.xml.rels")}
        assert rels[rid].get("Target") == "charts/chart1.xml"
        assert rels[rid].get("Type").endswith("/relationships/chart")
        types = {o.get("PartName"): o.get("ContentType") for o in _xml(z, "[Content_Types].xml").iterfind("ct:Override", NS)}
        assert types["/word/charts/chart1.xml"] == "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
        chart = _xml(z, "word/charts/chart1.xml")
        (book_rel,) = _xml(z, "word/charts/_rels/chart1.xml.rels")
        assert chart.find("c:externalData", NS).get(f"{{{NS['r']}}}id") == book_rel.get("Id")
        assert book_rel.get("Type").endswith("/relationships/package")
        book = z.read("word/" + book_rel.get("Target").removeprefix("../"))
        ids = [int(e.get("id")) for e in document.iterfind(".//wp:docPr", NS)]
        assert len(ids) == len(set(ids))  # each drawing its own id (Word repairs a document otherwise)
        extent = document.find(".//wp:inline/wp:extent", NS)
        assert int(extent.get("cx")) == 15 * 360000
    progress, schedule = _series(chart)
    shown = [(name, text) for name, text in _table1(ezhou) if text not in ("", "—", "-")]
    assert shown, "table 1 has indicators with a 完成进度"
    # every indicator with a 完成进度, in table 1's order, labelled with table 1's figure
    assert progress["categories"] == [charts._short(name) for name, _ in shown]
    assert progress["labels"] == [text for _, text in shown]
    assert progress["values"] == [min(float(text.rstrip("%")), 150.0) for _, text in shown]
    assert len(progress["colors"]) == len(shown)  # each bar in its status colour
    assert schedule["name"] == "该指标的时间进度" and schedule["categories"] == progress["categories"]
    assert all(0 < v <= 100 for v in schedule["values"])
    # the embedded workbook (Word's 编辑数据) holds the same table
    rows = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_name("Sheet1").to_python()
    assert rows[0][1:] == ["完成进度", "该指标的时间进度"]
    assert [r[0] for r in rows[1:]] == progress["categories"]
    assert [r[1] for r in rows[1:]] == progress["values"] and [r[2] for r in rows[1:]] == schedule["values"]


def test_a_template_showing_both_charts_gets_two_charts_each_with_its_own_parts(tmp_path: Path):
    root = tmp_path / "proj"
    init_project(root, "ezhou")
    template = template_with(tmp_path, "{{ plan.name }}", "{{ charts.status }}", "{{ charts.progress }}")
    report = next(p for p in build(Project(root), template=template).written if p.suffix == ".docx")
    with zipfile.ZipFile(report) as z:
        names = set(z.namelist())
        assert {"word/charts/chart1.xml", "word/charts/chart2.xml"} <= names
        assert len([n for n in names if n.startswith("word/embeddings/") and n.endswith(".xlsx")]) == 2
        document = _xml(z, "word/document.xml")
        status = _xml(z, "word/charts/chart1.xml")
    rids = [c.get(f"{{{NS['r']}}}id") for c in document.iterfind(".//c:chart", NS)]
    assert len(rids) == 2 and len(set(rids)) == 2
    ids = [e.get("id") for e in document.iterfind(".//wp:docPr", NS)]
    assert len(ids) == 2 and len(set(ids)) == 2
    (counts,) = _series(status)
    assert status.find(".//c:barDir", NS).get("val") == "col"
    assert counts["categories"][:2] == ["已实现", "提前实现"] and sum(counts["values"]) > 0
    assert status.find(".//c:dLbls/c:numFmt", NS).get("formatCode") == '0" 项"'


def test_a_chart_with_nothing_to_show_leaves_out_the_figure_and_its_caption(tmp_path: Path):
    assert charts.progress_chart([{"name": "甲", "progress": "—", "progress_value": None}]) is None
    assert charts.status_chart([{"status": "滞后", "count": 0, "color": "F8CBAD"}]) is None
    ctx = build_context(sample_inputs())
    assert isinstance(ctx["charts"]["progress"], BarChart)
    ctx["charts"] = {**ctx["charts"], "progress": None}
    path = tmp_path / "r.docx"
    path.write_bytes(render_docx(TEMPLATE, ctx))
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith("word/charts/")]
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert not any(t.startswith("图1") for t in texts)


def test_text_in_a_chart_is_escaped_and_cleaned():
    name = '甲<乙>&"丙"\x07丁'
    chart = BarChart('标题<&>', (name,), (Series('系列"1"', (42.5,), color="4472C4", labels=("42.5%<",)),),
                     horizontal=True, value_title="%")
    root = etree.fromstring(chart_xml(chart))  # well-formed whatever the text
    (series,) = _series(root)
    assert series["categories"] == ['甲<乙>&"丙"丁'] and series["labels"] == ["42.5%<"]
    assert series["name"] == '系列"1"' and series["values"] == [42.5]
    assert "".join(t.text for t in root.find("c:chart/c:title", NS).iterfind(".//a:t", NS)) == "标题<&>"
    rows = CalamineWorkbook.from_filelike(io.BytesIO(chart_workbook(chart))).get_sheet_by_name("Sheet1").to_python()
    assert rows == [["", '系列"1"'], ['甲<乙>&"丙"丁', 42.5]]


def _png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_picture_given_for_a_chart_is_inserted_as_a_picture(tmp_path: Path):
    """A program using the library may put its own image there."""
    ctx = build_context(sample_inputs())
    ctx["charts"] = {**ctx["charts"], "progress": _png()}
    path = tmp_path / "r.docx"
    path.write_bytes(render_docx(TEMPLATE, ctx))
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and z.read(media[0]) == _png()
        assert not [n for n in z.namelist() if n.startswith("word/charts/")]


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler-utils (pdftotext) is not installed")
def test_libreoffice_draws_both_charts_from_their_data(tmp_path: Path):
    root = tmp_path / "proj"
    init_project(root, "ezhou")
    template = template_with(tmp_path, "{{ charts.status }}", "{{ charts.progress }}")
    report = next(p for p in build(Project(root), template=template).written if p.suffix == ".docx")
    out = tmp_path / "pdf"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(report)], check=True, capture_output=True, timeout=240)
    text = subprocess.run(["pdftotext", "-layout", str(next(out.glob("*.pdf"))), "-"], capture_output=True,
                          text=True, check=True).stdout
    squeezed = "".join(text.split())
    assert "主要指标完成情况分布" in squeezed and "主要指标完成进度与各自时间进度对比" in squeezed
    assert "提前实现" in squeezed and "项" in squeezed  # the status columns and their labels
    with zipfile.ZipFile(report) as z:
        (progress_series, _) = _series(_xml(z, "word/charts/chart2.xml"))
    for category, label in zip(progress_series["categories"], progress_series["labels"], strict=True):
        assert category.replace(" ", "") in squeezed and label in squeezed


def test_a_charts_workbook_carries_the_reports_time_so_a_render_repeats_byte_for_byte():
    inputs = sample_inputs()
    inputs.generated_at = dt.datetime(2024, 1, 15, 9, 30, 0)
    chart = build_context(inputs)["charts"]["progress"]
    assert chart is not None and chart.created == inputs.generated_at
    book = chart_workbook(chart)
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        core = z.read("docProps/core.xml").decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-01-15T09:30:00Z</dcterms:created>" in core
    assert chart_workbook(chart) == book
