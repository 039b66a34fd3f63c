"""One paragraph per indicator, generated from the numbers.

The paragraph is also given as its parts (subject, series, movement, progress, schedule,
status, projection, caveat), so a coordinator can reword it in the template, e.g.
``{{ r.parts.subject }}{{ r.parts.series }}，{{ r.parts.progress }}。``.

Every figure is written by :func:`formatting.figure` (unit attached, the indicator's own
decimals); percentages say what they are a share of ("完成规划期增长目标（由0.6712万件增至
1万件）的58.2%"), and falling indicators use falling verbs (降至, 下降).
"""

from __future__ import annotations

import math
import re

from .. import formatting as fmt
from ..definitions.model import Kind
from ..evaluation.types import IndicatorResult, ProgressMethod, Status

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
SHARE_METHODS = {ProgressMethod.FLOOR, ProgressMethod.CEILING, ProgressMethod.NEW}


def fig(r: IndicatorResult, value: float | None) -> str:
    """A value of this indicator as the report writes it (``15.95万户``)."""
    ind = r.indicator
    if ind.kind is Kind.MILESTONE:
        return fmt.indicator_value(ind, value)
    return fmt.figure(value, ind.unit, ind.decimals)


def plan_fig(r: IndicatorResult, value: float | None) -> str:
    """A baseline or target as the plan states it: ``20万户``, not ``20.00万户``."""
    ind = r.indicator
    if value is None or ind.kind is Kind.MILESTONE:
        return fig(r, value)
    return fmt.with_unit(fmt.trimmed(value, max(ind.decimals, 0)), ind.unit)


def baseline_year(r: IndicatorResult, default: int | None = None) -> int:
    """The indicator's own base year (from the evaluation), else ``default``."""
    if r.baseline_year is not None:
        return r.baseline_year
    return default if default is not None else min((ru.year for ru in r.rollups), default=0)


def series_phrase(r: IndicatorResult, base_year: int) -> str:
    """``2021年、2022年、2023年分别为12.88万户、14.35万户、15.95万户`` (新增: 分别新增)."""
    ind = r.indicator
    points = [(ru.year, ru.value) for ru in r.rollups if ru.value is not None and ru.year > base_year]
    if not points or ind.kind is Kind.MILESTONE:
        return ""
    verb = "新增" if ind.kind is Kind.NEW or r.method is ProgressMethod.NEW else "为"
    if len(points) == 1:
        year, value = points[0]
        return f"{year}年{verb}{fig(r, value)}"
    years = "、".join(f"{y}年" for y, _ in points)
    values = "、".join(fig(r, v) for _, v in points)
    return f"{years}分别{verb}{values}"


def movement_phrase(r: IndicatorResult, base_year: int) -> str:
    """Against the base year: ``比2020年（11.59万户）增加4.36万户`` / ``下降0.5个百分点``."""
    ind = r.indicator
    if (r.current is None or r.baseline is None or ind.kind in (Kind.NEW, Kind.MILESTONE)
            or r.method is ProgressMethod.NEW):
        return ""
    diff = r.current - r.baseline
    base = f"比{base_year}年（{plan_fig(r, r.baseline)}）"
    if round(diff, ind.decimals) == 0:
        return f"与{base_year}年（{plan_fig(r, r.baseline)}）持平"
    if ind.is_percent:
        return f"{base}{'提高' if diff > 0 else '下降'}{fmt.points_text(diff)}"
    return f"{base}{'增加' if diff > 0 else '减少'}{fmt.figure(abs(diff), ind.unit, ind.decimals)}"


def progress_phrase(r: IndicatorResult) -> str:
    """What the percentage is a share of: ``完成规划期增长目标（由11.59万户增至20万户）的51.8%``."""
    if r.progress is None:
        return ""
    target = plan_fig(r, r.target) if r.target is not None else r.indicator.target.display()
    share = fmt.percent(r.progress)
    if r.progress < 0 and r.method in (ProgressMethod.FLOOR, ProgressMethod.CEILING):
        goal = (f"由{plan_fig(r, r.baseline)}{'增至' if r.method is ProgressMethod.FLOOR else '降至'}{target}")
        return f"与规划目标（{goal}）方向相反，完成进度为{share}"
    if r.method is ProgressMethod.FLOOR:
        return f"完成规划期增长目标（由{plan_fig(r, r.baseline)}增至{target}）的{share}"
    if r.method is ProgressMethod.CEILING:
        return f"完成规划期下降目标（由{plan_fig(r, r.baseline)}降至{target}）的{share}"
    if r.method is ProgressMethod.NEW:
        return f"完成规划期新增目标（{target}）的{share}"
    if r.indicator.kind is Kind.MILESTONE:
        return ""
    shown = r.indicator.target.display()
    return f"达到规划目标（{shown}）" if r.progress >= 100 else f"尚未达到规划目标（{shown}）"


def schedule_phrase(r: IndicatorResult) -> str:
    """``快于时间进度（60%）25.2个百分点`` / ``慢于……`` / ``与时间进度（60%）持平``: the
    indicator's own schedule (a 2022 figure is compared with 40%, not 60%); for a growth-rate
    target, the yearly growth achieved against the one required."""
    if r.growth_required is not None and r.growth_achieved is not None:
        return (f"{r.baseline_year}年以来年均增长{fmt.percent(r.growth_achieved)}，"
                f"规划要求年均增长{fmt.percent(r.growth_required)}")
    if r.gap is None or r.method not in SHARE_METHODS or r.final:
        return ""
    schedule = f"时间进度（{fmt.percent(r.time_progress)}）"
    if round(r.gap, 1) == 0:
        return f"与{schedule}持平"
    return f"{'快于' if r.gap > 0 else '慢于'}{schedule}{fmt.points_text(r.gap)}"


def milestone_phrase(r: IndicatorResult) -> str:
    """``2022年已完成`` / ``截至评估时尚未完成`` / ``暂无完成情况报告``."""
    m = r.milestone
    if m is None:
        return ""
    if m.done_year is not None:
        return f"{m.done_year}年已完成"
    return "截至评估时尚未完成" if r.current is not None else "暂无完成情况报告"


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


_NOTE = re.compile(r"（[^（）]*）$")


def projection_phrase(r: IndicatorResult) -> str:
    """``预计2025年可达19.73万户，完成规划目标存在困难``, the figure written like every other one;
    the evaluation's own wording where it projects no figure."""
    p = r.projection
    if p is None or not p.text.strip():
        return ""
    text = p.text.strip().rstrip("。")
    if p.value is None or p.will_meet is None or r.indicator.kind is Kind.MILESTONE:
        return text.replace(" ", "")
    ind = r.indicator
    decimals = p.decimals if p.decimals is not None else ind.decimals
    value = p.value
    if ind.decimals == 0 and not ind.is_percent:
        # a count is never fractional, even projected: round towards "not yet reached" so that
        # 8.7 against a target of 9 reads 8, not 9
        value = float(math.floor(value + 1e-9) if r.indicator.direction.value != "ceiling" else math.ceil(value - 1e-9))
        decimals = 0
    new = "规划期累计新增" if ind.kind is Kind.NEW or r.method is ProgressMethod.NEW else ""
    verdict = "能够完成规划目标" if p.will_meet else "完成规划目标存在困难"
    note = _NOTE.search(text)
    return f"预计{p.year}年{new}可达{fmt.figure(value, ind.unit, decimals)}，{verdict}" + (note.group(0) if note else "")


def subject_with(subject: str, rest: str) -> str:
    """``直报指标1，2021年…``: a name ending in a digit or letter is kept apart from a following figure."""
    if subject and rest and subject[-1].isascii() and subject[-1].isalnum() and rest[0].isascii():
        return f"{subject}，{rest}"
    return subject + rest


def coverage_phrase(r: IndicatorResult, unit_names: dict[str, str], rejected: frozenset[str] = frozenset()) -> str:
    """``（5/7个单位的数据，凤凰镇填报表未通过审核未纳入汇总，莲花镇未报送，为不完全汇总数）``:
    a unit whose return was rejected did report, so it is never called 未报送."""
    if not r.partial:
        return ""

    def names(codes: list[str]) -> str:
        shown = [unit_names.get(u, u) for u in codes]
        return "、".join(shown) if len(shown) <= 3 else f"{'、'.join(shown[:3])}等{len(shown)}个单位"

    left_out = [u for u in r.missing if u in rejected]
    absent = [u for u in r.missing if u not in rejected]
    why = []
    if left_out:
        why.append(f"{names(left_out)}填报表未通过审核未纳入汇总")
    if absent:
        why.append(f"{names(absent)}未报送")
    return f"（{r.coverage}个单位的数据，{'，'.join(why)}，为不完全汇总数）"


def baseline_phrase(r: IndicatorResult) -> str:
    """Where the baseline came from when it is not the plan's printed value, and how a relative
    target was resolved (``基期值为各单位填报的2020年数据合计``)."""
    o = r.baseline_origin
    parts = []
    if o is not None and o.source == "returns" and o.value is not None:
        parts.append(o.text)
    if r.target_note:
        parts.append(r.target_note)
    return "；".join(parts)


def sentence_parts(r: IndicatorResult, unit_names: dict[str, str], base_year: int | None = None,
                   caveat: str = "", rejected: frozenset[str] = frozenset()) -> dict[str, str]:
    year = baseline_year(r, base_year)
    return {
        "subject": r.indicator.name,
        "series": series_phrase(r, year),
        "movement": movement_phrase(r, year),
        "progress": progress_phrase(r),
        "schedule": schedule_phrase(r),
        "status": status_phrase(r),
        "projection": projection_phrase(r),
        "coverage": coverage_phrase(r, unit_names, rejected),
        "reason": r.reason.strip().rstrip("。"),
        "baseline": baseline_phrase(r),
        "milestone": milestone_phrase(r),
        "caveat": caveat,
    }


def compose(r: IndicatorResult, parts: dict[str, str]) -> str:
    """The default wording, from the parts."""
    if r.status is Status.UNKNOWN:
        reason = f"（{parts['reason']}）" if parts["reason"] else ""
        head = f"{parts['subject']}{parts['coverage']}"
        series = f"{parts['series']}，" if parts["series"] else ""
        return f"{head}{series}暂无法评估{reason}。{parts['caveat']}"
    if r.milestone is not None:
        return f"{parts['subject']}{parts['milestone']}，{parts['status']}。{parts['caveat']}"
    first = "，".join(p for p in (parts["series"] + parts["coverage"], parts["movement"]) if p)
    if r.maintained or (r.final and r.status is not Status.NOT_MET):
        second = parts["status"]
    else:
        second = "，".join(p for p in (parts["progress"], parts["schedule"], parts["status"]) if p)
    if parts["projection"] and not r.final:  # one sentence: the projection belongs to this indicator
        second = f"{second}，{parts['projection']}" if second else parts["projection"]
    text = subject_with(parts["subject"], "；".join(p for p in (first, second) if p)) + "。"
    if parts["baseline"]:
        text += f"{parts['baseline']}。"
    return text + parts["caveat"]
