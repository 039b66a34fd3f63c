"""Plans as they are written: own years, dated milestones, maintained, relative, growth and
range targets, baselines from the returns, final evaluation. Expected numbers by hand.

Unless a case says otherwise: plan 2020 → 2025, cut-off 2023-12-31 (时间进度 3/5 = 60%),
tolerance ±5 percentage points, one reporting unit A.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_evaluation import UNITS, indicator, info, one, ret

from reportkit.definitions.dates import DateError, Resolution, parse_due
from reportkit.definitions.model import (
    Aggregation,
    Attribute,
    BaselineSource,
    DataItem,
    EvaluationKind,
    Indicator,
    Kind,
    Plan,
    Task,
)
from reportkit.definitions.notation import parse_plan_value
from reportkit.evaluation import ProgressMethod, Status, evaluate
from reportkit.evaluation.types import MilestoneState
from reportkit.intake.types import TaskReport

# --- per-indicator years ------------------------------------------------------------------


def test_own_years_set_the_schedule_share():
    # 2019 → 2024 inside a 2021–2025 plan, cut-off 2023-12-31: elapsed 2023.99−2019 = 5 − 1 = 4 of
    # 5 years → 时间进度 80%, not the plan's (2023−2020)/5 = 60%.
    # 2019 baseline 3000 (the form's 2019 column), target ≥6000: (5400 − 3000)/(6000 − 3000) = 80% → on track.
    plan_info = info(baseline_year=2020, target_year=2025)
    r = one(indicator("3000", "≥6000", baseline_year=2019, target_year=2024), {2023: 5400}, plan_info)
    assert r.time_progress == pytest.approx(80.0)
    assert r.baseline_year == 2019 and r.target_year == 2024
    assert r.progress == pytest.approx(80.0)
    assert r.status is Status.ON_TRACK
    # against the plan's 60% the same value would read as 快于预期 (+20): the own years matter
    d = r.to_dict()
    assert d["baseline_year"] == 2019 and d["target_year"] == 2024


def test_own_years_read_the_values_after_the_own_baseline():
    # years read: 2020..2023 (after 2019); the 2020 value is part of the series, not a baseline.
    r = one(indicator("3000", "≥6000", baseline_year=2019, target_year=2024), {2020: 3600, 2023: 5400})
    assert [x.year for x in r.rollups] == [2020, 2021, 2022, 2023]


def test_form_years_start_at_the_earliest_own_baseline():
    plan = Plan(info(), (indicator("3000", "≥6000", baseline_year=2019),), units=UNITS)
    assert plan.form_years == [2019, 2020, 2021, 2022, 2023]


def test_target_year_passed_is_judged_achieved_or_not():
    # own target year 2023, cut-off 2023-12-31: the target year is over → 已实现 / 未实现, no projection
    met = one(indicator("10", "≥20", target_year=2023), {2023: 20})
    assert met.status is Status.MET and met.final
    assert met.projection is not None and met.projection.value is None
    missed = one(indicator("10", "≥20", target_year=2023), {2023: 19})
    assert missed.status is Status.NOT_MET
    assert missed.gap is None  # no schedule share at the end
    assert missed.progress == pytest.approx(90.0)  # (19−10)/(20−10) kept as information


# --- milestones ------------------------------------------------------------------------------

MS = {"kind": Kind.MILESTONE}


@pytest.mark.parametrize(("due", "values", "state", "timing", "status"), [
    # due end of 2024, done in 2022 → 已完成（提前）
    ("2024年底前", {2022: 1, 2023: 1}, MilestoneState.DONE, "提前", Status.ACHIEVED),
    # due 2023, done in 2023 → 已完成（按期）
    ("2023年建成", {2022: 0, 2023: 1}, MilestoneState.DONE, "按期", Status.MET),
    # due 2024, not done at the end of 2023 → 未到期 (not 滞后, whatever 时间进度 says)
    ("2024年", {2023: 0}, MilestoneState.NOT_DUE, "", Status.NOT_DUE),
    # due 2023年二季度 (30 June 2023), not done at 31 Dec 2023 → 逾期未完成
    ("2023年二季度", {2023: 0}, MilestoneState.OVERDUE, "", Status.LAGGING),
    # due 2022, done only in 2023 → 已完成（逾期）
    ("2022年", {2022: 0, 2023: 1}, MilestoneState.DONE, "逾期", Status.MET),
])
def test_milestone_states(due, values, state, timing, status):
    r = one(indicator("0", "1", due=due, **MS), values)
    assert r.milestone is not None
    assert r.milestone.state is state
    assert r.milestone.timing == timing
    assert r.status is status
    assert r.gap is None  # the schedule share never applies to a milestone
    assert r.to_dict()["milestone"]["state"] == state.value


def test_milestone_without_due_is_due_at_its_target_year():
    r = one(indicator("0", "1", **MS), {2023: 0})
    assert r.milestone is not None and r.milestone.due.date == dt.date(2025, 12, 31)
    assert r.status is Status.NOT_DUE


def test_binding_overdue_milestone_is_an_alert_and_not_due_is_not():
    overdue = one(indicator("0", "1", due="2023年6月", attribute=Attribute.BINDING, **MS), {2023: 0})
    assert overdue.alert
    open_ = one(indicator("0", "1", due="2025年", attribute=Attribute.BINDING, **MS), {2023: 0})
    assert not open_.alert and open_.status is Status.NOT_DUE


def test_milestone_mid_year_cutoff_before_due():
    # cut-off 2023-06-30, due 2023年三季度 (30 Sep) → not yet due
    r = one(indicator("0", "1", due="2023年三季度", **MS), {2023: 0}, info(cutoff=dt.date(2023, 6, 30)))
    assert r.status is Status.NOT_DUE


@pytest.mark.parametrize(("text", "year", "date", "resolution"), [
    ("2023-06-30", None, dt.date(2023, 6, 30), Resolution.DAY),
    ("2023年6月30日前", None, dt.date(2023, 6, 30), Resolution.DAY),
    ("2023年6月底", None, dt.date(2023, 6, 30), Resolution.MONTH),
    ("2023年二季度", None, dt.date(2023, 6, 30), Resolution.QUARTER),
    ("二季度", 2024, dt.date(2024, 6, 30), Resolution.QUARTER),  # annual plan: its own year
    ("年初", 2024, dt.date(2024, 3, 31), Resolution.QUARTER),  # 年初 = by the end of Q1
    ("上半年", 2024, dt.date(2024, 6, 30), Resolution.HALF),
    ("2023年底前", None, dt.date(2023, 12, 31), Resolution.YEAR),
    ("2023年建成", None, dt.date(2023, 12, 31), Resolution.YEAR),
    ("力争2024年完成", None, dt.date(2024, 12, 31), Resolution.YEAR),
    (2025, None, dt.date(2025, 12, 31), Resolution.YEAR),
])
def test_due_dates(text, year, date, resolution):
    d = parse_due(text, year)
    assert (d.date, d.resolution) == (date, resolution)


@pytest.mark.parametrize("text", ["二季度", "明年", "2023-02-30", "十三五期间"])
def test_unreadable_due_dates_say_what_is_read(text):
    with pytest.raises(DateError) as exc:
        parse_due(text)
    assert text in str(exc.value)


def test_overdue_task_is_computed_not_only_declared():
    # due 2023年二季度, the unit still says 按进度推进 at 2023-12-31 → overdue, status 滞后
    tasks = (Task("T1", "一、", "建成平台", due_year=2023, due="2023年二季度", lead_unit="A"),
             Task("T2", "一、", "建成中心", due_year=2024, lead_unit="A"),
             Task("T3", "一、", "完成改革", due_year=2023, lead_unit="A"))
    plan = Plan(info(), (indicator("1", "2"),), units=UNITS, tasks=tasks)
    reports = [TaskReport("A", "T1", "推进中", "按进度推进"), TaskReport("A", "T2", "推进中", "按进度推进"),
               TaskReport("A", "T3", "已完成", "已完成")]
    ev = evaluate(plan, [ret("A", {("K", 2023): 1.5}, tasks=reports)])
    t1, t2, t3 = ev.tasks.results
    assert t1.overdue and t1.status == "滞后" and t1.declared_status == "按进度推进"
    assert t1.due is not None and t1.due.label == "2023年二季度"
    assert not t2.overdue and t2.status == "按进度推进"
    assert not t3.overdue and t3.status == "已完成"
    assert ev.tasks.to_dict()["results"][0]["overdue"] is True


# --- maintained targets ------------------------------------------------------------------------


def test_maintained_target_names_the_year_that_broke_it():
    # 稳定在85%以上: 2021 86, 2022 84 (broken), 2023 88 → not kept, although 2023 meets it
    r = one(indicator("86", "稳定在85%以上", unit="%"), {2021: 86, 2022: 84, 2023: 88})
    assert r.maintained
    assert r.years_checked == (2021, 2022, 2023)
    assert r.broken_years == (2022,)
    assert r.status is Status.LAGGING
    assert "2022" in r.reason


def test_maintained_target_kept_every_year():
    r = one(indicator("86", "稳定在85%以上", unit="%"), {2021: 86, 2022: 85, 2023: 88})
    assert r.status is Status.ACHIEVED and r.broken_years == ()


def test_never_happens_target():
    # 确保不发生重大食品安全事故: 0 every year; one in 2022 breaks it
    ok = one(indicator("0", "确保不发生"), {2021: 0, 2022: 0, 2023: 0})
    assert ok.status is Status.ACHIEVED
    broken = one(indicator("0", "确保不发生", attribute=Attribute.BINDING), {2021: 0, 2022: 1, 2023: 0})
    assert broken.status is Status.LAGGING and broken.broken_years == (2022,) and broken.alert


# --- relative, growth, range, strict ------------------------------------------------------------


def test_doubling_from_the_own_baseline_year():
    # 在2019年基础上翻一番 → baseline year 2019 from the text; 3000 × 2 = 6000;
    # 2023: (5400 − 3000)/(6000 − 3000) = 80%, 时间进度 2019→2025 at 2023: 4/6 = 66.7% → +13.3 → 快于预期
    ind = indicator("3000", "在2019年基础上翻一番", baseline_year=2019)
    r = one(ind, {2023: 5400})
    assert r.target == pytest.approx(6000)
    assert r.progress == pytest.approx(80.0)
    assert r.time_progress == pytest.approx(400 / 6)
    assert r.status is Status.AHEAD
    assert "6000" in r.target_note


@pytest.mark.parametrize(("baseline", "target", "value", "resolved", "progress", "status"), [
    # 下降10%: 50 × 0.9 = 45, ceiling; 2023 47: (50 − 47)/(50 − 45) = 60% → on track
    ("50", "下降10%", 47, 45.0, 60.0, Status.ON_TRACK),
    # 提高3个百分点: 90 + 3 = 93; 2023 91: (91 − 90)/3 = 33.3% → lagging
    ("90", "提高3个百分点", 91, 93.0, 100 / 3, Status.LAGGING),
    # 增加3件: 9 + 3 = 12; 2023 12 → achieved
    ("9", "增加3件", 12, 12.0, 100.0, Status.ACHIEVED),
])
def test_relative_targets(baseline, target, value, resolved, progress, status):
    r = one(indicator(baseline, target), {2023: value})
    assert r.target == pytest.approx(resolved)
    assert r.progress == pytest.approx(progress)
    assert r.status is status


def test_relative_target_without_baseline_is_unknown_with_reason():
    r = one(indicator("—", "翻一番"), {2023: 10})
    assert r.status is Status.UNKNOWN
    assert "基期值" in r.reason


def test_growth_rate_target_judged_by_growth():
    # 年均增长7% from 100 in 2020: required level 2025 = 100 × 1.07^5 = 140.26.
    # 2023 120: achieved (120/100)^(1/3) − 1 = 6.27% < 7% → 滞后 (not by the schedule share)
    r = one(indicator("100", "年均增长7%"), {2023: 120})
    assert r.method is ProgressMethod.GROWTH
    assert r.growth_required == 7
    assert r.growth_achieved == pytest.approx((1.2 ** (1 / 3) - 1) * 100)
    assert r.target == pytest.approx(100 * 1.07 ** 5)
    assert r.status is Status.LAGGING
    # 2023 125: (1.25)^(1/3) − 1 = 7.72% ≥ 7% → 基本符合预期
    assert one(indicator("100", "年均增长7%"), {2023: 125}).status is Status.ON_TRACK


def test_range_target():
    # 6-10人: 8 inside → achieved; 11 above the range → 滞后; 5 below, from 3: (5−3)/(6−3) = 66.7%
    assert one(indicator("3", "6-10人"), {2023: 8}).status is Status.ACHIEVED
    above = one(indicator("3", "6-10人"), {2023: 11})
    assert above.status is Status.LAGGING and "上限" in above.reason
    below = one(indicator("3", "6-10人"), {2023: 5})
    assert below.progress == pytest.approx(200 / 3)


def test_strict_inequality_excludes_the_bound():
    # >95: 95 itself does not meet it; from 90: (95 − 90)/(95 − 90) = 100% but not achieved
    assert one(indicator("90", ">95"), {2023: 95}).status is not Status.ACHIEVED
    assert one(indicator("90", ">95"), {2023: 95.5}).status is Status.ACHIEVED
    assert one(indicator("3", "<2"), {2023: 2}).status is not Status.ACHIEVED


# --- baseline from the returns -----------------------------------------------------------------


def _two_units(ind: Indicator, a: dict[int, float], b: dict[int, float]):
    plan = Plan(info(), (ind,), units=UNITS)
    returns = [ret("A", {("K", y): v for y, v in a.items()}), ret("B", {("K", y): v for y, v in b.items()})]
    return plan, evaluate(plan, returns).indicators[0]


def test_baseline_from_returns_sums_the_units():
    # plan prints "—"; A 2020 = 40, B 2020 = 60 → baseline 100 (sum);
    # target ≥200; 2023: 70 + 90 = 160 → (160 − 100)/(200 − 100) = 60% → on track
    ind = indicator("—", "≥200", reporters=("A", "B"), baseline_source=BaselineSource.RETURNS)
    _, r = _two_units(ind, {2020: 40, 2023: 70}, {2020: 60, 2023: 90})
    assert r.baseline == pytest.approx(100)
    assert r.progress == pytest.approx(60.0)
    assert r.status is Status.ON_TRACK
    assert r.baseline_origin is not None and r.baseline_origin.source == "returns"
    assert r.baseline_origin.coverage == "2/2"
    assert "2020年" in r.baseline_origin.text and "—" not in r.reason
    # without the declaration the same data cannot be judged (no baseline, target not met)
    _, plain = _two_units(indicator("—", "≥200", reporters=("A", "B")), {2020: 40, 2023: 70}, {2020: 60, 2023: 90})
    assert plain.status is Status.UNKNOWN


def test_baseline_from_returns_ratio_of_summed_items():
    # rate = 合格 / 抽检 × 100; 2020: A 90/100, B 180/200 → 270/300 = 90% (not the mean of rates)
    # target ≥96; 2023: A 97/100, B 190/200 → 287/300 = 95.667% → (95.667 − 90)/(96 − 90) = 94.4% → 快于预期
    items = (DataItem("I1", "抽检", reporters=("A", "B")), DataItem("I2", "合格", reporters=("A", "B")))
    ind = Indicator("K", "合格率", unit="%", baseline=parse_plan_value("—"), target=parse_plan_value("≥96"),
                    formula="合格 / 抽检 * 100", aggregation=Aggregation.FORMULA,
                    baseline_source=BaselineSource.RETURNS, kind=Kind.RATE)
    plan = Plan(info(), (ind,), items=items, units=UNITS)
    a = ret("A", {("I1", 2020): 100, ("I2", 2020): 90, ("I1", 2023): 100, ("I2", 2023): 97})
    b = ret("B", {("I1", 2020): 200, ("I2", 2020): 180, ("I1", 2023): 200, ("I2", 2023): 190})
    r = evaluate(plan, [a, b]).indicators[0]
    assert r.baseline == pytest.approx(90.0)
    assert r.progress == pytest.approx((287 / 3 - 90) / 6 * 100)
    assert r.status is Status.AHEAD


def test_baseline_from_returns_incomplete_sum_is_not_used():
    # B gave no 2020 value: a sum over A alone is not the baseline → 无法评估, saying why
    ind = indicator("—", "≥200", reporters=("A", "B"), baseline_source=BaselineSource.RETURNS)
    _, r = _two_units(ind, {2020: 40, 2023: 70}, {2023: 90})
    assert r.status is Status.UNKNOWN
    assert "乙区" in r.reason and "基期" in r.reason


def test_declaring_baseline_source_keeps_the_fingerprint():
    # declaring the baseline source (or a milestone's due text, or a part's parent) afterwards must
    # not make the returns already collected outdated
    base = indicator("—", "≥200", reporters=("A", "B"))
    declared = indicator("—", "≥200", reporters=("A", "B"), baseline_source=BaselineSource.RETURNS,
                         due="2024年", parent="X")
    p1, p2 = Plan(info(), (base,), units=UNITS), Plan(info(), (declared,), units=UNITS)
    assert p1.fingerprint() == p2.fingerprint()
    # an own baseline year changes the form's columns, so it does change the fingerprint
    p3 = Plan(info(), (indicator("—", "≥200", reporters=("A", "B"), baseline_year=2019),), units=UNITS)
    assert p3.fingerprint() != p1.fingerprint()


# --- final evaluation --------------------------------------------------------------------------


def test_final_evaluation_is_achieved_or_not_without_projection():
    final = info(cutoff=dt.date(2025, 12, 31), evaluation_kind=EvaluationKind.FINAL)
    met = one(indicator("10", "≥20"), {2025: 21}, final)
    assert met.status is Status.MET and met.gap is None
    assert met.projection is not None and met.projection.value is None
    missed = one(indicator("10", "≥20", attribute=Attribute.BINDING), {2025: 19.5}, final)
    assert missed.status is Status.NOT_MET and missed.alert
    # a 总结评估 written on 2024 data: still achieved / not achieved, never 滞后 or a projection
    early = info(cutoff=dt.date(2024, 12, 31), evaluation_kind=EvaluationKind.FINAL)
    r = one(indicator("10", "≥20"), {2024: 15}, early)
    assert r.status is Status.NOT_MET and r.projection is not None and r.projection.value is None


# --- the report's wording for these cases --------------------------------------------------------


def _sentence(r) -> str:
    from reportkit.rendering.sentences import compose, sentence_parts

    return compose(r, sentence_parts(r, {}))


def test_wording_of_milestones_maintained_baseline_and_final():
    not_due = _sentence(one(indicator("0", "1", due="2024年", **MS), {2023: 0}))
    assert "滞后" not in not_due and "尚未到期" in not_due and "2024年" in not_due
    overdue = _sentence(one(indicator("0", "1", due="2023年二季度", **MS), {2023: 0}))
    assert "逾期未完成" in overdue and "2023年二季度" in overdue
    early = _sentence(one(indicator("0", "1", due="2024年", **MS), {2022: 1, 2023: 1}))
    assert "2022年已完成" in early and "早于完成时限" in early
    kept = _sentence(one(indicator("86", "稳定在85%以上", unit="%"), {2021: 86, 2022: 84, 2023: 88}))
    assert "2022年未达到" in kept
    ind = indicator("—", "≥200", reporters=("A", "B"), baseline_source=BaselineSource.RETURNS)
    from_returns = _sentence(_two_units(ind, {2020: 40, 2023: 70}, {2020: 60, 2023: 90})[1])
    assert "各单位填报的2020年数据" in from_returns
    final = info(cutoff=dt.date(2025, 12, 31), evaluation_kind=EvaluationKind.FINAL)
    missed = _sentence(one(indicator("10", "≥20"), {2025: 19.5}, final))
    assert "未实现规划目标" in missed and "预计" not in missed and "时间进度" not in missed


# --- no silent traps ---------------------------------------------------------------------------


def test_parts_are_one_indicator_with_its_parts():
    # 标准 = 国家标准 + 行业标准: the parent prints no number; it counts once, its status is its
    # least advanced part's: 国家标准 (2 → ≥4, now 4: achieved), 行业标准 (0 → ≥10, now 3: 30% vs 60% → lagging)
    parent = Indicator("S", "主导制定标准", reporters=("A",))
    p1 = Indicator("S1", "国家标准", baseline=parse_plan_value("2"), target=parse_plan_value("≥4"), parent="S",
                   reporters=("A",))
    p2 = Indicator("S2", "行业标准", baseline=parse_plan_value("0"), target=parse_plan_value("≥10"), parent="S",
                   reporters=("A",))
    plan = Plan(info(), (parent, p1, p2), units=UNITS)
    ev = evaluate(plan, [ret("A", {("S1", 2023): 4, ("S2", 2023): 3})])
    s = ev.result("S")
    assert s is not None and s.parts == ("S1", "S2")
    assert s.status is Status.LAGGING and "国家标准提前实现" in s.reason and "行业标准滞后" in s.reason
    assert ev.result("S2").parent == "S"
    assert sum(ev.counts.values()) == 1  # one indicator with its parts, not three
    assert ev.summary_text().startswith("1 项指标中")


def test_period_sum_lower_than_the_previous_period_is_still_a_period_sum():
    # baseline 〈8〉 (last period's sum), target 〈5〉: yearly 1 + 2 + 1 = 4 → 4/5 = 80% vs 60% → 快于预期
    r = one(indicator("〈8〉", "〈5〉"), {2021: 1, 2022: 2, 2023: 1})
    assert r.current == 4 and r.method is ProgressMethod.NEW
    assert r.progress == pytest.approx(80.0) and r.status is Status.AHEAD


@pytest.mark.parametrize(("value", "status"), [(1.8, Status.ACHIEVED), (2.3, Status.LAGGING)])
def test_ceiling_met_at_baseline_is_judged_by_whether_it_still_holds(value, status):
    # baseline 1.5, target ≤2: valid; 1.8 still ≤ 2 → held; 2.3 > 2 → not held
    r = one(indicator("1.5", "≤2"), {2023: value})
    assert r.method is ProgressMethod.MAINTAIN and r.status is status


def test_projection_stays_in_domain_and_bounds():
    # share: 90 → 99 in 3 years (+3/yr) → 2025 linear 105 → clipped at 100
    share = one(indicator("90", "≥99", unit="%"), {2021: 93, 2022: 96, 2023: 99})
    assert share.projection is not None and share.projection.value == pytest.approx(100.0)
    # the plan's 合理上限 98 caps the projection even though the trend passes it
    capped = one(indicator("90", "≥99", unit="%", upper=98), {2021: 91, 2022: 93, 2023: 95})
    assert capped.projection is not None and capped.projection.value <= 98
    # a falling count 10 → 4 (compound at (4/10)^(1/3) per year → 2025 ≈ 2.2): whole, never negative
    falling = one(indicator("10", "≤2", unit="件", integer=True), {2021: 7, 2022: 5, 2023: 4})
    assert falling.projection is not None and falling.projection.value >= 0
    assert float(falling.projection.value).is_integer()


def test_binding_unevaluable_indicator_is_flagged_with_its_reason():
    plan = Plan(info(), (indicator("10", "≥20", attribute=Attribute.BINDING, reporters=("A", "B")),), units=UNITS)
    ev = evaluate(plan, [ret("A", {("K", 2023): 15})], rejected_units=["B"])
    r = ev.indicators[0]
    assert r.status is Status.UNKNOWN and r.attention
    assert "乙区" in r.attention  # the true reason: B's return was rejected
    assert ev.to_dict()["attention"][0]["code"] == "K"


def test_a_note_is_quoted_only_for_the_year_it_explains():
    from reportkit.intake.types import RowNote

    plan = Plan(info(), (indicator("10", "≥20"),), units=UNITS)
    notes = {"K": RowNote("A", "K", "", "2021年统计口径调整", "")}
    r = evaluate(plan, [ret("A", {("K", 2023): 12}, notes=notes)]).indicators[0]
    assert [e.years for e in r.explanations] == [(2021,)]
    assert r.current_explanations == ()  # it does not explain the 2023 figure
    notes = {"K": RowNote("A", "K", "", "受疫情影响，新设主体减少", "")}
    r = evaluate(plan, [ret("A", {("K", 2023): 12}, notes=notes)]).indicators[0]
    assert len(r.current_explanations) == 1  # names no year: about its row
