"""Roll-up of unit values to the plan level, per indicator and year.

Counts are summed over the reporting units; computed indicators (rates, per-capita
figures) are recomputed from the summed items, never averaged; mean/max/min where the
plan says so; values reported only by the lead unit are taken as reported. A roll-up
that misses expected units lists them and is marked partial.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from ..definitions.model import Aggregation, DataItem, Indicator, Plan
from ..intake.types import ReturnData
from .types import Provenance, RollUp


@dataclass(frozen=True)
class ValueIndex:
    """The accepted values, keyed by (unit, code, year), with the file each came from."""

    values: Mapping[tuple[str, str, int], float]
    files: Mapping[str, str]  # unit code → source file name

    @classmethod
    def build(cls, returns: Iterable[ReturnData]) -> ValueIndex:
        returns = list(returns)
        values: dict[tuple[str, str, int], float] = {}
        for ret in returns:
            unit = ret.unit
            if unit is None:
                continue
            for o in ret.observations:
                if o.value is not None:
                    values[(o.unit or unit, o.code, o.year)] = float(o.value)
        return cls(values, source_files(returns))

    def get(self, unit: str, code: str, year: int) -> float | None:
        return self.values.get((unit, code, year))

    def provenance(self, units: Iterable[str], years: Iterable[int]) -> Provenance:
        units = tuple(units)
        files = tuple(dict.fromkeys(self.files[u] for u in units if self.files.get(u)))
        return Provenance(units, tuple(sorted(set(years))), files)

    def unit_provenance(self, unit: str, years: Sequence[int]) -> Provenance:
        """``provenance([unit], years)`` for years already ascending and distinct (one per unit
        and indicator: a national plan asks for some hundred thousand)."""
        file = self.files.get(unit)
        return Provenance((unit,), tuple(years), (file,) if file else ())


def source_files(returns: Iterable[ReturnData]) -> dict[str, str]:
    """Unit code → the file name of its return (the last return of a unit wins)."""
    return {ret.unit: PurePath(ret.path).name if ret.path else "" for ret in returns if ret.unit is not None}


def combine(values: Sequence[float], aggregation: Aggregation) -> float | None:
    """Combine unit values by a plan aggregation rule (``None`` for no values)."""
    if not values:
        return None
    if aggregation is Aggregation.MEAN:
        return statistics.fmean(values)
    if aggregation is Aggregation.MAX:
        return max(values)
    if aggregation is Aggregation.MIN:
        return min(values)
    if aggregation is Aggregation.LEAD:
        return values[0]
    return float(sum(values))


def rollup_direct(code: str, expected: Sequence[str], aggregation: Aggregation,
                  year: int, index: ValueIndex) -> RollUp:
    """Roll up a value the units type in themselves (a direct indicator or a data item)."""
    values: list[float] = []
    got: list[str] = []
    lacking: list[str] = []
    for u in expected:
        v = index.get(u, code, year)
        if v is None:
            lacking.append(u)
        else:
            got.append(u)
            values.append(v)
    covered = tuple(got)
    value = combine(values, aggregation)
    return RollUp(code, year, value, aggregation.value, covered, tuple(expected), tuple(lacking),
                  provenance=index.provenance(covered, [year] if covered else []))


def formula_values(plan: Plan, indicator: Indicator, item_values: Mapping[str, float | None]
                   ) -> dict[str, float | None]:
    """Map every name the formula uses (item code or item name) to the item's value."""
    formula = indicator.parsed_formula
    out: dict[str, float | None] = {}
    for name in formula.names if formula else ():
        item = plan.item(name)
        out[name] = item_values.get(item.code) if item else None
    return out


def compute(plan: Plan, indicator: Indicator, item_values: Mapping[str, float | None]) -> float | None:
    """A computed indicator's value from its items' values (keyed by item code)."""
    formula = indicator.parsed_formula
    if formula is None:
        return None
    return formula.evaluate(formula_values(plan, indicator, item_values))


def rollup_item(item: DataItem, year: int, index: ValueIndex) -> RollUp:
    agg = item.aggregation if item.aggregation is not Aggregation.FORMULA else Aggregation.SUM
    return rollup_direct(item.code, item.reporters, agg, year, index)


def rollup_computed(plan: Plan, indicator: Indicator, year: int, index: ValueIndex) -> RollUp:
    """Recompute a rate from the rolled-up items; a unit counts as covered when it gave all
    the items it is expected to report."""
    items = plan.formula_items(indicator)
    item_rollups = {it.code: rollup_item(it, year, index) for it in items}
    expected = plan.indicator_reporters(indicator)
    # (units expected to give the item, units that gave it) per item, as sets
    given = [(plan.reporter_set(it), frozenset(item_rollups[it.code].covered)) for it in items]
    covered = tuple(u for u in expected if all(u in done for asked, done in given if u in asked))
    gave = set(covered)
    missing = tuple(u for u in expected if u not in gave)
    value = compute(plan, indicator, {c: r.value for c, r in item_rollups.items()})
    components = tuple((it.name, item_rollups[it.code].value) for it in items)
    prov = Provenance.merge(r.provenance for r in item_rollups.values())
    return RollUp(indicator.code, year, value, Aggregation.FORMULA.value, covered, expected, missing,
                  components, prov)


def rollup_indicator(plan: Plan, indicator: Indicator, year: int, index: ValueIndex) -> RollUp:
    """The plan-level value of one indicator in one year."""
    if indicator.computed:
        return rollup_computed(plan, indicator, year, index)
    expected = plan.indicator_reporters(indicator)
    agg = indicator.aggregation
    if agg is Aggregation.FORMULA:
        # A formula roll-up without a formula cannot be computed; sum would be wrong for a rate.
        return RollUp(indicator.code, year, None, agg.value, (), expected, expected)
    return rollup_direct(indicator.code, expected, agg, year, index)


def unit_value(plan: Plan, indicator: Indicator, unit: str, year: int, index: ValueIndex) -> float | None:
    """One unit's own value (computed indicators from that unit's items)."""
    return unit_values(plan, indicator, index)(unit, year)


def unit_values(plan: Plan, indicator: Indicator, index: ValueIndex) -> Callable[[str, int], float | None]:
    """:func:`unit_value` of one indicator as a function of (unit, year), its formula's item
    names resolved once (a national plan asks it for thousands of units and every year)."""
    values = index.values
    if not indicator.computed:
        code = indicator.code
        return lambda unit, year: values.get((unit, code, year))
    formula = indicator.parsed_formula
    if formula is None:
        return lambda unit, year: None
    # the value of each name the formula uses: its item's value (None for a name that is no item)
    names = [(name, item.code if (item := plan.item(name)) else None) for name in formula.names]
    evaluate = formula.compiled()
    return lambda unit, year: evaluate({name: None if code is None else values.get((unit, code, year))
                                        for name, code in names})


def unit_codes_for(plan: Plan, indicator: Indicator, unit: str) -> tuple[str, ...]:
    """The codes a unit types for this indicator (itself, or its formula items)."""
    if indicator.computed:
        return tuple(it.code for it in plan.formula_items(indicator) if unit in plan.reporter_set(it))
    return (indicator.code,)
