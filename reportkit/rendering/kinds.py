"""Which document a plan's round is written as, and its default template.

A work plan's round is a short 落实情况通报 (with the 督办台账); a five-year plan's yearly round
a 年度监测报告 (this year against the schedule, no target adjustment, no projection beyond the
year); 中期评估 and 总结评估 keep the full evaluation report.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import formatting as fmt
from ..definitions.model import EvaluationKind, PlanInfo

if TYPE_CHECKING:
    from ..evaluation import Evaluation, IndicatorResult

TEMPLATE_NAME = "中期评估报告模板.docx"
ANNUAL_TEMPLATE = "年度监测报告模板.docx"
BULLETIN_TEMPLATE = "落实情况通报模板.docx"
PACKAGED_TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"


def template_name(info: PlanInfo) -> str:
    """The default template file name for the plan's kind of document."""
    if info.is_work_plan:
        return BULLETIN_TEMPLATE
    if info.evaluation_kind is EvaluationKind.ANNUAL:
        return ANNUAL_TEMPLATE
    return TEMPLATE_NAME


def document_title(info: PlanInfo) -> str:
    """落实情况通报 / 年度监测报告 / 中期评估报告 / 总结评估报告."""
    kind = info.document_kind
    return kind if kind.endswith("通报") else f"{kind}报告"


def within_the_year(ev: Evaluation) -> Evaluation:
    """A yearly round (年度监测, a work plan's round) says where each indicator stands this year:
    no projection to the end of a plan period."""
    from ..evaluation.projection import no_projection

    if not (ev.info.is_work_plan or ev.info.evaluation_kind is EvaluationKind.ANNUAL):
        return ev
    reason = "年度监测只评价本年度进展，不作预计" if not ev.info.is_work_plan else "按本轮截止时的数值评价，不作预计"
    # the reason stays in the evaluation's data; the report's sentences say nothing about it
    return replace(ev, indicators=tuple(
        replace(r, projection=replace(no_projection(r.target_year or ev.info.target_year, reason), text="")) for r in ev.indicators))


_PROJECTION_NOTE = "“预计”为按已有年度数据外推的预测，不代表实际完成情况；"


def fit_context(ctx: dict[str, Any], info: PlanInfo) -> dict[str, Any]:
    """The report context for the plan's kind of document: a yearly round has no projection,
    so its notes do not explain one."""
    if not (info.is_work_plan or info.evaluation_kind is EvaluationKind.ANNUAL):
        return ctx
    counts = dict(ctx.get("counts", {}))
    if isinstance(counts.get("note"), str):
        counts["note"] = counts["note"].replace(_PROJECTION_NOTE, "")
    return {**ctx, "counts": counts}


def previous_year(r: IndicatorResult) -> tuple[int, float] | None:
    """(year, value) of the year before the indicator's latest figure: its roll-up, or the
    baseline when that year is the baseline year; None when not known, or when either year's
    roll-up misses units (two partial totals need not cover the same units)."""
    if r.current is None or r.current_year is None or r.partial:
        return None
    year = r.current_year - 1
    for roll in r.rollups:
        if roll.year == year:
            return (year, roll.value) if roll.value is not None and not roll.partial else None
    if year == r.baseline_year and r.baseline is not None:
        return year, r.baseline
    return None


def year_change(r: IndicatorResult, *, with_unit: bool = False) -> str:
    """The latest figure against the year before: ``+2.3个百分点`` for a percentage, else the
    signed difference (``+0.70``; ``+0.70万户`` ``with_unit``); ``持平``; ``—`` when not known."""
    before = previous_year(r)
    if before is None or r.current is None:
        return fmt.NONE_TEXT
    ind = r.indicator
    diff = r.current - before[1]
    if abs(diff) < 0.5 * 10 ** -max(ind.decimals, 1):
        return "持平"
    sign = "+" if diff > 0 else "-"
    if ind.is_percent:
        return f"{sign}{fmt.points_text(abs(diff))}"
    if with_unit:
        return f"{sign}{fmt.figure(abs(diff), ind.unit, ind.decimals)}"
    return f"{sign}{fmt.number(abs(diff), ind.decimals)}"
