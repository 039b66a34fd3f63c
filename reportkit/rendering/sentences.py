"""One sentence per indicator, generated from the numbers.

The sentence is also given as its parts (subject, value, progress, schedule, status,
projection), so a coordinator can reword it in the template, e.g.
``{{ r.parts.subject }}{{ r.parts.value }}，{{ r.parts.schedule }}。``.
"""

from __future__ import annotations

from ..definitions.model import Kind
from ..evaluation.types import IndicatorResult, ProgressMethod, Status
from . import formatting as fmt

STATUS_PHRASES = {
    Status.ACHIEVED: "已提前实现规划目标",
    Status.AHEAD: "进度快于预期",
    Status.ON_TRACK: "进度基本符合预期",
    Status.LAGGING: "进度滞后",
    Status.UNKNOWN: "暂无法评估",
    Status.NOT_DUE: "尚未到完成时限",
    Status.MET: "已实现规划目标",
    Status.NOT_MET: "未实现规划目标",
}

# Methods where 完成进度 is a share of the planned change; the others are met / not met.
_SHARE_METHODS = {ProgressMethod.FLOOR, ProgressMethod.CEILING, ProgressMethod.NEW}


def value_phrase(r: IndicatorResult) -> str:
    """``2023年达到 18.6 万户`` / ``规划期累计新增 3.2 万户`` / ``2022年已完成``."""
    ind = r.indicator
    m = r.milestone
    if m is not None and m.done_year is not None:
        return f"{m.done_year}年已完成"
    if m is not None:
        return "截至评估时尚未完成" if r.current is not None else "暂无完成情况报告"
    if r.current is None:
        return "暂无数据"
    if ind.kind is Kind.MILESTONE:
        return fmt.indicator_value(ind, r.current)
    shown = fmt.spaced_with_unit(fmt.indicator_value(ind, r.current), ind.unit)
    if ind.kind is Kind.NEW or r.method is ProgressMethod.NEW:
        return f"规划期累计新增 {shown}"
    year = f"{r.current_year}年" if r.current_year else ""
    return f"{year}达到 {shown}"


def progress_phrase(r: IndicatorResult) -> str:
    """``完成规划目标的 85.2%`` or, for met / not-met methods, whether the target is met."""
    if r.progress is None:
        return ""
    if r.method in _SHARE_METHODS:
        return f"完成规划目标的 {fmt.percent(r.progress)}"
    target = r.indicator.target.display()
    return f"已达到规划目标（{target}）" if r.progress >= 100 else f"尚未达到规划目标（{target}）"


def schedule_phrase(r: IndicatorResult) -> str:
    """``快于时间进度 25.2 个百分点`` / ``慢于……`` / ``与时间进度持平``; for a growth-rate
    target, the yearly growth achieved against the one required."""
    if r.growth_required is not None and r.growth_achieved is not None:
        return f"{r.baseline_year}年以来年均增长 {r.growth_achieved:.1f}%，规划要求年均增长 {r.growth_required:g}%"
    if r.gap is None or r.method not in _SHARE_METHODS or r.final:
        return ""
    if round(r.gap, 1) == 0:
        return "与时间进度持平"
    word = "快于" if r.gap > 0 else "慢于"
    return f"{word}时间进度 {fmt.points(r.gap)} 个百分点"


def status_phrase(r: IndicatorResult) -> str:
    m = r.milestone
    if m is not None and m.state.value == "已完成":
        text = {"提前": f"早于完成时限（{m.due.label}）", "按期": f"在完成时限（{m.due.label}）内按期完成",
                "逾期": f"晚于完成时限（{m.due.label}）"}.get(m.timing, "已完成")
    elif m is not None and m.state.value == "逾期未完成":
        text = f"已超过完成时限（{m.due.label}），逾期未完成"
    elif m is not None and m.state.value == "未到期":
        text = f"完成时限为{m.due.label}，尚未到期"
    elif r.maintained and r.broken_years:
        text = f"{'、'.join(str(y) for y in r.broken_years)}年未达到，未能保持规划目标"
    elif r.maintained and r.status is Status.ACHIEVED and r.years_checked:
        text = "各年均保持规划目标"
    else:
        text = STATUS_PHRASES[r.status]
    if r.alert:
        text += "，作为约束性指标需予以预警"
    return text


def projection_phrase(r: IndicatorResult) -> str:
    p = r.projection
    if p is None or not p.text.strip():
        return ""
    return p.text.strip().rstrip("。")


def coverage_phrase(r: IndicatorResult, unit_names: dict[str, str]) -> str:
    if not r.partial:
        return ""
    names = [unit_names.get(u, u) for u in r.missing]
    missing = "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:3])}等 {len(names)} 个单位"
    return f"（{r.coverage} 个单位报送，{missing}未报送，为不完全汇总数）"


def subject(r: IndicatorResult) -> str:
    return r.indicator.name


def sentence_parts(r: IndicatorResult, unit_names: dict[str, str]) -> dict[str, str]:
    return {
        "subject": subject(r),
        "value": value_phrase(r),
        "progress": progress_phrase(r),
        "schedule": schedule_phrase(r),
        "status": status_phrase(r),
        "projection": projection_phrase(r),
        "coverage": coverage_phrase(r, unit_names),
        "reason": r.reason.strip().rstrip("。"),
        "baseline": baseline_phrase(r),
    }


def baseline_phrase(r: IndicatorResult) -> str:
    """Where the baseline came from when it is not the plan's printed value, and the
    indicator's own years when they differ from the plan's (``以2019年为基期、2024年为目标年``)."""
    o = r.baseline_origin
    parts = []
    if o is not None and o.source == "returns" and o.value is not None:
        parts.append(o.text)
    if r.target_note:
        parts.append(r.target_note)
    return "；".join(parts)


def compose(r: IndicatorResult, parts: dict[str, str]) -> str:
    """The default wording, from the parts."""
    if r.status is Status.UNKNOWN:
        reason = f"，{parts['reason']}" if parts["reason"] else ""
        return f"{parts['subject']}{parts['coverage']}暂无法评估{reason}。"
    clauses = [parts["value"] + parts["coverage"]]
    if r.milestone is not None or r.maintained or r.final:
        clauses.append(parts["status"])
        if r.final and r.progress is not None and r.method in _SHARE_METHODS and r.status is Status.NOT_MET:
            clauses.append(parts["progress"])
    elif r.status is Status.ACHIEVED:
        clauses.append(f"{parts['status']}（目标值 {r.indicator.target.display()}）")
    else:
        clauses.extend(p for p in (parts["progress"], parts["schedule"], parts["status"]) if p)
    text = f"{parts['subject']}{'，'.join(c for c in clauses if c)}。"
    if parts.get("baseline"):
        text += f"{parts['baseline']}。"
    if parts["projection"] and not r.final and r.milestone is None:
        text += f"{parts['projection']}。"
    return text
