"""Generate the default report template (``中期评估报告模板.docx``) with python-docx.

The template is a normal Word document with docxtpl tags; a coordinator may edit it in
Word or WPS. Regenerate the committed copies with::

    python -m reportkit.rendering.make_template templates/中期评估报告模板.docx \
        reportkit/data/templates/中期评估报告模板.docx

Layout follows GB/T 9704 (党政机关公文格式): A4, margins 3.7/3.5/2.8/2.6 cm, body 仿宋_GB2312
三号 (16 pt) with fixed 28 pt lines, 一级标题 黑体, 二级标题 楷体_GB2312, title 方正小标宋简体
二号 (22 pt), page numbers "— 1 —". Each Chinese font is named in ``w:eastAsia`` and listed
in the font table with its GB2312 charset and an alternative name, so Word and WPS
substitute an installed Song/FangSong/Kai/Hei font when the GB/T 9704 font is missing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .kinds import ANNUAL_TEMPLATE as ANNUAL_TEMPLATE_NAME
from .kinds import TEMPLATE_NAME

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
LATIN = "Times New Roman"

# GB/T 9704 font -> (alternative name, family) written to the font table for substitution.
FONT_TABLE = {
    FANGSONG: ("仿宋", "modern"),
    KAITI: ("楷体", "modern"),
    HEITI: ("SimHei", "modern"),
    XIAOBIAOSONG: ("宋体", "roman"),
    SONGTI: ("SimSun", "roman"),
}

BODY_PT = 16
LINE_PT = 28
TABLE_PT = 9  # 小五: the indicator table has eleven columns on a 15.6 cm line
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6

BODY = "Normal"
HEADING1 = "Heading 1"
HEADING2 = "Heading 2"
TITLE = "报告标题"
SUBTITLE = "报告署名"
TOC_TITLE = "目录标题"
CAPTION = "图表题"
FIGURE = "图片"
TABLE_TEXT = "表格文字"
TABLE_NUM = "表格数字"
TABLE_HEAD = "表格标题行"
ITEM_TITLE = "事项标题"


# ---------------------------------------------------------------- fonts & styles
def set_fonts(rpr_owner: object, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts explicitly (no theme fonts, which would override them)."""
    rpr = rpr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc: DocxDocument, name: str) -> ParagraphStyle:
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    return cast(ParagraphStyle, style)


def paragraph_style(doc: DocxDocument, name: str, font: str, size: float, *, line: float | None = LINE_PT,
                    align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False,
                    bold: bool = False, keep_next: bool = False) -> None:
    st = _style(doc, name)
    if name != BODY:
        st.base_style = _style(doc, BODY)
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = None
    set_fonts(st.element, font)
    pf = st.paragraph_format
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.first_line_indent = Pt(size * 2) if indent else Pt(0)
    pf.keep_with_next = keep_next
    pf.widow_control = True
    if align is not None:
        pf.alignment = align


def set_doc_defaults(doc: DocxDocument) -> None:
    """The document-wide default run fonts, so text outside any style is 仿宋 too."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), FANGSONG)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def define_styles(doc: DocxDocument) -> None:
    set_doc_defaults(doc)
    paragraph_style(doc, BODY, FANGSONG, BODY_PT, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, HEADING1, HEITI, BODY_PT, indent=True, keep_next=True)
    paragraph_style(doc, HEADING2, KAITI, BODY_PT, indent=True, keep_next=True)
    paragraph_style(doc, ITEM_TITLE, FANGSONG, BODY_PT, indent=True, bold=True, keep_next=True)
    paragraph_style(doc, TITLE, XIAOBIAOSONG, 22, line=36, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, SUBTITLE, KAITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, TOC_TITLE, HEITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, CAPTION, HEITI, 14, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    # A picture in a paragraph with fixed 28 pt lines would be clipped to one line.
    paragraph_style(doc, FIGURE, FANGSONG, BODY_PT, line=None, align=WD_ALIGN_PARAGRAPH.CENTER,
                    keep_next=True)
    paragraph_style(doc, TABLE_TEXT, FANGSONG, TABLE_PT, line=None, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, TABLE_HEAD, HEITI, TABLE_PT, line=None, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, TABLE_NUM, FANGSONG, TABLE_PT, line=None, align=WD_ALIGN_PARAGRAPH.CENTER)
    for level in (1, 2):
        toc = _style(doc, f"toc {level}")
        toc.base_style = _style(doc, BODY)
        toc.paragraph_format.first_line_indent = Pt(0)
        toc.paragraph_format.left_indent = Pt(BODY_PT * (level - 1))


def add_font_table(doc: DocxDocument) -> None:
    """List the GB/T 9704 fonts with charset GB2312 and an alternative name (substitution)."""
    font_part = None
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            font_part = rel.target_part
    if font_part is None:
        return
    from lxml import etree

    root = etree.fromstring(font_part.blob)
    w = root.nsmap["w"]
    for name, (alt, family) in FONT_TABLE.items():
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alt})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": family})
        etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def chinese_theme(doc: DocxDocument) -> None:
    """python-docx's default template is Japanese-flavoured (``themeFontLang eastAsia="ja-JP"``,
    ＭＳ 明朝 theme fonts): make the East-Asian language and theme fonts Chinese."""
    lang = _setting(doc, "w:themeFontLang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/theme"):
            part = rel.target_part
            xml = part.blob.decode("utf-8")
            xml = re.sub(r'<a:font script="Jpan" typeface="[^"]*"/>', "", xml)
            major, minor = xml.split("<a:minorFont>", 1) if "<a:minorFont>" in xml else (xml, "")
            major = major.replace('<a:ea typeface=""/>', f'<a:ea typeface="{HEITI}"/>', 1)
            minor = minor.replace('<a:ea typeface=""/>', f'<a:ea typeface="{SONGTI}"/>', 1)
            part._blob = (major + ("<a:minorFont>" + minor if minor else "")).encode("utf-8")
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            xml = part.blob.decode("utf-8")
            xml = re.sub(r'<w:font w:name="ＭＳ [^"]*">.*?</w:font>', "", xml, flags=re.S)
            part._blob = xml.encode("utf-8")


def _setting(doc: DocxDocument, tag: str) -> Any:  # an lxml element of the settings part
    """The element ``tag`` of the settings part, added when missing."""
    settings = doc.settings.element
    el = settings.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        settings.append(el)
    return el


def set_update_fields(doc: DocxDocument) -> None:
    """Word offers to update fields (the table of contents) when the report is opened."""
    _setting(doc, "w:updateFields").set(qn("w:val"), "true")


# ---------------------------------------------------------------- page
def setup_page(doc: DocxDocument) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    sec.header_distance, sec.footer_distance = Cm(1.5), Cm(2.5)


def page_numbers(doc: DocxDocument) -> None:
    """"— 1 —" page numbers on the body section only, starting at 1 (cover and 目录 unnumbered)."""
    sec = doc.sections[-1]
    sec.footer.is_linked_to_previous = False
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "1")
    sec._sectPr.append(pg)
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _footer_run(footer, "— ")
    add_field(footer, "PAGE", "1", size=14)
    _footer_run(footer, " —")


def _footer_run(p: Paragraph, text: str) -> None:
    run = p.add_run(text)
    run.font.size = Pt(14)
    set_fonts(run._r, SONGTI)


def _fld_char(p: Paragraph, kind: str, size: float | None = None) -> None:
    run = p.add_run()
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        el.set(qn("w:dirty"), "true")
    run._r.append(el)
    if size:
        run.font.size = Pt(size)


def field_start(p: Paragraph, instruction: str, size: float | None = None) -> None:
    """Begin a complex field; its shown result follows (in this or the next paragraphs)."""
    _fld_char(p, "begin", size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run = p.add_run()
    run._r.append(instr)
    _fld_char(p, "separate", size)


def field_end(p: Paragraph, size: float | None = None) -> None:
    _fld_char(p, "end", size)


def add_field(p: Paragraph, instruction: str, placeholder: str, *, size: float | None = None) -> None:
    """A complex field (PAGE) with a visible placeholder until Word updates it."""
    field_start(p, instruction, size)
    shown = p.add_run(placeholder)
    if size:
        shown.font.size = Pt(size)
        set_fonts(shown._r, SONGTI)
    field_end(p, size)


def page_break(doc: DocxDocument) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(0)
    p.add_run().add_break(WD_BREAK.PAGE)


# ---------------------------------------------------------------- tables
def _cell_text(cell: _Cell, text: str, style: str) -> None:
    p = cell.paragraphs[0]
    p.style = style
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if text:
        p.add_run(text)


def _narrow_cell_margins(table: Table, cm: float = 0.1) -> None:
    """Less padding than Word's default 0.19 cm, so numbers such as 0.6712 fit on one line."""
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(Cm(cm).twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _repeat_header(row_el: object) -> None:
    trpr = row_el.get_or_add_trPr()  # type: ignore[attr-defined]
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def _no_split(row_el: object) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row_el.get_or_add_trPr().append(el)  # type: ignore[attr-defined]


def fix_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Grid and cell widths both set, fixed layout: Word, WPS and LibreOffice keep the columns."""
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)


def loop_table(doc: DocxDocument, headers: Sequence[str], widths_cm: Sequence[float], loop: str,
               cells: Sequence[str], centred: Sequence[int] = (), margin_cm: float = 0.1) -> Table:
    """A table with a repeated header row and one docxtpl ``{%tr for %}`` row; the columns in
    ``centred`` (numbers, short labels) are centred."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    fix_widths(table, widths_cm)
    _narrow_cell_margins(table, margin_cm)
    for i, head in enumerate(headers):
        _cell_text(table.rows[0].cells[i], head, TABLE_HEAD)
        _cell_text(table.rows[2].cells[i], cells[i], TABLE_NUM if i in centred else TABLE_TEXT)
    _cell_text(table.rows[1].cells[0], f"{{%tr for {loop} %}}", TABLE_TEXT)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", TABLE_TEXT)
    _repeat_header(table.rows[0]._tr)
    _no_split(table.rows[2]._tr)
    return table


# ---------------------------------------------------------------- content
def para(doc: DocxDocument, text: str, style: str = BODY) -> Paragraph:
    return doc.add_paragraph(text, style=style)


def tag(doc: DocxDocument, text: str) -> None:
    """A paragraph that only holds a ``{%p ... %}`` tag (removed when rendered)."""
    para(doc, text)


def text_list(doc: DocxDocument, var: str, items: str, empty: str) -> None:
    """One paragraph per ``{var}.text`` in ``items``, or the ``empty`` text when there are none."""
    tag(doc, f"{{%p for {var} in {items} %}}")
    para(doc, f"{{{{ {var}.text }}}}")
    tag(doc, "{%p endfor %}")
    tag(doc, f"{{%p if not {items} %}}")
    para(doc, f"{{{{ {empty} }}}}")
    tag(doc, "{%p endif %}")


def plain_list(doc: DocxDocument, var: str, items: str) -> None:
    """One paragraph per ``{var}.text`` in ``items`` (nothing when empty)."""
    tag(doc, f"{{%p for {var} in {items} %}}")
    para(doc, f"{{{{ {var}.text }}}}")
    tag(doc, "{%p endfor %}")


def optional_para(doc: DocxDocument, expr: str) -> None:
    """A paragraph with the text ``expr``, left out when it is empty."""
    tag(doc, f"{{%p if {expr} %}}")
    para(doc, f"{{{{ {expr} }}}}")
    tag(doc, "{%p endif %}")


def optional_list(doc: DocxDocument, lead: str, lead_style: str, var: str, items: str) -> None:
    """A lead paragraph and one paragraph per ``{var}.text``, all left out when ``items`` is empty."""
    tag(doc, f"{{%p if {items} %}}")
    para(doc, lead, lead_style)
    tag(doc, f"{{%p for {var} in {items} %}}")
    para(doc, f"{{{{ {var}.text }}}}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def cover(doc: DocxDocument) -> None:
    """Cover and 目录 form their own section without page numbers; the body starts at page 1.
    The 目录 lists the headings from the context, so it is readable before Word updates it."""
    for _ in range(4):
        para(doc, "", SUBTITLE)
    para(doc, "{{ plan.name }}", TITLE)
    para(doc, "{{ report.kind }}报告", TITLE)
    for _ in range(8):
        para(doc, "", SUBTITLE)
    para(doc, "{{ report.author }}", SUBTITLE)
    para(doc, "{{ report.date }}", SUBTITLE)
    page_break(doc)
    para(doc, "目  录", TOC_TITLE)
    start = para(doc, "", "toc 1")
    field_start(start, 'TOC \\o "1-2" \\h \\z \\u')
    tag(doc, "{%p for h in toc %}")
    tag(doc, "{%p if h.level == 1 %}")
    para(doc, "{{ h.text }}", "toc 1")
    tag(doc, "{%p else %}")
    para(doc, "{{ h.text }}", "toc 2")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    end = para(doc, "", "toc 1")
    field_end(end)
    para(doc, "（目录页码在 Word/WPS 中打开时更新域后显示。）", TABLE_TEXT)
    doc.add_section(WD_SECTION.NEW_PAGE)
    para(doc, "{{ plan.name }}{{ report.kind }}报告", TITLE)
    para(doc, "", SUBTITLE)


def section_overview(doc: DocxDocument) -> None:
    para(doc, "一、规划实施总体情况", HEADING1)
    para(doc, "{{ overview.intro }}{{ overview.method }}")
    para(doc, "{{ overview.reporting }}")
    para(doc, "{{ overview.judgement }}")
    optional_para(doc, "overview.movements_text")
    optional_para(doc, "overview.achievements_text")


INDICATOR_HEADERS = ("序号", "指标", "单位", "属性", "基期值", "目标值", "当前值", "完成进度", "时间进度", "状态",
                     "预计")
# 15.6 cm, the text width; 〔16.22〕 and 基本符合预期 fit at 9 pt with 0.05 cm cell margins
INDICATOR_WIDTHS = (0.8, 2.65, 1.05, 1.2, 1.55, 1.55, 1.45, 1.35, 1.2, 1.6, 1.2)
INDICATOR_CELLS = (
    "{{ r.index }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.attribute }}",
    "{{ r.baseline_cell }}", "{{ r.target_cell }}", "{{ r.current_cell }}", "{{ r.progress_cell }}",
    "{{ r.time_progress }}", "{% cellbg r.status_color %}{{ r.status_cell }}", "{{ r.projection }}",
)


def section_indicators(doc: DocxDocument, annual: bool = False) -> None:
    para(doc, "二、主要指标完成情况", HEADING1)
    para(doc, "{{ counts.sentence }}")
    para(doc, "表1  主要指标完成情况", CAPTION)
    if annual:  # this year against the last instead of a projection to the plan's end
        loop_table(doc, (*INDICATOR_HEADERS[:-1], "较上年"), INDICATOR_WIDTHS, "r in indicators",
                   (*INDICATOR_CELLS[:-1], "{{ r.year_change }}"), centred=(0, *range(2, 11)), margin_cm=0.05)
    else:
        loop_table(doc, INDICATOR_HEADERS, INDICATOR_WIDTHS, "r in indicators", INDICATOR_CELLS,
                   centred=(0, *range(2, 11)), margin_cm=0.05)
    para(doc, "注：{{ counts.note }}", TABLE_TEXT)
    tag(doc, "{%p if charts.progress %}")
    para(doc, "{{ charts.progress }}", FIGURE)
    para(doc, "图1  主要指标完成进度与各自时间进度对比", CAPTION)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for g in indicator_groups %}")
    para(doc, "{{ g.heading }}", HEADING2)
    tag(doc, "{%p for r in g.indicators %}")
    para(doc, "{{ r.sentence }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")


def task_group(doc: DocxDocument, var: str) -> None:
    """A chapter (or the 专栏 group): summary, notable results, lagging tasks named."""
    para(doc, f"{{{{ {var}.heading }}}}", HEADING2)
    para(doc, f"{{{{ {var}.summary }}}}")
    optional_para(doc, f"{var}.highlights")
    tag(doc, f"{{%p for t in {var}.lagging %}}")
    para(doc, "{{ t.text }}")
    tag(doc, "{%p endfor %}")


def section_tasks(doc: DocxDocument) -> None:
    para(doc, "三、重点任务推进情况", HEADING1)
    para(doc, "{{ tasks.summary }}各单位报送的进展原文见同时生成的汇总表“重点任务”工作表。")
    tag(doc, "{%p for ch in chapters %}")
    task_group(doc, "ch")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if projects %}")
    task_group(doc, "projects")
    tag(doc, "{%p endif %}")


def section_problems(doc: DocxDocument) -> None:
    para(doc, "四、存在的问题", HEADING1)
    tag(doc, "{%p if problems.alerts %}")
    para(doc, "（一）约束性指标预警", HEADING2)
    plain_list(doc, "w", "problems.alerts")
    tag(doc, "{%p endif %}")
    para(doc, "{% if problems.alerts %}（二）{% else %}（一）{% endif %}部分指标进度滞后", HEADING2)
    text_list(doc, "w", "problems.indicators", "problems.no_indicator_problems")
    para(doc, "{% if problems.alerts %}（三）{% else %}（二）{% endif %}部分重点任务推进滞后", HEADING2)
    para(doc, "{% if problems.tasks_text %}{{ problems.tasks_text }}{% else %}{{ problems.no_task_problems }}{% endif %}")
    tag(doc, "{%p if problems.common %}")
    para(doc, "{% if problems.alerts %}（四）{% else %}（三）{% endif %}各单位反映的共性问题", HEADING2)
    para(doc, "{{ problems.common }}")
    tag(doc, "{%p endif %}")


def section_suggestions(doc: DocxDocument, annual: bool = False) -> None:
    para(doc, "五、下一步工作建议", HEADING1)
    para(doc, "（一）推动滞后指标加快达标", HEADING2)
    text_list(doc, "s", "suggestions.indicators", "suggestions.no_focus")
    tag(doc, "{%p if suggestions.tasks %}")
    para(doc, "（二）加快推进滞后任务", HEADING2)
    plain_list(doc, "s", "suggestions.tasks")
    tag(doc, "{%p endif %}")
    if annual:  # a yearly round does not propose adjusting the plan's targets
        tag(doc, "{%p if suggestions.plans or suggestions.views %}")
        para(doc, "{% if suggestions.tasks %}（三）{% else %}（二）{% endif %}各单位下一步打算和意见建议", HEADING2)
    else:
        para(doc, "{% if suggestions.tasks %}（三）{% else %}（二）{% endif %}指标调整建议", HEADING2)
        text_list(doc, "s", "suggestions.adjust", "suggestions.no_adjust")
        tag(doc, "{%p if suggestions.plans or suggestions.views %}")
        para(doc, "{% if suggestions.tasks %}（四）{% else %}（三）{% endif %}各单位下一步打算和意见建议", HEADING2)
    optional_para(doc, "suggestions.plans")
    optional_para(doc, "suggestions.views")
    tag(doc, "{%p endif %}")


def appendices(doc: DocxDocument) -> None:
    page_break(doc)
    para(doc, "附件1", HEADING1)
    para(doc, "主要指标分单位数据", TITLE)
    para(doc, "{{ appendix.values_note }}")
    table = doc.add_table(rows=4, cols=8)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = ("指标", "填报单位", "基期值", "{%tc for y in appendix.years %}", "{{ y }}年", "{%tc endfor %}",
             "完成进度", "说明")
    cells = ("{{ v.indicator }}", "{{ v.unit }}", "{{ v.baseline }}", "{%tc for x in v.cells %}", "{{ x }}",
             "{%tc endfor %}", "{{ v.progress }}", "{{ v.note }}")
    # The two tag columns vanish when rendered; with three years the grid is 2.8/2.0/1.4/1.5×3/2.6/2.3.
    fix_widths(table, (2.8, 2.0, 1.4, 1.5, 1.5, 1.5, 2.6, 2.3))
    _narrow_cell_margins(table)
    for i in range(8):
        _cell_text(table.rows[0].cells[i], heads[i], TABLE_HEAD)
        _cell_text(table.rows[2].cells[i], cells[i], TABLE_NUM if i in (2, 3, 4, 5, 6) else TABLE_TEXT)
    _cell_text(table.rows[1].cells[0], "{%tr for v in appendix.district_values %}", TABLE_TEXT)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", TABLE_TEXT)
    _repeat_header(table.rows[0]._tr)
    _no_split(table.rows[2]._tr)

    page_break(doc)
    para(doc, "附件2", HEADING1)
    para(doc, "各单位报送情况", TITLE)
    para(doc, "{{ appendix.reporting_note }}")
    loop_table(doc, ("填报单位", "类型", "报送情况", "报送时间", "是否按时", "审核结果"),
               (3.4, 1.3, 3.9, 3.0, 1.5, 2.5), "u in appendix.reporting",
               ("{{ u.unit }}", "{{ u.type }}", "{{ u.reported }}", "{{ u.received_at }}",
                "{{ u.timeliness }}", "{{ u.state }}"), centred=(1, 3, 4, 5))

    page_break(doc)
    para(doc, "附件3", HEADING1)
    para(doc, "审核情况", TITLE)
    para(doc, "{{ appendix.validation_note }}")
    tag(doc, "{%p for x in appendix.excluded %}")
    para(doc, "{{ x.text }}")
    tag(doc, "{%p endfor %}")
    loop_table(doc, ("填报单位", "指标或事项", "审核类别", "问题", "单位说明"),
               (2.6, 3.0, 1.6, 5.0, 3.4), "f in appendix.findings",
               ("{{ f.unit }}", "{{ f.location }}", "{{ f.severity }}", "{{ f.text }}",
                "{{ f.explanation }}"), centred=(2,))


def blank_document() -> DocxDocument:
    """A document with the GB/T 9704 styles, fonts and page set up, and no paragraphs."""
    doc = Document()
    define_styles(doc)
    add_font_table(doc)
    set_update_fields(doc)
    setup_page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def finish_document(doc: DocxDocument, title: str) -> DocxDocument:
    """Page numbers, the Chinese theme fonts and clean document properties."""
    page_numbers(doc)
    chinese_theme(doc)
    core = doc.core_properties
    core.title = title
    for attr in ("author", "comments", "keywords", "subject", "last_modified_by"):
        setattr(core, attr, "")
    return doc


def build_template(annual: bool = False) -> DocxDocument:
    """The evaluation report template; ``annual``: the 年度监测 variant (no 预计 column, no
    target-adjustment section: a yearly round says where the plan stands this year)."""
    doc = blank_document()
    cover(doc)
    section_overview(doc)
    section_indicators(doc, annual)
    section_tasks(doc)
    section_problems(doc)
    section_suggestions(doc, annual)
    appendices(doc)
    return finish_document(doc, ANNUAL_TEMPLATE_NAME.removesuffix(".docx") if annual
                           else TEMPLATE_NAME.removesuffix(".docx"))


def save_document(doc: DocxDocument, *paths: Path) -> None:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(path))


def write_template(*paths: Path, annual: bool = False) -> None:
    save_document(build_template(annual), *paths)


def main(argv: Sequence[str] | None = None) -> int:
    """``make_template [FILE…]``: the 中期评估 template to each FILE; without arguments both
    committed copies, and the packaged 年度监测 variant."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        write_template(*(Path(a) for a in args))
        return 0
    root = Path(__file__).resolve().parents[2]
    packaged = Path(__file__).resolve().parents[1] / "data" / "templates"
    write_template(root / "templates" / TEMPLATE_NAME, packaged / TEMPLATE_NAME)
    write_template(packaged / ANNUAL_TEMPLATE_NAME, annual=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
