"""Annual work plans (工作要点): one year, no baseline year, rounds, tasks with quarter
deadlines, 逐年提高 / 同比下降 targets judged against the year before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_evaluation import indicator, info, one

from reportkit.definitions.check import lint_plan
from reportkit.definitions.loader import load_plan
from reportkit.definitions.model import BaselineSource, PlanType
from reportkit.definitions.notation import Direction, parse_plan_value
from reportkit.definitions.rounds import (
    RoundError,
    next_cutoff,
    parse_round,
    period_cutoff,
    period_round_label,
)
from reportkit.definitions.writer import write_plan_workbook
from reportkit.evaluation import Status
from reportkit.forms.meta import period_of
from reportkit.scaffold import example_plan_path

WORK_PLAN = """
plan:
  id: wp
  name: 某局2020年工作要点
  plan_type: 工作要点
  target_year: 2020
  round: {round}
units:
  - {{code: a, name: 甲科, type: 部门}}
indicators:
  - {{code: K1, name: 覆盖率, unit: "%", baseline: "—", target: 保持在80%以上并逐年提高, kind: 比率,
     reporters: a, baseline_source: 填报汇总}}
tasks:
  - {{code: T1, chapter: 一、质量, title: 年初任务, due_year: 年初, lead_unit: a}}
  - {{code: T2, chapter: 一、质量, title: 二季度任务, due_year: 二季度, lead_unit: a}}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "plan.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_single_year_plan_without_baseline_year_is_accepted(tmp_path):
    plan, findings = lint_plan(write(tmp_path, WORK_PLAN.format(round="半年")))
    assert findings == []
    i = plan.info
    assert i.plan_type is PlanType.WORK_PLAN and i.is_work_plan
    # the year before is the comparison year; the round gives the cut-off
    assert (i.baseline_year, i.target_year, i.cutoff) == (2019, 2020, dt.date(2020, 6, 30))
    assert i.round == "上半年" and i.round_label == "2020年上半年" and i.document_kind == "落实情况通报"
    assert period_of(plan) == "2020-上半年"
    assert [t.due for t in plan.tasks] == ["年初", "二季度"]


def test_five_year_plan_needs_its_baseline_year(tmp_path):
    text = WORK_PLAN.format(round="半年").replace("plan_type: 工作要点", "plan_type: 规划")
    _, findings = lint_plan(write(tmp_path, text))
    assert any(f.code == "plan.info-missing" and "基期年" in f.message for f in findings)


def test_bad_round_is_a_finding_with_its_cell(tmp_path):
    _, findings = lint_plan(write(tmp_path, WORK_PLAN.format(round="下旬")))
    bad = [f for f in findings if f.code == "plan.bad-value"]
    assert bad and "报送期次" in bad[0].message and "下旬" in bad[0].message


def test_work_plan_round_trips_through_the_workbook(tmp_path):
    plan = load_plan(example_plan_path("zhongshan"))
    path = write_plan_workbook(plan, tmp_path / "plan.xlsx")
    again, findings = lint_plan(path)
    assert [f for f in findings if f.severity.value == "error"] == []
    assert again.info.plan_type is PlanType.WORK_PLAN and again.info.round == "上半年"
    assert again.fingerprint() == plan.fingerprint()
    assert [t.due for t in again.tasks] == [t.due for t in plan.tasks]


def test_rounds_and_their_cutoffs():
    assert parse_round("一季度", 2020) == ("一季度", dt.date(2020, 3, 31))
    assert parse_round("半年", 2020) == ("上半年", dt.date(2020, 6, 30))
    assert parse_round("三季度", 2020) == ("前三季度", dt.date(2020, 9, 30))
    assert parse_round("年度", 2020) == ("全年", dt.date(2020, 12, 31))
    assert parse_round("2020-08-15", 2020) == ("8月15日", dt.date(2020, 8, 15))
    with pytest.raises(RoundError):
        parse_round("下旬", 2020)
    assert period_round_label("2020-全年") == "2020年度"
    assert period_round_label("2020-8月15日") == "截至2020年8月15日"
    assert period_cutoff("2020-一季度") == dt.date(2020, 3, 31)
    assert period_cutoff("2023-中期评估") is None
    assert next_cutoff(dt.date(2020, 6, 30)) == dt.date(2020, 9, 30)
    assert next_cutoff(dt.date(2020, 8, 15)) == dt.date(2020, 9, 30)
    assert next_cutoff(dt.date(2020, 12, 31)) is None


def test_yearly_targets_are_read():
    v = parse_plan_value("保持在80%以上并逐年提高")
    assert (v.value, v.direction, v.maintained, v.yearly, v.error) == (80.0, Direction.FLOOR, True, True, None)
    v = parse_plan_value("逐年提高")
    assert v.value is None and v.yearly and v.direction is Direction.FLOOR and not v.is_blank and v.ok
    v = parse_plan_value("同比下降")
    assert v.yearly and v.direction is Direction.CEILING


WP_INFO = {"baseline_year": 2019, "target_year": 2020, "cutoff": dt.date(2020, 6, 30),
           "plan_type": PlanType.WORK_PLAN, "round": "上半年"}


def yearly(target: str):
    return indicator("—", target, baseline_source=BaselineSource.RETURNS)


def test_yearly_rise_judged_against_the_previous_year():
    r = one(yearly("逐年提高"), {2019: 60.0, 2020: 63.5}, info(**WP_INFO))
    assert r.status is Status.ON_TRACK and "2019年" in r.reason and "提高" in r.reason
    r = one(yearly("逐年提高"), {2019: 60.0, 2020: 58.0}, info(**WP_INFO))
    assert r.status is Status.LAGGING and "未比上年" in r.reason


def test_yearly_rise_needs_the_previous_year():
    r = one(yearly("逐年提高"), {2020: 63.5}, info(**WP_INFO))
    assert r.status is Status.UNKNOWN and "2019年" in r.reason


def test_level_and_yearly_rise_both_count():
    # above 80% but lower than last year: lagging whatever the level says
    r = one(yearly("保持在80%以上并逐年提高"), {2019: 86.0, 2020: 85.0}, info(**WP_INFO))
    assert r.status is Status.LAGGING and "未比上年" in r.reason
    r = one(yearly("保持在80%以上并逐年提高"), {2019: 84.0, 2020: 85.0}, info(**WP_INFO))
    assert r.status is Status.ACHIEVED


def test_yearly_fall_at_year_end_is_met_or_not():
    end = {**WP_INFO, "cutoff": dt.date(2020, 12, 31), "round": "全年"}
    r = one(yearly("同比下降"), {2019: 5.0, 2020: 4.0}, info(**end))
    assert r.status is Status.MET
    r = one(yearly("同比下降"), {2019: 5.0, 2020: 5.0}, info(**end))
    assert r.status is Status.NOT_MET
