"""Evaluation: roll-up, 完成进度, status, projection, tasks — expected numbers worked by hand.

Unless a case says otherwise: baseline year 2020, target year 2025, cut-off 2023-12-31, so
时间进度 = 3/5 = 60%, and the tolerance is the plan default ±5 percentage points.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import pytest

from reportkit.definitions.model import (
    Aggregation,
    Attribute,
    DataItem,
    Indicator,
    Kind,
    Plan,
    PlanInfo,
    Task,
    Unit,
    UnitType,
)
from reportkit.definitions.notation import parse_plan_value
from reportkit.evaluation import ProgressMethod, Status, evaluate
from reportkit.evaluation.types import Provenance
from reportkit.intake.types import Observation, ReturnData, ReturnMeta, RowNote, TaskReport

UNITS = (Unit("A", "甲区"), Unit("B", "乙区"), Unit("C", "丙区"), Unit("L", "市统计局"))


def info(**kw: object) -> PlanInfo:
    return PlanInfo(id="t", name="测试规划", **kw)  # type: ignore[arg-type]


def indicator(baseline: str, target: str, **kw: object) -> Indicator:
    kw.setdefault("reporters", ("A",))
    return Indicator(code="K", name="测试指标", baseline=parse_plan_value(baseline),
                     target=parse_plan_value(target), **kw)  # type: ignore[arg-type]


def ret(unit: str, values: Mapping[tuple[str, int], float | None], **kw: object) -> ReturnData:
    obs = [Observation(unit, code, year, v) for (code, year), v in values.items()]
    meta = ReturnMeta("t", "fp", "1", unit, unit, "2023-中期评估")
    return ReturnData(path=f"/tmp/returns/{unit}-2023.xlsx", sha256=unit, meta=meta, observations=obs,
                      **kw)  # type: ignore[arg-type]


def one(ind: Indicator, values: Mapping[int, float | None], plan_info: PlanInfo | None = None,
        **kw: object):
    plan = Plan(plan_info or info(), (ind,), units=UNITS)
    return evaluate(plan, [ret("A", {("K", y): v for y, v in values.items()})], **kw).indicators[0]


# (id, baseline, target, extra indicator fields, yearly values, progress %, status, method)
CASES = [
    # floor, plain: (cur − 10) / (20 − 10)
    ("floor-achieved", "10", "20", {}, {2023: 21}, 110.0, Status.ACHIEVED, ProgressMethod.FLOOR),  # 11/10
    ("floor-ahead", "10", "20", {}, {2023: 17}, 70.0, Status.AHEAD, ProgressMethod.FLOOR),  # 7/10; gap +10
    ("floor-on-track", "10", "20", {}, {2023: 16.3}, 63.0, Status.ON_TRACK, ProgressMethod.FLOOR),  # gap +3
    ("floor-edge", "10", "20", {}, {2023: 16.5}, 65.0, Status.ON_TRACK, ProgressMethod.FLOOR),  # gap +5 inclusive
    ("floor-lagging", "10", "20", {}, {2023: 15}, 50.0, Status.LAGGING, ProgressMethod.FLOOR),  # gap −10
    ("floor-negative", "10", "20", {}, {2023: 9}, -10.0, Status.LAGGING, ProgressMethod.FLOOR),  # −1/10
    ("floor-explicit", "90", "≥95", {}, {2023: 93}, 60.0, Status.ON_TRACK, ProgressMethod.FLOOR),  # 3/5
    # latest value from 2022: (17 − 10)/10 = 70% against 2022's 40% → 快于预期
    ("floor-latest-year", "10", "20", {}, {2021: 12, 2022: 17}, 70.0, Status.AHEAD, ProgressMethod.FLOOR),
    # ceiling inferred from target < baseline: (5 − cur) / (5 − 3)
    ("ceiling-achieved", "5", "3", {}, {2023: 2.8}, 110.0, Status.ACHIEVED, ProgressMethod.CEILING),  # 2.2/2
    ("ceiling-ahead", "5", "3", {}, {2023: 3.5}, 75.0, Status.AHEAD, ProgressMethod.CEILING),  # 1.5/2
    ("ceiling-on-track", "5", "3", {}, {2023: 3.8}, 60.0, Status.ON_TRACK, ProgressMethod.CEILING),  # 1.2/2
    ("ceiling-lagging", "5", "3", {}, {2023: 4.5}, 25.0, Status.LAGGING, ProgressMethod.CEILING),  # 0.5/2
    ("ceiling-worse", "5", "3", {}, {2023: 6}, -50.0, Status.LAGGING, ProgressMethod.CEILING),  # −1/2
    # explicit ≤: (3 − 2.5) / (3 − 2) = 50%
    ("ceiling-explicit", "3", "≤2", {}, {2023: 2.5}, 50.0, Status.LAGGING, ProgressMethod.CEILING),
    # cumulative 〔〕: (cur − 37) / (45 − 37)
    ("cumulative-achieved", "37", "〔45〕", {"kind": Kind.CUMULATIVE}, {2023: 46}, 112.5, Status.ACHIEVED,
     ProgressMethod.FLOOR),  # 9/8
    ("cumulative-ahead", "37", "〔45〕", {"kind": Kind.CUMULATIVE}, {2023: 44}, 87.5, Status.AHEAD,
     ProgressMethod.FLOOR),  # 7/8
    ("cumulative-on-track", "37", "〔45〕", {"kind": Kind.CUMULATIVE}, {2023: 42}, 62.5, Status.ON_TRACK,
     ProgressMethod.FLOOR),  # 5/8
    ("cumulative-lagging", "37", "〔45〕", {"kind": Kind.CUMULATIVE}, {2023: 40}, 37.5, Status.LAGGING,
     ProgressMethod.FLOOR),  # 3/8
    # new in period 〈5〉: sum of yearly amounts / 5
    ("new-achieved", "—", "〈5〉", {}, {2021: 2, 2022: 2, 2023: 2}, 120.0, Status.ACHIEVED,
     ProgressMethod.NEW),  # 6/5
    ("new-ahead", "—", "〈5〉", {}, {2021: 1.0, 2022: 1.2, 2023: 1.3}, 70.0, Status.AHEAD,
     ProgressMethod.NEW),  # 3.5/5
    ("new-on-track", "—", "〈5〉", {}, {2021: 1, 2022: 1, 2023: 1}, 60.0, Status.ON_TRACK,
     ProgressMethod.NEW),  # 3/5
    ("new-lagging", "—", "〈5〉", {}, {2021: 0.5, 2022: 0.5, 2023: 0.5}, 30.0, Status.LAGGING,
     ProgressMethod.NEW),  # 1.5/5
    ("new-by-kind", "", "5", {"kind": Kind.NEW}, {2021: 1, 2022: 1, 2023: 1}, 60.0, Status.ON_TRACK,
     ProgressMethod.NEW),
    # milestone: 1 = done
    ("milestone-done", "0", "1", {"kind": Kind.MILESTONE}, {2023: 1}, 100.0, Status.ACHIEVED,
     ProgressMethod.MILESTONE),
    # not done, due at the end of 2025 (the target year): 未到期, never 滞后 for not being done yet
    ("milestone-open", "0", "1", {"kind": Kind.MILESTONE}, {2023: 0}, 0.0, Status.NOT_DUE,
     ProgressMethod.MILESTONE),  # gap 0 − 60
    # target already met at baseline: judged by whether it is still met
    ("met-at-baseline-kept", "99.2", "≥99", {}, {2023: 99.5}, 100.0, Status.ACHIEVED, ProgressMethod.MAINTAIN),
    ("met-at-baseline-lost", "99.2", "≥99", {}, {2023: 98.7}, None, Status.LAGGING, ProgressMethod.MAINTAIN),
    ("ceiling-met-at-baseline-kept", "1.5", "≤2", {}, {2023: 1.8}, 100.0, Status.ACHIEVED,
     ProgressMethod.MAINTAIN),
    ("ceiling-met-at-baseline-lost", "1.5", "≤2", {}, {2023: 2.3}, None, Status.LAGGING,
     ProgressMethod.MAINTAIN),
    ("bound-baseline-met", "≥99%", "≥99%", {}, {2023: 99.4}, 100.0, Status.ACHIEVED, ProgressMethod.FLAT),
    # "≥95%" baseline below a "≥99%" target: the bound is used as the baseline, (97.4 − 95)/(99 − 95)
    ("bound-baseline-progress", "≥95%", "≥99%", {}, {2023: 97.4}, 60.0, Status.ON_TRACK, ProgressMethod.FLOOR),
    ("bound-baseline-achieved", "≥95%", "≥99%", {}, {2023: 99.1}, 102.5, Status.ACHIEVED,
     ProgressMethod.FLOOR),  # 4.1/4
    # no baseline: by the target alone
    ("no-baseline-met", "—", "≥98", {}, {2023: 98.5}, 100.0, Status.ACHIEVED, ProgressMethod.TARGET_ONLY),
    ("no-baseline-not-met", "—", "≥98", {}, {2023: 97}, None, Status.UNKNOWN, ProgressMethod.TARGET_ONLY),
    # target equal to its baseline
    ("flat-kept", "100", "100", {}, {2023: 100}, 100.0, Status.ACHIEVED, ProgressMethod.FLAT),
    ("flat-lost", "100", "100", {}, {2023: 98}, None, Status.LAGGING, ProgressMethod.FLAT),
    # no data
    ("no-data", "10", "20", {}, {}, None, Status.UNKNOWN, ProgressMethod.NONE),
    ("no-target", "10", "—", {}, {2023: 12}, None, Status.UNKNOWN, ProgressMethod.NONE),
    # met at displayed precision: 97.996 shows as 98.00 with 2 decimals
    ("precision", "90", "98", {}, {2023: 97.996}, 99.95, Status.ACHIEVED, ProgressMethod.FLOOR),  # 7.996/8
    # no decimals shown, but 19.6 is not 20: (19.6 − 10)/(20 − 10) = 96% → gap +36 → 快于预期
    ("precision-coarse", "10", "20", {"decimals": 0}, {2023: 19.6}, 96.0, Status.AHEAD, ProgressMethod.FLOOR),
]


@pytest.mark.parametrize(("baseline", "target", "extra", "values", "progress", "status", "method"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_progress_and_status(baseline: str, target: str, extra: dict, values: dict, progress: float | None,
                             status: Status, method: ProgressMethod) -> None:
    r = one(indicator(baseline, target, **extra), values)
    # 时间进度 as of the year the value is from: 2023 → 3/5 = 60%; a 2022 value → 2/5 = 40%
    latest = max((y for y, v in values.items() if v is not None), default=2023)
    assert r.time_progress == pytest.approx(20.0 * (min(latest, 2023) - 2020))
    assert r.method is method
    assert r.status is status, r.reason
    if progress is None:
        assert r.progress is None
    else:
        assert r.progress == pytest.approx(progress)
        if r.gap is not None:
            assert r.gap == pytest.approx(progress - r.time_progress)
    if status is Status.UNKNOWN:
        assert r.reason


def test_new_in_period_current_is_the_sum_so_far() -> None:
    r = one(indicator("—", "〈5〉"), {2021: 1.0, 2022: 1.2, 2023: 1.3})
    assert r.current == pytest.approx(3.5)  # 1.0 + 1.2 + 1.3
    assert r.current_year == 2023
    assert r.provenance.years == (2021, 2022, 2023)


def test_mid_year_cutoff_counts_half_a_year() -> None:
    # 2023-06-30: 2.5 of 5 years = 50%; (15 − 10)/(20 − 10) = 50% → gap 0 → 基本符合预期
    r = one(indicator("10", "20"), {2023: 15}, info(cutoff=dt.date(2023, 6, 30)))
    assert r.time_progress == 50.0
    assert r.progress == pytest.approx(50.0)
    assert r.status is Status.ON_TRACK


def test_tolerance_from_argument_and_plan() -> None:
    ind = indicator("10", "20")
    # (16.4 − 10)/10 = 64%, gap +4: within the default ±5, beyond ±2
    assert one(ind, {2023: 16.4}).status is Status.ON_TRACK
    assert one(ind, {2023: 16.4}, tolerance=2).status is Status.AHEAD
    assert one(ind, {2023: 16.4}, info(tolerance=3)).status is Status.AHEAD
    # gap −4 with ±3 → 滞后
    assert one(ind, {2023: 15.6}, info(tolerance=3)).status is Status.LAGGING


def test_binding_lagging_is_an_alert_and_expected_is_not() -> None:
    binding = one(indicator("10", "20", attribute=Attribute.BINDING), {2023: 15})
    expected = one(indicator("10", "20"), {2023: 15})
    on_track = one(indicator("10", "20", attribute=Attribute.BINDING), {2023: 16})
    assert binding.alert and binding.to_dict()["alert"] is True
    assert not expected.alert
    assert not on_track.alert


def test_latest_year_used_is_said() -> None:
    r = one(indicator("10", "20"), {2021: 12, 2022: 17})
    assert r.current_year == 2022
    assert "2022" in r.reason


# roll-up ---------------------------------------------------------------------------

ITEMS = (
    DataItem("D1", "合格批次", reporters=("A", "B", "C")),
    DataItem("D2", "抽检批次", reporters=("A", "B", "C")),
)


def rate(formula: str) -> Indicator:
    return Indicator("R", "抽检合格率", unit="%", baseline=parse_plan_value("96"), target=parse_plan_value("≥98"),
                     kind=Kind.RATE, aggregation=Aggregation.FORMULA, formula=formula)


def rate_returns() -> list[ReturnData]:
    return [
        ret("A", {("D1", 2023): 97, ("D2", 2023): 100}),  # 97%
        ret("B", {("D1", 2023): 49, ("D2", 2023): 50}),  # 98%
        ret("C", {("D1", 2023): 190, ("D2", 2023): 200}),  # 95%
    ]


@pytest.mark.parametrize("formula", ["合格批次 / 抽检批次 * 100", "D1 / D2 * 100", "「合格批次」/「抽检批次」×100"])
def test_computed_indicator_recomputed_from_summed_items(formula: str) -> None:
    plan = Plan(info(), (rate(formula),), ITEMS, UNITS)
    r = evaluate(plan, rate_returns()).indicators[0]
    # (97 + 49 + 190) / (100 + 50 + 200) × 100 = 336/350 × 100 = 96%  (not the mean of 97, 98, 95 = 96.67)
    assert r.current == pytest.approx(96.0)
    roll = r.rollups_by_year[2023]
    assert roll.aggregation == "formula"
    assert dict(roll.components) == {"合格批次": 336, "抽检批次": 350}
    assert roll.coverage == "3/3" and not roll.partial
    # (96 − 96)/(98 − 96) = 0% → gap −60 → 滞后
    assert r.progress == pytest.approx(0.0)
    assert r.status is Status.LAGGING
    by_unit = {u.unit: u for u in r.units}
    assert by_unit["A"].current == pytest.approx(97.0)
    assert by_unit["C"].current == pytest.approx(95.0)


def test_sum_rollup_partial_lists_missing_units() -> None:
    ind = indicator("30", "50", reporters=("A", "B", "C"))
    plan = Plan(info(), (ind,), units=UNITS)
    rets = [ret("A", {("K", 2023): 12}), ret("B", {("K", 2023): 24})]
    r = evaluate(plan, rets).indicators[0]
    roll = r.rollups_by_year[2023]
    assert roll.value == 36  # 12 + 24, C missing: never silently smaller
    assert roll.partial and roll.missing == ("C",) and roll.coverage == "2/3"
    assert r.partial and r.coverage == "2/3" and r.missing == ("C",)
    assert "丙区" in r.reason and "2/3" in r.reason
    # (36 − 30)/(50 − 30) would read as 30% and 滞后, but 36 is a sum over two of three units:
    # it is not comparable with the plan-wide target, so it is not judged and not projected.
    assert r.progress is None and r.gap is None
    assert r.status is Status.UNKNOWN
    assert "不能与规划目标比较" in r.reason
    assert r.projection.value is None and r.projection.method == "none"


def test_partial_mean_is_judged_unless_plan_forbids() -> None:
    ind = indicator("30", "50", reporters=("A", "B", "C"), aggregation=Aggregation.MEAN)
    plan = Plan(info(), (ind,), units=UNITS)
    r = evaluate(plan, [ret("A", {("K", 2023): 40}), ret("B", {("K", 2023): 36})]).indicators[0]
    # mean 38: (38 − 30)/(50 − 30) = 40% against 60% → 滞后, with the gap in coverage stated
    assert r.progress == pytest.approx(40.0)
    assert r.status is Status.LAGGING and "2/3" in r.reason


def test_partial_rollup_not_evaluated_when_plan_forbids() -> None:
    ind = indicator("30", "50", reporters=("A", "B", "C"), aggregation=Aggregation.MEAN)
    plan = Plan(info(partial_ok=False), (ind,), units=UNITS)
    r = evaluate(plan, [ret("A", {("K", 2023): 60}), ret("B", {("K", 2023): 1})]).indicators[0]
    assert r.status is Status.UNKNOWN
    assert "不予评估" in r.reason and "丙区" in r.reason


@pytest.mark.parametrize(("aggregation", "expected"), [
    (Aggregation.SUM, 15.0),  # 2 + 4 + 9
    (Aggregation.MEAN, 5.0),  # 15 / 3
    (Aggregation.MAX, 9.0),
    (Aggregation.MIN, 2.0),
])
def test_aggregations(aggregation: Aggregation, expected: float) -> None:
    ind = indicator("1", "100", reporters=("A", "B", "C"), aggregation=aggregation)
    plan = Plan(info(), (ind,), units=UNITS)
    rets = [ret("A", {("K", 2023): 2}), ret("B", {("K", 2023): 4}), ret("C", {("K", 2023): 9})]
    r = evaluate(plan, rets).indicators[0]
    assert r.current == pytest.approx(expected)
    assert r.rollups_by_year[2023].aggregation == aggregation.value


def test_lead_unit_value_taken_as_reported() -> None:
    ind = indicator("37", "38", reporters=("A", "B"), aggregation=Aggregation.LEAD, lead_unit="L")
    plan = Plan(info(), (ind,), units=UNITS)
    rets = [ret("L", {("K", 2023): 38}), ret("A", {("K", 2023): 500})]
    r = evaluate(plan, rets).indicators[0]
    assert r.current == 38
    assert r.rollups_by_year[2023].expected == ("L",)
    assert r.status is Status.ACHIEVED
    assert r.units == ()


def test_per_unit_results_share_the_target_by_baseline() -> None:
    # city baseline 10 = A 4 + B 6; target 20 → A's share 8, B's share 12
    ind = indicator("10", "20", reporters=("A", "B"))
    plan = Plan(info(), (ind,), units=UNITS)
    rets = [ret("A", {("K", 2020): 4, ("K", 2023): 7}), ret("B", {("K", 2020): 6, ("K", 2023): 8})]
    r = evaluate(plan, rets).indicators[0]
    a, b = r.units
    assert a.progress == pytest.approx(75.0)  # (7 − 4)/(8 − 4)
    assert a.status is Status.AHEAD
    assert b.progress == pytest.approx(100 / 3)  # (8 − 6)/(12 − 6)
    assert b.status is Status.LAGGING
    assert a.provenance.files == ("A-2023.xlsx",)
    # city: (15 − 10)/(20 − 10) = 50% → 滞后
    assert r.progress == pytest.approx(50.0)


def test_provenance_and_explanations() -> None:
    ind = indicator("30", "50", reporters=("A", "B"))
    plan = Plan(info(), (ind,), units=UNITS)
    rets = [ret("A", {("K", 2023): 12}, notes={"K": RowNote("A", "K", "统计年报", "含新设企业")}),
            ret("B", {("K", 2023): 24})]
    r = evaluate(plan, rets).indicators[0]
    assert r.provenance.units == ("A", "B")
    assert r.provenance.years == (2023,)
    assert r.provenance.files == ("A-2023.xlsx", "B-2023.xlsx")
    assert [(e.unit_name, e.text, e.data_source) for e in r.explanations] == [("甲区", "含新设企业", "统计年报")]


# projection ------------------------------------------------------------------------

def test_projection_compound_for_growing_counts() -> None:
    # 10 → 11 → 12.1 → 13.31: +10% a year; 2025: 13.31 × 1.1² = 16.1051 < 20
    r = one(indicator("10", "20", unit="万户", decimals=1), {2021: 11, 2022: 12.1, 2023: 13.31})
    p = r.projection
    assert p is not None and p.method == "compound"
    assert p.value == pytest.approx(16.1051)
    assert p.will_meet is False
    assert p.text.startswith("预计2025年可达16.1万户")
    assert "年均增长率10%复合外推" in p.reason


def test_projection_linear_for_percentages_clipped() -> None:
    # 97 (2020) → 99.4 (2023): +0.8 a year; 2025: 101 → clipped to 100 ≥ 99
    r = one(indicator("97", "99", unit="%"), {2023: 99.4})
    p = r.projection
    assert p is not None and p.method == "linear"
    assert p.value == 100.0
    assert p.will_meet is True
    assert "能够完成规划目标" in p.text


def test_projection_linear_for_mixed_series() -> None:
    # 10, 12, 11, 13 rises and falls: linear (13 − 10)/3 = 1 a year → 2025: 15
    r = one(indicator("10", "20"), {2021: 12, 2022: 11, 2023: 13})
    assert r.projection is not None and r.projection.method == "linear"
    assert r.projection.value == pytest.approx(15.0)


def test_projection_new_in_period() -> None:
    # 3.5 in 3 years → 3.5/3 × 5 = 5.8333 ≥ 5
    r = one(indicator("—", "〈5〉"), {2021: 1.0, 2022: 1.2, 2023: 1.3})
    p = r.projection
    assert p is not None and p.value == pytest.approx(35 / 6)
    assert p.will_meet is True
    assert p.text.startswith("预计2025年规划期累计新增可达")


def test_projection_ceiling_wording_and_not_enough_data() -> None:
    # positive and falling: compound, 5 → 4 in 3 years; 2025: 4 × 0.8^(2/3) = 3.447 > 3
    r = one(indicator("5", "3", decimals=2), {2023: 4})
    assert r.projection is not None and r.projection.method == "compound"
    assert r.projection.value == pytest.approx(4 * 0.8 ** (2 / 3))
    assert r.projection.will_meet is False
    assert r.projection.text == "预计2025年为3.45，可能超出规划目标"
    none = one(indicator("—", "≥98"), {2023: 97})
    assert none.projection is not None and none.projection.value is None
    assert none.projection.will_meet is None


# tasks and coverage ------------------------------------------------------------------

def test_tasks_merged_and_counted() -> None:
    tasks = (
        Task("T1", "第三章", "优化营商环境", lead_unit="A", reporters=("A", "B")),
        Task("T2", "第三章", "强化质量基础", lead_unit="B", reporters=("B",)),
        Task("T3", "第四章", "守牢安全底线", lead_unit="A", reporters=("A",)),
    )
    plan = Plan(info(), (), units=UNITS, tasks=tasks)
    rets = [
        ret("A", {}, tasks=[TaskReport("A", "T1", "推进中", "按进度推进"),
                            TaskReport("A", "T3", "", "未开始", "资金未到位")]),
        ret("B", {}, tasks=[TaskReport("B", "T1", "", "滞后", "人员不足"), TaskReport("B", "T2", "", "已完成")]),
    ]
    s = evaluate(plan, rets).tasks
    status = {r.task.code: r.status for r in s.results}
    assert status == {"T1": "滞后", "T2": "已完成", "T3": "未启动"}
    assert s.by_chapter["第三章"]["滞后"] == 1 and s.by_chapter["第三章"]["已完成"] == 1
    assert s.by_lead["A"]["滞后"] == 1 and s.by_lead["A"]["未启动"] == 1
    assert [r.task.code for r in s.lagging] == ["T1", "T3"]
    assert s.results[0].problems == (("乙区", "人员不足"),)
    assert [u.unit_name for u in s.results[0].reports] == ["甲区", "乙区"]


def test_unreported_task_and_reporting_coverage() -> None:
    ind = indicator("1", "2", reporters=("A", "B", "C"))
    tasks = (Task("T1", "第三章", "任务", lead_unit="C", reporters=("C",)),)
    plan = Plan(info(), (ind,), units=UNITS, tasks=tasks)
    e = evaluate(plan, [ret("A", {("K", 2023): 1})])
    assert e.tasks.unreported[0].task.code == "T1"
    assert e.tasks.counts["未填报"] == 1
    assert e.coverage.expected == ("A", "B", "C")
    assert e.coverage.returned == ("A",)
    assert e.coverage.missing == ("B", "C")
    assert e.coverage.label == "1/3"


def test_latest_return_per_unit_wins() -> None:
    ind = indicator("10", "20")
    plan = Plan(info(), (ind,), units=UNITS)
    old = ret("A", {("K", 2023): 11}, received_at="2024-01-05T10:00:00")
    new = ret("A", {("K", 2023): 19}, received_at="2024-01-09T10:00:00")
    assert evaluate(plan, [new, old]).indicators[0].current == 19


def test_to_dict_is_json_and_summary() -> None:
    inds = (indicator("10", "20"), Indicator("K2", "第二项", baseline=parse_plan_value("5"),
                                             target=parse_plan_value("3"), reporters=("A",)))
    plan = Plan(info(), inds, units=UNITS)
    e = evaluate(plan, [ret("A", {("K", 2023): 21, ("K2", 2023): 4.5})])
    d = json.loads(json.dumps(e.to_dict(), ensure_ascii=False))
    assert d["time_progress"] == 60.0
    assert d["counts"]["提前实现"] == 1 and d["counts"]["滞后"] == 1
    assert d["indicators"][0]["status_key"] == "achieved"
    assert d["indicators"][0]["rollups"][-1]["provenance"]["files"] == ["A-2023.xlsx"]
    assert e.summary_text() == "2 项指标中 1 项提前实现、1 项滞后。"


def test_missing_figure_names_the_rejected_return() -> None:
    ind = indicator("30", "50", reporters=("A",))
    plan = Plan(info(), (ind,), units=UNITS)
    r = evaluate(plan, [], rejected_units=["A"]).indicators[0]
    assert r.status is Status.UNKNOWN
    assert "强制性审核问题" in r.reason and "各年均无人填报" not in r.reason
    assert "无人填报" in evaluate(plan, []).indicators[0].reason


def test_ratio_of_items_from_different_units_is_not_judged_when_some_are_missing() -> None:
    # 执业药师数 per 10,000 people: pharmacists from a department (D), population from towns A, B, C.
    # C is missing, so the population is too small and the ratio too high: not comparable.
    items = (DataItem("P", "执业药师", reporters=("D",)), DataItem("N", "常住人口", reporters=("A", "B", "C")))
    ind = Indicator("K", "执业药师数", unit="人/万人口", baseline=parse_plan_value("4.4"),
                    target=parse_plan_value("≥4.6"), formula="执业药师 / 常住人口 * 10000",
                    aggregation=Aggregation.FORMULA, kind=Kind.RATE)
    units = (*UNITS, Unit("D", "药品股", UnitType.DEPARTMENT))
    plan = Plan(info(), (ind,), items, units)
    rets = [ret("D", {("P", 2023): 200}), ret("A", {("N", 2023): 150_000}), ret("B", {("N", 2023): 150_000})]
    r = evaluate(plan, rets).indicators[0]
    assert r.current == pytest.approx(200 / 300_000 * 10_000)  # 6.67, shown, but not judged
    assert r.status is Status.UNKNOWN and r.progress is None
    assert "不同单位" in r.reason and "丙区" in r.reason
    # the same ratio with every town reported is judged normally
    full = evaluate(plan, [*rets, ret("C", {("N", 2023): 200_000})]).indicators[0]
    assert full.current == pytest.approx(4.0) and full.status is Status.LAGGING


def test_new_in_period_sum_with_the_last_year_missing_is_judged_as_of_its_last_year() -> None:
    # 〈5〉 new in the period; 2021 + 2022 = 1.1 + 1.2 = 2.3 → 46% of the target. 2023 not yet available:
    # compared with 2022's 40% (not 60%): +6 points → 快于预期.
    ind = indicator("〈0〉", "〈5〉")
    r = one(ind, {2021: 1.1, 2022: 1.2})
    assert r.current == pytest.approx(2.3) and r.progress == pytest.approx(46.0)
    assert r.time_progress == pytest.approx(40.0)
    assert r.status is Status.AHEAD
    assert "2023年无人填报" in r.reason and "2022年末时间进度（40%）" in r.reason


def test_a_units_frame_is_the_plan_frame_with_its_own_baseline_and_target():
    """``with_changes`` (per unit, without re-running the frozen __init__) gives what
    ``dataclasses.replace`` gives, and refuses a field Target does not have."""
    from dataclasses import replace

    from reportkit.definitions.notation import Direction
    from reportkit.evaluation.progress import Target, with_changes

    frame = Target(Direction.CEILING, 12.0, 8.0, baseline_is_bound=True, decimals=1, upper=9.0, yearly=True)
    changed = with_changes(frame, baseline=3.0, target=2.0, baseline_is_bound=False)
    assert changed == replace(frame, baseline=3.0, target=2.0, baseline_is_bound=False)
    assert (changed.baseline, changed.target, changed.baseline_is_bound, changed.upper) == (3.0, 2.0, False, 9.0)
    assert frame.baseline == 12.0 and hash(changed) == hash(replace(changed))
    with pytest.raises(TypeError):
        with_changes(frame, baseline_value=3.0)


def test_a_units_provenance_is_one_object_for_all_its_indicators() -> None:
    """A unit's results on each indicator name the same units, years and file: one shared
    Provenance (a national plan has some hundred thousand unit results)."""
    from dataclasses import replace

    first = indicator("10", "20", reporters=("A", "B"))
    second = replace(first, code="L", name="另一指标")
    plan = Plan(info(), (first, second), units=UNITS)
    rets = [ret("A", {("K", 2020): 4, ("K", 2023): 7, ("L", 2020): 1, ("L", 2023): 2}),
            ret("B", {("K", 2020): 6, ("L", 2020): 1, ("L", 2022): 3})]
    k, l_ = evaluate(plan, rets).indicators
    assert k.units[0].provenance == l_.units[0].provenance == Provenance(("A",), (2023,), ("A-2023.xlsx",))
    assert k.units[0].provenance is l_.units[0].provenance
    assert k.units[1].provenance == Provenance(("B",)) and l_.units[1].provenance.years == (2022,)
