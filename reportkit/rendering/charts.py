"""Report charts (matplotlib, Agg) with Chinese text from the font shipped in the package.

The font is a GB2312 subset of Noto Sans CJK SC (``reportkit/data/fonts``, SIL Open Font
License; ``tools/make_chart_font.py`` makes it): 1.7 MB to load instead of a 19 MB collection.
A character outside it (a rare character in a name) is drawn from an installed Noto Sans CJK SC
when there is one. The font is registered with matplotlib's font manager once; every rcParam is set inside an
``rc_context`` and figures are drawn on an Agg canvas without pyplot, so importing or
calling this module changes no global backend or state.

matplotlib is imported when a chart is drawn, not with this module. A build draws its charts in
a child process (:class:`ChartDrawer`) that imports matplotlib and loads the font while the
figures are evaluated, and draws once they are known.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..intake.isolate import Prepared

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CJK_FAMILY = "Reportkit Chart Sans SC"
FONT_PATH = Path(__file__).resolve().parents[1] / "data" / "fonts" / "ReportkitChartSansSC-Regular.otf"
FALLBACK_FAMILIES = ["Noto Sans CJK SC", "DejaVu Sans"]
DPI = 200


@cache
def cjk_font_registered() -> bool:
    """Register the shipped chart font with matplotlib (once)."""
    if not FONT_PATH.is_file():
        return False
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_PATH))
    return True


def _rc() -> dict[Any, Any]:  # matplotlib types the keys as a Literal of every rc name
    cjk_font_registered()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [CJK_FAMILY, *FALLBACK_FAMILIES],
        "axes.unicode_minus": False,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def status_chart(by_status: Sequence[dict[str, Any]]) -> bytes:
    """Bar chart of indicator counts per status; ``by_status`` as in ``context['counts']['by_status']``."""
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig, ax = _figure(6.0, 2.8)
        labels = [s["status"] for s in by_status]
        counts = [int(s["count"]) for s in by_status]
        bars = ax.bar(labels, counts, color=[f"#{s['color']}" for s in by_status], edgecolor="#595959",
                      linewidth=0.6)
        for bar, n in zip(bars, counts, strict=True):
            ax.annotate(f"{n} 项", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", xytext=(0, 2), textcoords="offset points")
        ax.set_ylabel("指标数（项）")
        ax.set_ylim(0, max([*counts, 1]) * 1.25)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title("主要指标完成情况分布")
        return _png(fig)


MAX_BARS = 30  # more would not fit on a page at a readable size


def progress_chart(rows: Sequence[dict[str, Any]]) -> bytes:
    """Horizontal bars of 完成进度 per indicator, each with a mark at its own 时间进度 (an
    indicator judged on a 2022 figure against 40%, not the 60% line); capped at 0–150%.
    With more than ``MAX_BARS`` indicators only those furthest behind their schedule are drawn,
    and the title says so, so the chart always fits on one page."""
    usable = [r for r in rows if r.get("progress_value") not in (None, "")]
    title = "主要指标完成进度与各自时间进度对比"
    if len(usable) > MAX_BARS:
        usable = sorted(usable, key=lambda r: float(r["progress_value"]) - float(r["time_progress_value"]))[:MAX_BARS]
        title += f"（滞后最多的{MAX_BARS}项）"
    import matplotlib

    with matplotlib.rc_context(_rc()):
        height = min(max(2.4, 0.3 * len(usable) + 1.3), 9.0)
        fig, ax = _figure(6.0, height)
        names = [_short(r["name"]) for r in usable][::-1]
        values = [max(min(float(r["progress_value"]), 150.0), 0.0) for r in usable][::-1]
        schedules = [float(r["time_progress_value"]) for r in usable][::-1]
        colors = [f"#{r['status_color']}" for r in usable][::-1]
        ax.barh(names, values, color=colors, edgecolor="#595959", linewidth=0.6)
        for y, (value, r) in enumerate(zip(values, usable[::-1], strict=True)):
            ax.annotate(str(r["progress"]), (value, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        if usable:
            ax.scatter(schedules, range(len(schedules)), marker="|", s=260, color="#C00000", linewidths=2,
                       label="该指标的时间进度", zorder=3)
            ax.legend(loc="lower right", frameon=False, fontsize=8)
        ax.set_xlim(0, 150)
        ax.set_xlabel("完成进度（%，超过150%的按150%显示）")
        if not usable:
            ax.text(75, 0.5, "暂无可计算完成进度的指标", ha="center", va="center", transform=ax.transData)
        ax.set_title(title)
        return _png(fig)


def _short(name: str, limit: int = 16) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# ---------------------------------------------------------------- the report's charts
_PROGRESS_KEYS = ("name", "progress", "progress_value", "time_progress_value", "status_color")


CHARTS = ("status", "progress")  # the keys of the template's ``charts``


def chart_inputs(ctx: Mapping[str, Any], wanted: Collection[str] | None = None) -> dict[str, Any]:
    """What the report's charts (those ``wanted``; None: all) are drawn from, taken out of the
    report context (small: one row per indicator, only the keys the charts read)."""
    inputs = {"status": lambda: [dict(s) for s in ctx["counts"]["by_status"]],
              "progress": lambda: [{k: r.get(k) for k in _PROGRESS_KEYS} for r in ctx["indicators"]]}
    return {key: make() for key, make in inputs.items() if wanted is None or key in wanted}


def draw_charts(inputs: Mapping[str, Any]) -> dict[str, bytes]:
    """The charts ``inputs`` holds data for, as PNG bytes keyed as in the template's ``charts``;
    the others are empty (a template shows nothing for them)."""
    draw = {"status": status_chart, "progress": progress_chart}
    return {key: draw[key](inputs[key]) if key in inputs else b"" for key in CHARTS}


def prepare() -> None:
    """Import matplotlib's drawing modules and register the font, ahead of drawing."""
    from matplotlib.backends import backend_agg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    cjk_font_registered()


class ChartDrawer(Prepared[dict[str, Any], dict[str, bytes]]):
    """The report's charts drawn in a child process forked when this is made (while the build
    process is still small): told to :meth:`go`, it imports matplotlib while the build
    evaluates, and draws when sent :func:`chart_inputs`. The PNGs are the same as drawn in this
    process."""

    def __init__(self) -> None:
        super().__init__(prepare, draw_charts, hold=True)
