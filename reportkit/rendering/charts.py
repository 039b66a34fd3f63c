"""The report's charts, as native Word charts (see :mod:`.word_chart`).

What each chart shows is decided here from the report context: the progress of every indicator
next to its own 时间进度, and how many indicators are in each status. Word, WPS or LibreOffice
draws them from the data when the report is opened, in the report's fonts, and the receiving office
can edit them as any chart of its own. A chart with nothing to show is left out (``None``): the
template's ``{%p if charts.progress %}`` then drops the figure and its caption.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from .. import formatting as fmt
from .word_chart import BarChart, Series

CHARTS = ("status", "progress")  # the keys of the template's ``charts``
MAX_BARS = 30  # more would not fit on a page at a readable size
PROGRESS_CAP = 150.0  # the bars stop here; the label still says the real figure
SCHEDULE_COLOR = "BFBFBF"
# Said on the axis rather than in a legend: a legend key has one colour, and the progress bars take
# their status's (and renderers disagree on which legend entry an index names).
VALUE_TITLE = "彩色条为完成进度（颜色同表1完成情况，超过150%的按150%绘制），灰色条为该指标的时间进度（%）"


def _short(name: str, limit: int = 16) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def progress_chart(rows: Sequence[Mapping[str, Any]], created: dt.datetime | None = None) -> BarChart | None:
    """Horizontal bars of 完成进度 per indicator (coloured by status as in table 1, labelled with the
    figure the report prints) above a grey bar at that indicator's own 时间进度 (an indicator judged on a
    2022 figure against 40%, not the 60% line). Bars stop at 150%. With more than ``MAX_BARS``
    indicators only those furthest behind their schedule are shown, and the title says so, so the
    chart always fits on one page. None when no indicator has a 完成进度."""
    usable = [r for r in rows if r.get("progress_value") not in (None, "")]
    if not usable:
        return None
    title = "主要指标完成进度与各自时间进度对比"
    if len(usable) > MAX_BARS:
        usable = sorted(usable, key=lambda r: float(r["progress_value"]) - float(r["time_progress_value"]))[:MAX_BARS]
        title += f"（完成进度较时间进度最低的{MAX_BARS}项）"
    # As the label rounds it (fmt.percent), so the workbook behind the chart says the same figure.
    values = (fmt.round_half_up(float(r["progress_value"]), 1) or 0.0 for r in usable)
    progress = Series("完成进度", tuple(max(min(v, PROGRESS_CAP), 0.0) for v in values),
                      color="4472C4", point_colors=tuple(str(r["status_color"]) for r in usable),
                      labels=tuple(str(r["progress"]) for r in usable))
    schedule = Series("该指标的时间进度", tuple(float(r["time_progress_value"]) for r in usable),
                      color=SCHEDULE_COLOR, outline="808080")
    return BarChart(title, tuple(_short(str(r["name"])) for r in usable), (progress, schedule), horizontal=True,
                    value_title=VALUE_TITLE, value_max=PROGRESS_CAP, major_unit=25, value_format='0"%"',
                    height_cm=min(max(6.0, 0.8 * len(usable) + 3.2), 22.0), created=created)


def status_chart(by_status: Sequence[Mapping[str, Any]], created: dt.datetime | None = None) -> BarChart | None:
    """Columns of indicator counts per status (``context['counts']['by_status']``), each in its
    status colour and labelled ``N 项``; None when there is no indicator."""
    counts = tuple(float(int(s["count"])) for s in by_status)
    if not any(counts):
        return None
    top = max(counts)
    step = 1.0 if top <= 10 else float(math.ceil(top / 8))
    series = Series("指标数", counts, color="4472C4", point_colors=tuple(str(s["color"]) for s in by_status),
                    label_format='0" 项"', show_values=True)
    return BarChart("主要指标完成情况分布", tuple(str(s["status"]) for s in by_status), (series,), horizontal=False,
                    value_title="指标数（项）", value_max=math.ceil(top * 1.2 / step) * step, major_unit=step,
                    value_format="0", height_cm=7.0, gap_width=80, created=created)


def report_charts(by_status: Sequence[Mapping[str, Any]], indicators: Sequence[Mapping[str, Any]],
                  created: dt.datetime | None = None) -> dict[str, BarChart | None]:
    """The report's charts, keyed as the template's ``charts``, from the report context's
    ``counts.by_status`` and ``indicators`` (``created``: the report's time, which the charts'
    workbooks carry). Made in a few milliseconds; a chart the template does not show is never
    put into the document."""
    return {"status": status_chart(by_status, created), "progress": progress_chart(indicators, created)}
