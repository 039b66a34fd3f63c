"""完成进度 and status of one indicator (or one unit's share of it).

Rules (BRIEF §6):

* floor target: 完成进度 = (current − baseline) / (target − baseline);
* ceiling target: reduction achieved / reduction planned = (baseline − current) / (baseline − target);
* new-in-period (〈〉) amount: sum of the yearly amounts so far / target;
* target already met at baseline (or equal to it): judged by whether it is still met;
* no baseline (``—``): judged by the target alone; not met → 无法评估;
* milestone: 1 = done (100%), otherwise 0%.

Status: 提前实现 when the current value meets the target (≥ for a floor, ≤ for a ceiling,
compared at the indicator's displayed precision); otherwise 完成进度 − 时间进度 within
± tolerance (percentage points, plan default 5) is 基本符合预期, above is 快于预期, below
is 滞后.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..definitions.model import Indicator, Kind
from ..definitions.notation import Direction, Notation, Relative
from .types import ProgressMethod, Status

EPS = 1e-9


@dataclass(frozen=True)
class Target:
    """What one value is judged against."""

    direction: Direction  # FLOOR or CEILING (EXACT is resolved before)
    baseline: float | None
    target: float | None
    new_in_period: bool = False
    milestone: bool = False
    baseline_is_bound: bool = False  # the baseline was printed as "≥95%" (a bound, not a value)
    decimals: int = 2
    strict: bool = False  # ">95": the bound itself does not meet the target
    upper: float | None = None  # a range target 6-10: ``target`` is 6, ``upper`` 10
    growth: float | None = None  # 年均增长7%: 7.0; ``target`` is then the level it implies
    maintained: bool = False  # must hold every year (稳定在, 保持, 确保不发生)
    unresolved: str = ""  # why a relative target has no number (no baseline)
    yearly: bool = False  # 逐年提高 / 同比下降: better than the year before, every year


def with_changes(frame: Target, **changes: Any) -> Target:
    """``dataclasses.replace(frame, **changes)`` without running the frozen ``__init__`` again
    (thirteen guarded assignments): a national plan derives a frame for each unit and indicator."""
    unknown = changes.keys() - frame.__dict__.keys()
    if unknown:
        raise TypeError(f"Target has no field {', '.join(sorted(unknown))}")
    new = object.__new__(Target)
    new.__dict__.update(frame.__dict__, **changes)
    return new


@dataclass(frozen=True)
class Judgement:
    progress: float | None
    gap: float | None
    status: Status
    method: ProgressMethod
    reason: str


def target_of(indicator: Indicator, baseline: float | None = None, span: int | None = None,
              from_returns: bool = False) -> Target:
    """The plan's target frame of an indicator. ``baseline`` overrides the printed one (a
    baseline taken from the returns); relative targets (翻一番, 下降10%, 提高3个百分点) are
    resolved against it, and a growth-rate target (年均增长7%) becomes the level it implies
    after ``span`` years (the indicator's own baseline → target years)."""
    printed = indicator.target
    b = indicator.baseline.value if baseline is None and not from_returns else baseline
    t = printed.resolve(b)
    growth = None
    unresolved = ""
    if printed.relative is Relative.GROWTH:
        growth = printed.amount
        if b is not None and growth is not None and span:
            t = b * (1 + growth / 100) ** span
    if printed.relative is not Relative.NONE and t is None:
        unresolved = f"目标“{printed.display()}”是相对基期的目标，缺少基期值无法换算"
    direction = indicator.direction
    if direction is Direction.EXACT:
        direction = Direction.CEILING if (b is not None and t is not None and t < b) else Direction.FLOOR
    return Target(
        direction=direction,
        baseline=b,
        target=t,
        new_in_period=indicator.kind is Kind.NEW or indicator.notation is Notation.NEW,
        milestone=indicator.kind is Kind.MILESTONE,
        baseline_is_bound=indicator.baseline.direction is not Direction.EXACT and not from_returns,
        decimals=max(indicator.decimals, 0),
        strict=printed.strict,
        upper=printed.upper,
        growth=growth,
        maintained=printed.maintained,
        unresolved=unresolved,
        yearly=printed.yearly,
    )


def meets(value: float, target: float, direction: Direction, decimals: int = 6, strict: bool = False) -> bool:
    """Does ``value`` meet ``target`` at the displayed precision (half a unit of the last
    shown decimal counts: 97.996 shown as 98.00 meets ≥98)? Never coarser than two decimals,
    so 19.6 does not meet 20 because an indicator is shown without decimals. A strict
    target (>95, <2) is not met by the bound itself."""
    if strict:
        return value < target - EPS if direction is Direction.CEILING else value > target + EPS
    slack = 0.5 * 10.0 ** -max(decimals, 2) + EPS
    if direction is Direction.CEILING:
        return value <= target + slack
    return value >= target - slack


def meets_frame(frame: Target, value: float) -> bool:
    """Does ``value`` meet the target of ``frame`` (within a range target's both ends)?"""
    assert frame.target is not None
    if frame.upper is not None:
        return (meets(value, frame.target, Direction.FLOOR, frame.decimals)
                and meets(value, frame.upper, Direction.CEILING, frame.decimals))
    return meets(value, frame.target, frame.direction, frame.decimals, frame.strict)


def status_from_gap(gap: float, tolerance: float) -> Status:
    if gap > tolerance + EPS:
        return Status.AHEAD
    if gap < -tolerance - EPS:
        return Status.LAGGING
    return Status.ON_TRACK


def judge(frame: Target, current: float | None, time_progress: float, tolerance: float) -> Judgement:
    """完成进度, gap and status of ``current`` against ``frame``."""
    if current is None:
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.NONE, "无数据")
    if frame.milestone:
        return _milestone(current, time_progress, tolerance)
    if frame.target is None:
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.NONE,
                         frame.unresolved or "规划未设定可计算的目标值")
    if frame.new_in_period:
        return _new_in_period(frame, current, time_progress, tolerance)
    return _level(frame, current, time_progress, tolerance)


def _milestone(current: float, time_progress: float, tolerance: float) -> Judgement:
    if current >= 1 - EPS:
        return Judgement(100.0, 100.0 - time_progress, Status.ACHIEVED, ProgressMethod.MILESTONE, "已完成")
    gap = -time_progress
    return Judgement(0.0, gap, status_from_gap(gap, tolerance), ProgressMethod.MILESTONE, "尚未完成")


def _new_in_period(frame: Target, current: float, time_progress: float, tolerance: float) -> Judgement:
    target = frame.target
    assert target is not None
    if target <= 0:
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.NONE, "期间新增目标值不大于0，无法计算完成进度")
    progress = 100.0 * current / target
    gap = progress - time_progress
    if frame.direction is Direction.CEILING:
        # A cap on the amount added over the period: using it up faster than time is the risk.
        if current > target + EPS:
            return Judgement(progress, gap, Status.LAGGING, ProgressMethod.NEW, "规划期累计量已超过上限")
        status = Status.LAGGING if gap > tolerance + EPS else Status.ON_TRACK
        return Judgement(progress, gap, status, ProgressMethod.NEW, "规划期累计量占上限的比例与时间进度比较")
    if meets(current, target, Direction.FLOOR, frame.decimals):
        return Judgement(progress, gap, Status.ACHIEVED, ProgressMethod.NEW, "规划期累计新增已达到目标值")
    return Judgement(progress, gap, status_from_gap(gap, tolerance), ProgressMethod.NEW,
                     "规划期累计新增占目标值的比例与时间进度比较")


def _level(frame: Target, current: float, time_progress: float, tolerance: float) -> Judgement:
    target, baseline, d = frame.target, frame.baseline, frame.direction
    assert target is not None
    met = meets_frame(frame, current)
    if frame.upper is not None and current > frame.upper:
        return Judgement(None, None, Status.LAGGING, ProgressMethod.RANGE,
                         f"当前值超出目标区间上限{_num(frame.upper)}")
    if frame.upper is not None and (met or baseline is None or baseline >= target):
        if met:
            return Judgement(100.0, None, Status.ACHIEVED, ProgressMethod.RANGE, "当前值处于目标区间内")
        return Judgement(None, None, Status.LAGGING if baseline is not None else Status.UNKNOWN,
                         ProgressMethod.RANGE, f"当前值低于目标区间下限{_num(target)}")
    if baseline is None:
        return _target_only(met)
    if abs(target - baseline) <= EPS:
        return _maintain(met, ProgressMethod.FLAT, "目标值与基期值相同")
    if meets(baseline, target, d, frame.decimals):
        return _maintain(met, ProgressMethod.MAINTAIN, "基期已达到目标值")
    method = ProgressMethod.CEILING if d is Direction.CEILING else ProgressMethod.FLOOR
    progress = 100.0 * (current - baseline) / (target - baseline)
    gap = progress - time_progress
    note = f"（基期值为区间值，按{_num(baseline)}计算）" if frame.baseline_is_bound else ""
    if met:
        return Judgement(progress, gap, Status.ACHIEVED, method, "当前值已达到目标值" + note)
    return Judgement(progress, gap, status_from_gap(gap, tolerance), method, "完成进度与时间进度比较" + note)


def _target_only(met: bool) -> Judgement:
    if met:
        return Judgement(100.0, None, Status.ACHIEVED, ProgressMethod.TARGET_ONLY, "无基期值，当前值已达到目标值")
    return Judgement(None, None, Status.UNKNOWN, ProgressMethod.TARGET_ONLY, "无基期值，且当前值尚未达到目标值，无法计算完成进度")


def _maintain(met: bool, method: ProgressMethod, why: str) -> Judgement:
    if met:
        return Judgement(100.0, None, Status.ACHIEVED, method, f"{why}，当前仍保持达标")
    return Judgement(None, None, Status.LAGGING, method, f"{why}，但当前未达到目标值")


def _num(v: float) -> str:
    return f"{v:g}"
