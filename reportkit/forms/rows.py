"""What one unit types on its 指标数据 sheet: one row per direct indicator and per data item.

Computed indicators (rates, per-capita figures) are not input rows; the items they are
made of are, and each item row says which indicator it feeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..definitions.model import Aggregation, DataItem, Indicator, Kind, Plan
from ..definitions.notation import Direction, Notation
from .layout import NO_DATA_MARK, ROW_KIND_INDICATOR, ROW_KIND_ITEM

UNBOUNDED = 1e15  # decimal validation needs bounds; this is only a type check
_GROWTH_WORDS = ("增长", "增速", "增幅", "变动", "下降")

_KIND_HINTS = {
    Kind.LEVEL: "填写当年数值（年末数或全年数）",
    Kind.CUMULATIVE: "填写截至当年年末的累计数",
    Kind.NEW: "填写当年新增数（不是累计数）",
    Kind.RATE: "填写当年数值",
    Kind.MILESTONE: "已实现填 1，未实现填 0",
}


@dataclass(frozen=True)
class Bounds:
    integer: bool
    lower: float | None
    upper: float | None

    def validation(self) -> dict[str, object]:
        """xlsxwriter data_validation options (type and bounds only)."""
        kind = "integer" if self.integer else "decimal"
        if self.lower is not None and self.upper is not None:
            return {"validate": kind, "criteria": "between", "minimum": self.lower, "maximum": self.upper}
        if self.lower is not None:
            return {"validate": kind, "criteria": ">=", "value": self.lower}
        if self.upper is not None:
            return {"validate": kind, "criteria": "<=", "value": self.upper}
        return {"validate": kind, "criteria": "between", "minimum": -UNBOUNDED, "maximum": UNBOUNDED}

    def describe(self) -> str:
        kind = "整数" if self.integer else "数值"
        if self.lower is not None and self.upper is not None:
            return f"{_num(self.lower)}～{_num(self.upper)} 之间的{kind}"
        if self.lower is not None:
            return f"不小于 {_num(self.lower)} 的{kind}"
        if self.upper is not None:
            return f"不大于 {_num(self.upper)} 的{kind}"
        return kind


@dataclass(frozen=True)
class FormRow:
    code: str
    kind_label: str  # 指标 / 数据项
    category: str
    name: str
    unit: str
    definition: str
    baseline: str
    target: str
    bounds: Bounds
    hint: str  # what a yearly value means, for the input message
    feeds: tuple[str, ...] = ()  # "A05 食品抽检合格率" for items
    own_baseline: float | None = None  # the plan baseline when it is this unit's own value

    @property
    def baseline_locked(self) -> bool:
        """Is the baseline-year cell pre-filled from the plan (not typed by the unit)?"""
        return self.own_baseline is not None

    @property
    def locked_texts(self) -> dict[str, str]:
        return {"baseline": self.baseline, "target": self.target, "name": self.name}


def form_rows(plan: Plan, unit_code: str) -> list[FormRow]:
    """The unit's rows in plan order; items sit where the first indicator they feed sits."""
    return [indicator_row(x, unit_code, own_baseline(plan, x, unit_code)) if isinstance(x, Indicator)
            else item_row(plan, x) for x in _row_order(plan, unit_code)]


def form_codes(plan: Plan, unit_code: str) -> list[str]:
    """The codes of :func:`form_rows`, without making the rows."""
    return [x.code for x in _row_order(plan, unit_code)]


def _row_order(plan: Plan, unit_code: str) -> list[Indicator | DataItem]:
    direct = {i.code for i in plan.direct_indicators_for(unit_code)}
    mine = {it.code for it in plan.items_for(unit_code)}
    rows: list[Indicator | DataItem] = []
    placed: set[str] = set()
    for ind in plan.indicators:
        if ind.code in direct:
            rows.append(ind)
        for it in plan.formula_items(ind) if ind.computed else []:
            if it.code in mine and it.code not in placed:
                placed.add(it.code)
                rows.append(it)
    rows.extend(it for it in plan.items_for(unit_code) if it.code not in placed)
    return rows


def own_baseline(plan: Plan, ind: Indicator, unit_code: str) -> float | None:
    """The plan baseline, when it is exactly this unit's baseline-year value.

    That holds when the unit alone reports the indicator (the lead unit of a city-level
    figure) and the baseline is a plain value: not a bound ("≥95%"), not "—", and not a
    sum over the previous plan period (〈〉 amounts, which are not a one-year value).
    """
    if ind.computed or plan.indicator_reporters(ind) != (unit_code,):
        return None
    b = ind.baseline
    period_sum = ind.kind is Kind.NEW or ind.notation is Notation.NEW
    if b.value is None or b.direction is not Direction.EXACT or period_sum:
        return None
    return b.value


def indicator_row(ind: Indicator, unit_code: str, own: float | None = None) -> FormRow:
    hint = _KIND_HINTS[ind.kind]
    if ind.aggregation is Aggregation.LEAD and ind.lead_unit == unit_code:
        hint += "（请填报全市数）"
    return FormRow(
        code=ind.code, kind_label=ROW_KIND_INDICATOR, category=ind.category, name=ind.name,
        unit=ind.unit, definition=ind.definition, baseline=ind.baseline.display(),
        target=ind.target.display(), bounds=indicator_bounds(ind),
        hint=_with_format_hints(hint, ind.is_percent, ind.decimals, ind.kind is Kind.MILESTONE),
        own_baseline=own,
    )


def item_row(plan: Plan, item: DataItem) -> FormRow:
    fed = feeding(plan, item)
    categories = [i.category for i in fed if i.category]
    percent = item.unit.strip() in {"%", "％"}
    return FormRow(
        code=item.code, kind_label=ROW_KIND_ITEM, category=categories[0] if categories else "",
        name=item.name, unit=item.unit, definition=item.definition, baseline="", target="",
        bounds=item_bounds(item), hint=_with_format_hints("填写当年数值", percent, item.decimals, False),
        feeds=tuple(f"{i.code} {i.name}" for i in fed),
    )


def feeding(plan: Plan, item: DataItem) -> list[Indicator]:
    """The computed indicators whose formula names ``item``."""
    return plan.computed_from(item.code)


def indicator_bounds(ind: Indicator) -> Bounds:
    if ind.kind is Kind.MILESTONE:
        return Bounds(True, 0, 1)
    lower, upper = ind.lower, ind.upper
    growth = any(w in ind.name for w in _GROWTH_WORDS)
    if lower is None and upper is None and ind.is_percent and not growth:
        lower, upper = 0.0, 100.0
    elif lower is None and (ind.integer or ind.kind in (Kind.CUMULATIVE, Kind.NEW)):
        lower = 0.0
    return Bounds(ind.integer, lower, upper)


def item_bounds(item: DataItem) -> Bounds:
    lower, upper = item.lower, item.upper
    if lower is None and upper is None and item.unit.strip() in {"%", "％"}:
        lower, upper = 0.0, 100.0
    elif lower is None:
        lower = 0.0
    return Bounds(item.integer, lower, upper)


def _with_format_hints(hint: str, percent: bool, decimals: int, milestone: bool) -> str:
    parts = [hint]
    if percent:
        parts.append("百分数只填数值，如 98.5 表示 98.5%")
    elif not milestone and decimals > 0:
        parts.append(f"保留 {decimals} 位小数")
    parts.append(f"无此数据填“{NO_DATA_MARK}”并在说明栏注明原因")
    return "；".join(parts) + "。"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
