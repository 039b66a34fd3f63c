"""Invariants of the evaluation, checked with generated values (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.definitions.model import Aggregation, DataItem, Indicator, Kind, Plan, PlanInfo, Unit
from reportkit.definitions.notation import Direction, parse_plan_value
from reportkit.evaluation import Status, evaluate
from reportkit.evaluation.progress import Target, judge
from reportkit.intake.types import Observation, ReturnData, ReturnMeta

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
time_progress = st.floats(min_value=0, max_value=100)
UNIT_CODES = ("U1", "U2", "U3", "U4", "U5")
UNITS = tuple(Unit(c, f"{c}区") for c in UNIT_CODES)
INFO = PlanInfo(id="p", name="性质测试规划")


def _ret(unit: str, obs: dict[str, float]) -> ReturnData:
    return ReturnData(path=f"{unit}.xlsx", sha256=unit, meta=ReturnMeta("p", "f", "1", unit, unit, "x"),
                      observations=[Observation(unit, code, 2023, v) for code, v in obs.items()])


@given(baseline=values, delta=st.floats(min_value=1e-3, max_value=1e6), a=values, b=values, tp=time_progress)
def test_floor_progress_is_monotone_in_current(baseline: float, delta: float, a: float, b: float,
                                              tp: float) -> None:
    frame = Target(Direction.FLOOR, baseline, baseline + delta, decimals=6)
    lo, hi = sorted((a, b))
    p_lo, p_hi = judge(frame, lo, tp, 5).progress, judge(frame, hi, tp, 5).progress
    assert p_lo is not None and p_hi is not None
    assert p_lo <= p_hi + 1e-9


@given(baseline=values, delta=st.floats(min_value=1e-3, max_value=1e6), a=values, b=values, tp=time_progress)
def test_ceiling_progress_is_anti_monotone_in_current(baseline: float, delta: float, a: float, b: float,
                                                     tp: float) -> None:
    frame = Target(Direction.CEILING, baseline, baseline - delta, decimals=6)
    lo, hi = sorted((a, b))
    p_lo, p_hi = judge(frame, lo, tp, 5).progress, judge(frame, hi, tp, 5).progress
    assert p_lo is not None and p_hi is not None
    assert p_lo >= p_hi - 1e-9


@given(
    direction=st.sampled_from([Direction.FLOOR, Direction.CEILING]),
    baseline=st.one_of(st.none(), values),
    target=values,
    excess=st.floats(min_value=0, max_value=1e6),
    bound=st.booleans(),
    tp=time_progress,
    tolerance=st.floats(min_value=0, max_value=20),
)
def test_meeting_the_target_is_always_achieved(direction: Direction, baseline: float | None, target: float,
                                               excess: float, bound: bool, tp: float, tolerance: float) -> None:
    current = target + excess if direction is Direction.FLOOR else target - excess
    frame = Target(direction, baseline, target, baseline_is_bound=bound)
    assert judge(frame, current, tp, tolerance).status is Status.ACHIEVED


counts = st.integers(min_value=0, max_value=100_000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=5))
def test_computed_rollup_equals_formula_of_summed_items(pairs: list[tuple[int, int]]) -> None:
    units = UNIT_CODES[: len(pairs)]
    items = (DataItem("D1", "合格批次", reporters=units), DataItem("D2", "抽检批次", reporters=units))
    ind = Indicator("R", "合格率", unit="%", baseline=parse_plan_value("90"), target=parse_plan_value("≥95"),
                    kind=Kind.RATE, aggregation=Aggregation.FORMULA, formula="合格批次 / 抽检批次 * 100")
    plan = Plan(INFO, (ind,), items, UNITS)
    # a unit may pass more than it tested in generated data; the formula does not care
    rets = [_ret(u, {"D1": ok, "D2": ok + extra}) for u, (ok, extra) in zip(units, pairs, strict=True)]
    r = evaluate(plan, rets).indicators[0]
    passed = sum(ok for ok, _ in pairs)
    tested = sum(ok + extra for ok, extra in pairs)
    expected = None if tested == 0 else passed / tested * 100
    got = r.rollups_by_year[2023].value
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(reporting=st.sets(st.sampled_from(UNIT_CODES)), value=st.floats(min_value=0, max_value=1e5))
def test_partial_rollups_always_report_missing_units(reporting: set[str], value: float) -> None:
    ind = Indicator("K", "数量", baseline=parse_plan_value("10"), target=parse_plan_value("20"),
                    reporters=UNIT_CODES)
    plan = Plan(INFO, (ind,), (), UNITS)
    r = evaluate(plan, [_ret(u, {"K": value}) for u in sorted(reporting)]).indicators[0]
    roll = r.rollups_by_year[2023]
    assert set(roll.missing) == set(UNIT_CODES) - reporting
    assert set(roll.covered) == reporting
    assert roll.partial == (reporting != set(UNIT_CODES))
    assert roll.coverage == f"{len(reporting)}/{len(UNIT_CODES)}"
    if roll.partial and reporting:
        assert all(plan.unit_name(u) in r.reason for u in roll.missing)
