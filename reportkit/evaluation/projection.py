"""Projection to the target year from the yearly values (预计能否完成).

Method choice, stated in every result:

* new-in-period (〈〉) amounts: the yearly average so far, carried over the whole period;
* positive totals whose yearly values move in one direction (counts such as 市场主体数量),
  with at least two points: compound growth at the average yearly rate between the first
  and the last point;
* everything else (rates and percentages, series that rise and fall, values at or below
  zero): linear, at the average yearly change between the first and the last point.
  Percentages are clipped to 0–100 and non-negative series at 0.

A mid-year cut-off places the cut-off year's value at its fraction of the year
(2023-06-30 → 2022.5 after a 2020 baseline). The result is always worded as 预计.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import formatting as fmt
from ..definitions.model import Indicator, Kind, PlanInfo
from ..definitions.notation import Direction
from .progress import Target, meets
from .types import Projection


def position(year: int, info: PlanInfo) -> float:
    """Where a year's value sits on the time axis (a partial cut-off year at its fraction)."""
    if year == info.cutoff_year:
        return info.baseline_year + info.elapsed_years
    return float(year)


def project(indicator: Indicator, frame: Target, series: Sequence[tuple[int, float]], info: PlanInfo
            ) -> Projection:
    """Project ``series`` (plan-level (year, value), ascending, values present) to the target year."""
    year = info.target_year
    if frame.milestone:
        return no_projection(year, "里程碑指标只判断是否完成，不作趋势预测")
    if frame.new_in_period:
        return _project_new(indicator, frame, series, info)
    points = _level_points(frame, series, info)
    if len(points) < 2:
        return no_projection(year, "可用的年度数据不足两个，无法预测")
    method, reason = _choose(indicator, points)
    value = _extrapolate(method, points, float(year))
    value = _clip(indicator, points, value)
    years = tuple((round(x), v) for x, v in points)
    return _finish(indicator, frame, method, reason, year, value, years)


def _level_points(frame: Target, series: Sequence[tuple[int, float]], info: PlanInfo) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    if frame.baseline is not None and not frame.baseline_is_bound:
        pts.append((float(info.baseline_year), frame.baseline))
    pts.extend((position(y, info), v) for y, v in series if y > info.baseline_year)
    return pts


def _choose(indicator: Indicator, points: list[tuple[float, float]]) -> tuple[str, str]:
    (x0, _), (x1, _) = points[0], points[-1]
    span = f"{round(x0)}—{round(x1)}年"
    values = [v for _, v in points]
    if indicator.is_percent or indicator.kind is Kind.RATE:
        return "linear", f"比率类指标，按{span}年均变化量线性外推"
    if any(v <= 0 for v in values):
        return "linear", f"数据含零或负值，按{span}年均变化量线性外推"
    rising = all(b >= a for a, b in zip(values, values[1:], strict=False))
    falling = all(b <= a for a, b in zip(values, values[1:], strict=False))
    if (rising or falling) and values[0] != values[-1]:
        rate = ((values[-1] / values[0]) ** (1 / (x1 - x0)) - 1) * 100
        return "compound", f"总量指标各年同向变化，按{span}年均增长率{fmt.percent(rate)}复合外推"
    return "linear", f"各年数值有升有降，按{span}年均变化量线性外推"


def _extrapolate(method: str, points: list[tuple[float, float]], x: float) -> float:
    (x0, v0), (x1, v1) = points[0], points[-1]
    if x1 <= x0:
        return v1
    if method == "compound":
        return v1 * (v1 / v0) ** ((x - x1) / (x1 - x0))
    return v1 + (v1 - v0) / (x1 - x0) * (x - x1)


def _clip(indicator: Indicator, points: list[tuple[float, float]], value: float) -> float:
    """Keep a projection in its domain: shares within 0–100, non-negative series (counts) at
    or above 0 and whole for integer indicators, and never past a bound the plan states
    (合理下限 / 合理上限)."""
    if indicator.is_percent and indicator.unit.strip() in {"%", "％", ""}:
        value = min(max(value, 0.0), 100.0)
    elif all(v >= 0 for _, v in points):
        value = max(value, 0.0)
    if indicator.upper is not None:
        value = min(value, indicator.upper)
    if indicator.lower is not None:
        value = max(value, indicator.lower)
    if indicator.integer:
        value = float(round(value))
    return value


def _project_new(indicator: Indicator, frame: Target, series: Sequence[tuple[int, float]], info: PlanInfo
                 ) -> Projection:
    year = info.target_year
    if not series:
        return no_projection(year, "尚无年度新增数据，无法预测")
    total = sum(v for _, v in series)
    elapsed = position(series[-1][0], info) - info.baseline_year
    if elapsed <= 0:
        return no_projection(year, "尚无完整的年度数据，无法预测")
    span = info.target_year - info.baseline_year
    value = max(total / elapsed * span, 0.0) if total >= 0 else total / elapsed * span
    if indicator.integer:
        value = float(round(value))
    reason = f"期间新增指标，按已报{elapsed:g}年的年均新增量外推至{span}年规划期"
    return _finish(indicator, frame, "linear", reason, year, value, tuple(series))


def _finish(indicator: Indicator, frame: Target, method: str, reason: str, year: int, value: float,
            points: tuple[tuple[int, float], ...]) -> Projection:
    will_meet = None if frame.target is None else meets(value, frame.target, frame.direction, frame.decimals)
    decimals = display_decimals(indicator.decimals, value, frame.target, will_meet)
    text = _text(indicator, frame, year, value, will_meet, decimals)
    return Projection(method, reason, year, value, will_meet, text, points, decimals)


def display_decimals(decimals: int, value: float, target: float | None, meets_target: bool | None) -> int:
    """The indicator's decimals, or more when rounding would print a miss as the target itself."""
    d = max(decimals, 0)
    if target is None or meets_target is not False:
        return d
    while d < decimals + 3 and fmt.number(value, d) == fmt.number(target, d):
        d += 1
    return d


def _text(indicator: Indicator, frame: Target, year: int, value: float, will_meet: bool | None,
          decimals: int) -> str:
    shown = fmt.figure(value, indicator.unit, decimals)
    lead = f"预计{year}年规划期累计新增可达{shown}" if frame.new_in_period else f"预计{year}年可达{shown}"
    if will_meet is None:
        return f"{lead}（规划未设定可比较的目标值）"
    if frame.direction is Direction.CEILING:
        verdict = "能够控制在规划目标以内" if will_meet else "可能超出规划目标"
        if frame.new_in_period:
            return f"{lead}，{verdict}"
        return f"{lead.replace('可达', '为')}，{verdict}"
    return f"{lead}，{'能够完成规划目标' if will_meet else '完成规划目标存在困难'}"


def no_projection(year: int, reason: str) -> Projection:
    return Projection("none", reason, year, None, None, f"{reason}。")
