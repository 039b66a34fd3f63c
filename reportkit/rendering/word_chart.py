"""Native Word charts (DrawingML ``c:chartSpace`` parts) for the report.

A chart is written as the chart part Word itself writes: the numbers and labels in the part's
caches (what Word, WPS and LibreOffice draw from) and the same table in an embedded workbook (what
Word's 编辑数据 opens), so the office receiving the report can restyle or correct a chart as
any chart it made itself. Text takes the report's fonts (宋体/黑体, Times New Roman for Latin
text) and prints sharp at any size; nothing is rasterised when the report is made.

:class:`BarChart` is what a chart shows; :func:`chart_xml` and :func:`chart_workbook` write its
parts; :class:`WordChart` puts it into a docxtpl rendering where the template has
``{{ charts.<name> }}`` (as docxtpl's ``InlineImage`` does for a picture).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from ..sheettext import clean, new_xlsx

EMU_PER_CM = 360000
SHEET = "Sheet1"
LATIN_FONT = "Times New Roman"
TEXT_FONT = "宋体"
TITLE_FONT = "黑体"
AXIS_LINE = "808080"
GRID_LINE = "D9D9D9"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


@dataclass(frozen=True)
class Series:
    """One series: a value per category, an optional colour per point (hex ``RRGGBB``) and an
    optional label per point (the text shown at the bar's end, as the report prints it)."""

    name: str
    values: tuple[float, ...]
    color: str
    point_colors: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    label_format: str = "General"  # when the series shows its values without ``labels``
    show_values: bool = False
    outline: str = "595959"


@dataclass(frozen=True)
class BarChart:
    """Bars per category: horizontal (``horizontal``: categories top to bottom, as read) or columns."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool
    value_title: str
    value_max: float | None = None
    major_unit: float | None = None
    value_format: str = "General"
    width_cm: float = 15.0
    height_cm: float = 7.0
    legend: bool = False
    gap_width: int = 60
    created: dt.datetime | None = None  # the embedded workbook's creation time (the report's); None: now

    def __bool__(self) -> bool:
        return bool(self.categories)


# ---------------------------------------------------------------- the chart part
def _text(value: object) -> str:
    return escape(clean(value))


def _attr(value: object) -> str:
    return escape(clean(value), {'"': "&quot;"})


def _num(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def _fonts(size_pt: float, *, bold: bool = False, east_asian: str = TEXT_FONT, color: str = "000000") -> str:
    return (f'<a:defRPr sz="{round(size_pt * 100)}" b="{int(bold)}">'
            f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
            f'<a:latin typeface="{LATIN_FONT}"/><a:ea typeface="{east_asian}"/><a:cs typeface="{LATIN_FONT}"/>'
            "</a:defRPr>")


def _tx_pr(size_pt: float, **kw: Any) -> str:
    return f"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_fonts(size_pt, **kw)}</a:pPr>" \
           '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'


def _rich(text: str, size_pt: float, **kw: Any) -> str:
    return (f"<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_fonts(size_pt, **kw)}</a:pPr>"
            f'<a:r><a:rPr lang="zh-CN"/><a:t>{_text(text)}</a:t></a:r></a:p></c:rich>')


def _title(text: str, size_pt: float, *, bold: bool = False, east_asian: str = TEXT_FONT) -> str:
    return (f"<c:title><c:tx>{_rich(text, size_pt, bold=bold, east_asian=east_asian)}</c:tx>"
            '<c:overlay val="0"/></c:title>')


def _line(color: str, width_emu: int = 9525) -> str:
    return f'<a:ln w="{width_emu}"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln>'


def _fill(color: str, outline: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>{_line(outline, 6350)}</c:spPr>'


def _column(index: int) -> str:
    return chr(ord("B") + index)  # a chart here has at most a few series


def _str_cache(ref: str, values: Sequence[str]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{_text(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return f'<c:strRef><c:f>{ref}</c:f><c:strCache><c:ptCount val="{len(values)}"/>{points}</c:strCache></c:strRef>'


def _num_cache(ref: str, values: Sequence[float]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{_num(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return (f"<c:numRef><c:f>{ref}</c:f><c:numCache><c:formatCode>General</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


_SHOW = ('<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
         '<c:showPercent val="0"/><c:showBubbleSize val="0"/>')
_HIDE = _SHOW.replace('<c:showVal val="1"/>', '<c:showVal val="0"/>')


def _labels(series: Series) -> str:
    if not (series.labels or series.show_values):
        return ""
    own = "".join(f'<c:dLbl><c:idx val="{i}"/><c:tx>{_rich(text, 8)}</c:tx>'
                  f'<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:dLblPos val="outEnd"/>{_SHOW}</c:dLbl>'
                  for i, text in enumerate(series.labels))
    return (f'<c:dLbls>{own}<c:numFmt formatCode="{_attr(series.label_format)}" sourceLinked="0"/>'
            f'<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{_tx_pr(8)}<c:dLblPos val="outEnd"/>{_SHOW}'
            "</c:dLbls>")


def _series(chart: BarChart, index: int, series: Series) -> str:
    last = len(chart.categories) + 1
    column = _column(index)
    points = "".join(f'<c:dPt><c:idx val="{i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>'
                     f"{_fill(color, series.outline)}</c:dPt>" for i, color in enumerate(series.point_colors))
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
            f"<c:tx>{_str_cache(f'{SHEET}!${column}$1', [series.name])}</c:tx>"
            f'{_fill(series.color, series.outline)}<c:invertIfNegative val="0"/>{points}{_labels(series)}'
            f"<c:cat>{_str_cache(f'{SHEET}!$A$2:$A${last}', chart.categories)}</c:cat>"
            f"<c:val>{_num_cache(f'{SHEET}!${column}$2:${column}${last}', series.values)}</c:val></c:ser>")


_CAT_AXIS, _VALUE_AXIS = 500010, 500020


def chart_xml(chart: BarChart) -> bytes:
    """The ``c:chartSpace`` part of ``chart`` (its data refers to :func:`chart_workbook`'s sheet)."""
    scaling = '<c:orientation val="maxMin"/>' if chart.horizontal else '<c:orientation val="minMax"/>'
    value_scaling = '<c:orientation val="minMax"/>' + \
                    (f'<c:max val="{_num(chart.value_max)}"/>' if chart.value_max is not None else "") + '<c:min val="0"/>'
    axis_line = f"<c:spPr>{_line(AXIS_LINE)}</c:spPr>"
    grid = f"<c:majorGridlines><c:spPr>{_line(GRID_LINE)}</c:spPr></c:majorGridlines>"
    category_axis = (
        f'<c:catAx><c:axId val="{_CAT_AXIS}"/><c:scaling>{scaling}</c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{"l" if chart.horizontal else "b"}"/><c:numFmt formatCode="General" sourceLinked="1"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{axis_line}{_tx_pr(8)}<c:crossAx val="{_VALUE_AXIS}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>')
    # Categories read top to bottom (maxMin) put the value axis at the top unless it crosses at the end.
    value_axis = (
        f'<c:valAx><c:axId val="{_VALUE_AXIS}"/><c:scaling>{value_scaling}</c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{"b" if chart.horizontal else "l"}"/>{grid}{_title(chart.value_title, 8)}'
        f'<c:numFmt formatCode="{_attr(chart.value_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{axis_line}{_tx_pr(8)}<c:crossAx val="{_CAT_AXIS}"/>'
        f'<c:crosses val="{"max" if chart.horizontal else "autoZero"}"/><c:crossBetween val="between"/>'
        + (f'<c:majorUnit val="{_num(chart.major_unit)}"/>' if chart.major_unit else "") + "</c:valAx>")
    series = "".join(_series(chart, i, s) for i, s in enumerate(chart.series))
    legend = f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_tx_pr(8)}</c:legend>' if chart.legend else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f"<c:chart>{_title(chart.title, 10.5, bold=True, east_asian=TITLE_FONT)}"
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="{"bar" if chart.horizontal else "col"}"/><c:grouping val="clustered"/>'
        f'<c:varyColors val="0"/>{series}<c:gapWidth val="{chart.gap_width}"/>'
        f'<c:axId val="{_CAT_AXIS}"/><c:axId val="{_VALUE_AXIS}"/></c:barChart>'
        f'{category_axis}{value_axis}<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>'
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f"<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{_tx_pr(9)}"
        '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>").encode()


def chart_workbook(chart: BarChart) -> bytes:
    """The chart's table as a workbook (categories in A, a series per column from B), the data
    Word's 编辑数据 opens; the chart part's references point at its cells."""
    buf = io.BytesIO()
    wb = new_xlsx(buf, in_memory=True)
    if chart.created is not None:  # so that the same report rendered again is the same bytes
        wb.set_properties({"created": chart.created})
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, "")
    for col, series in enumerate(chart.series, start=1):
        ws.write_string(0, col, clean(series.name))
        for row, value in enumerate(series.values, start=1):
            ws.write_number(row, col, value)
    for row, name in enumerate(chart.categories, start=1):
        ws.write_string(row, 0, clean(name))
    ws.set_column(0, 0, 36)
    ws.set_column(1, len(chart.series), 14)
    wb.close()
    return buf.getvalue()


# ---------------------------------------------------------------- into the document
class WordChart:
    """``chart`` where a docxtpl template shows it: rendering ``{{ charts.x }}`` adds the chart
    part (and its workbook) to the document being rendered and puts an inline chart in a run of
    its own there, at the chart's size."""

    def __init__(self, tpl: Any, chart: BarChart) -> None:
        self.tpl, self.chart = tpl, chart

    def __bool__(self) -> bool:
        return bool(self.chart)

    def _insert(self) -> str:
        part = self.tpl.current_rendering_part
        package = part.package
        chart_part = Part(package.next_partname("/word/charts/chart%d.xml"), CT.DML_CHART, chart_xml(self.chart),
                          package)
        number = int(str(chart_part.partname).rsplit("chart", 1)[1].split(".")[0])
        book = Part(PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"), CT.SML_SHEET,
                    chart_workbook(self.chart), package)
        chart_part.relate_to(book, RT.PACKAGE)  # rId1, as the part's externalData says
        rid = part.relate_to(chart_part, RT.CHART)
        shape_id = part.next_id + 1000 + number  # unique among the document's drawings
        cx, cy = round(self.chart.width_cm * EMU_PER_CM), round(self.chart.height_cm * EMU_PER_CM)
        inline = (
            f'<wp:inline xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{shape_id}" name="图表 {number}" descr="{_attr(self.chart.title)}"/>'
            "<wp:cNvGraphicFramePr/>"
            f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_C}">'
            f'<c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>')
        return f'</w:t></w:r><w:r><w:drawing>{inline}</w:drawing></w:r><w:r><w:t xml:space="preserve">'

    def __str__(self) -> str:
        return self._insert()

    def __html__(self) -> str:
        return self._insert()
