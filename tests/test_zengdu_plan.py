"""The 曾都区市场监管"十四五"规划 (seed 004), a plan with its targets in prose, entered as printed
(tests/fixtures/zengdu/plan.yaml), its forms generated, filled and validated, then evaluated.

Cut-off 2023-12-31. The plan's own 时间进度 is (2023 − 2020)/5 = 60%; the trademark targets run
2019 → 2024, so theirs is (2023 − 2019)/5 = 80%.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fixtures.returns.builders import fill
from openpyxl import load_workbook

from reportkit.checks.run import validate_return
from reportkit.definitions import lint_plan, load_plan
from reportkit.definitions.model import Plan
from reportkit.definitions.notation import parse_plan_value
from reportkit.evaluation import Status, evaluate
from reportkit.evaluation.types import MilestoneState
from reportkit.forms import layout as L
from reportkit.forms.writer import write_form
from reportkit.rendering.sentences import compose, sentence_parts

PLAN_PATH = Path(__file__).parent / "fixtures" / "zengdu" / "plan.yaml"


def test_targets_as_printed_leave_one_finding():
    plan, findings = lint_plan(PLAN_PATH)
    assert len(plan.indicators) == 30
    errors = [f for f in findings if f.severity.value == "error"]
    # the one target with no number: 专利申报量“在‘十三五’的基础上翻一番”
    assert [(f.code, f.location.indicator) for f in errors] == [("plan.bad-target", "Z29")]
    assert "十三五" in errors[0].message
    assert [f for f in findings if f.severity.value == "warning"] == []
    z = {i.code: i for i in plan.indicators}
    assert z["Z23"].baseline_year == 2019 and z["Z23"].target_year == 2024  # from "在2019年基础上"
    assert z["Z06"].target.upper == 10  # 6-10人
    assert z["Z13"].target.maintained and z["Z14"].target.maintained
    assert z["Z10"].due == "2023年建成"


def _entered(plan: Plan) -> Plan:
    """What the coordinator does with the finding: the target with no number becomes "—", the
    printed text stays in the note."""
    fixed = tuple(replace(i, target=parse_plan_value("—")) if i.code == "Z29" else i for i in plan.indicators)
    return replace(plan, indicators=fixed)


# (unit, code) → {year: value}; every row a unit reports is filled, the rest of the figures plain
VALUES: dict[tuple[str, str], dict[int, float]] = {
    # 2019 → 2024 trademarks, baselines from the 所' 2019 figures:
    # Z23: 1500 + 1000 + 700 = 3200 → ×2 = 6400; 2023: 2700 + 1900 + 1200 = 5800 → 2600/3200 = 81.25%
    ("beijiao", "Z23"): {2019: 1500, 2020: 1700, 2021: 2000, 2022: 2300, 2023: 2700},
    ("nanjiao", "Z23"): {2019: 1000, 2020: 1100, 2021: 1300, 2022: 1600, 2023: 1900},
    ("dongcheng", "Z23"): {2019: 700, 2020: 760, 2021: 900, 2022: 1050, 2023: 1200},
    # Z24: 1400 + 900 + 700 = 3000; target ≥6000; 2023: 2500 + 1700 + 1200 = 5400 → 2400/3000 = 80%
    ("beijiao", "Z24"): {2019: 1400, 2020: 1600, 2021: 1900, 2022: 2200, 2023: 2500},
    ("nanjiao", "Z24"): {2019: 900, 2020: 1000, 2021: 1200, 2022: 1450, 2023: 1700},
    ("dongcheng", "Z24"): {2019: 700, 2020: 750, 2021: 900, 2022: 1050, 2023: 1200},
    ("beijiao", "Z11"): {2021: 20, 2022: 25, 2023: 30},
    ("nanjiao", "Z11"): {2021: 15, 2022: 20, 2023: 20},
    ("dongcheng", "Z11"): {2021: 10, 2022: 10, 2023: 15},
    # milestones: 食品安全城市 due 2023, done 2023 → 按期; 监管平台 due 2025, not done → 未到期
    ("food", "Z10"): {2021: 0, 2022: 0, 2023: 1},
    ("food", "Z09"): {2021: 0, 2022: 0, 2023: 0},
    # maintained: 满意率稳定在85%以上 broken in 2022; 确保不发生 kept
    ("food", "Z14"): {2020: 86, 2021: 86, 2022: 84, 2023: 87},
    ("food", "Z13"): {2020: 0, 2021: 0, 2022: 0, 2023: 0},
    ("food", "Z05"): {2020: 6, 2021: 7, 2022: 8, 2023: 9},
    ("food", "Z06"): {2020: 4, 2021: 5, 2022: 6, 2023: 7},  # fewest staff in one 所: 7, inside 6-10
    ("food", "Z07"): {2020: 2, 2021: 3, 2022: 5, 2023: 7},
    ("food", "Z12"): {2020: 6, 2021: 5, 2022: 5.5, 2023: 4},
    ("food", "Z15"): {2020: 100, 2021: 100, 2022: 100, 2023: 100},
    # 重点工业产品监督抽查合格率: baseline from returns 92.0; 2023 94.1 → 2.1/3 = 70% vs 60% → 快于预期
    ("quality", "Z16"): {2020: 92.0, 2021: 92.8, 2022: 93.5, 2023: 94.1},
    ("quality", "Z17"): {2020: 93.0, 2021: 93.5, 2022: 94.0, 2023: 94.5},
    ("quality", "Z18"): {2021: 0, 2022: 1, 2023: 1},
    # 驰名商标 9 (2019) → ≥12 (2024); 2023: 11 → 2/3 = 66.7% vs 80% → 滞后
    ("ip", "Z27"): {2019: 9, 2020: 9, 2021: 10, 2022: 10, 2023: 11},
    # 地理标志集体商标 增加2件 on the 2019 figure 3 → 5; 2023: 4 → 1/2 = 50% vs 80% → 滞后
    ("ip", "Z28"): {2019: 3, 2020: 3, 2021: 3, 2022: 4, 2023: 4},
    ("ip", "Z25"): {2019: 20, 2020: 24, 2021: 30, 2022: 36, 2023: 44},
    ("ip", "Z26"): {2019: 2, 2020: 2, 2021: 3, 2022: 4, 2023: 5},
    ("ip", "Z19"): {2021: 0, 2022: 1, 2023: 1},
    ("ip", "Z29"): {2020: 300, 2021: 320, 2022: 350, 2023: 400},
    # 专利示范企业 2020 → 2024 (15家): 5 → 13 is 8/10 = 80% against (2023 − 2020)/4 = 75% → on track
    ("ip", "Z30"): {2020: 5, 2021: 8, 2022: 10, 2023: 13},
    # 企业开办时间 from 5.0 days (2020, reported) to ≤1.5: 2023 2.0 → 3/3.5 = 85.7% → 快于预期
    ("registration", "Z01"): {2020: 5.0, 2021: 3.5, 2022: 2.5, 2023: 2.0},
    ("registration", "Z02"): {2020: 60, 2021: 80, 2022: 95, 2023: 100},
    ("drug", "Z08"): {2020: 90, 2021: 95, 2022: 98, 2023: 100},
    ("metrology", "Z20"): {2020: 90, 2021: 91, 2022: 92, 2023: 93},
    ("metrology", "Z21"): {2020: 80, 2021: 90, 2022: 95, 2023: 100},
    ("metrology", "Z22"): {2020: 3, 2021: 5, 2022: 7, 2023: 8},
    ("office", "Z03"): {2020: 80, 2021: 86, 2022: 92, 2023: 96},
    ("office", "Z04"): {2020: 600, 2021: 600, 2022: 1000, 2023: 1000},
}
TASKS = {"registration": {"T02": ("专区建设完成80%", "按进度推进", "", "年底上线")},
         "food": {"T01": ("已通过国家级食品安全城市验收", "已完成", "", "巩固创建成果")},
         "ip": {"T03": ("已有62%规上企业拥有自主商标", "按进度推进", "", "继续培育")}}
NOTES = {("food", "Z14"): "2022年受疫情影响满意率下降", ("office", "Z04"): "2022年新建业务用房投入使用"}


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory):
    plan = _entered(load_plan(PLAN_PATH))
    tmp = tmp_path_factory.mktemp("zengdu")
    returns = []
    for unit in (u.code for u in plan.reporting_units()):
        form = write_form(plan, unit, tmp / f"{unit}-form.xlsx").path
        values = {(code, year): v for (u, code), series in VALUES.items() if u == unit for year, v in series.items()}
        notes = {code: text for (u, code), text in NOTES.items() if u == unit}
        data = validate_return(plan, fill(form, tmp / f"{unit}.xlsx", values, notes, TASKS.get(unit, {})))
        assert data.state in {"accepted", "accepted-with-explanations"}, [(f.code, f.message) for f in data.findings]
        returns.append(data)
    return plan, tmp, evaluate(plan, returns)


def test_forms_have_the_2019_column_for_the_2019_targets(evaluation):
    _, tmp, _ = evaluation
    ws = load_workbook(tmp / "beijiao-form.xlsx")[L.SHEET_INDICATORS]
    headers = [c.value for row in ws.iter_rows(min_row=1, max_row=6) for c in row if c.value]
    assert [h for h in headers if isinstance(h, str) and h.endswith("年") and h[:4].isdigit()] == [
        "2019年", "2020年", "2021年", "2022年", "2023年"]


def test_trademarks_2019_to_2024_on_their_own_schedule_with_baselines_from_returns(evaluation):
    _, _, ev = evaluation
    z23, z24 = ev.result("Z23"), ev.result("Z24")
    assert z23.time_progress == pytest.approx(80.0) and z24.time_progress == pytest.approx(80.0)
    assert z23.baseline == 3200 and z23.target == 6400  # 翻一番 on the summed 2019 figures
    assert z23.progress == pytest.approx(81.25) and z23.status is Status.ON_TRACK  # not 快于预期 against 60%
    assert z24.baseline == 3000 and z24.progress == pytest.approx(80.0) and z24.status is Status.ON_TRACK
    assert z23.baseline_origin.source == "returns" and z23.baseline_origin.coverage == "3/3"
    assert "2019年" in z23.baseline_origin.text
    z27 = ev.result("Z27")  # printed baseline 9 (2019)
    assert z27.progress == pytest.approx(200 / 3) and z27.status is Status.LAGGING
    z28 = ev.result("Z28")  # 增加2件 on 3
    assert z28.target == 5 and z28.progress == pytest.approx(50.0) and z28.status is Status.LAGGING
    z16 = ev.result("Z16")  # 2020 baseline from the quality section's own return
    assert z16.baseline == pytest.approx(92.0) and z16.progress == pytest.approx(70.0)
    assert z16.status is Status.AHEAD
    z01 = ev.result("Z01")  # 压缩至1.5天: a ceiling from 5.0
    assert z01.progress == pytest.approx(3 / 3.5 * 100) and z01.status is Status.AHEAD


def test_milestones_by_due_date(evaluation):
    _, _, ev = evaluation
    city = ev.result("Z10")
    assert city.milestone.state is MilestoneState.DONE and city.milestone.timing == "按期"
    assert city.status is Status.MET
    platform = ev.result("Z09")
    assert platform.milestone.state is MilestoneState.NOT_DUE and platform.status is Status.NOT_DUE
    assert "滞后" not in compose(platform, sentence_parts(platform, {}))
    t01, t02, t03 = ev.tasks.results
    assert t02.overdue and t02.status == "滞后" and t02.due.label == "2022年二季度"
    assert not t01.overdue and t01.status == "已完成"
    assert not t03.overdue


def test_maintained_targets_every_year(evaluation):
    _, _, ev = evaluation
    z14 = ev.result("Z14")
    assert z14.broken_years == (2022,) and z14.status is Status.LAGGING
    assert [e.text for e in z14.explanations] == ["2022年受疫情影响满意率下降"]
    assert z14.current_explanations == ()  # it explains 2022, not the 2023 figure
    z13 = ev.result("Z13")
    assert z13.status is Status.ACHIEVED and z13.years_checked == (2021, 2022, 2023) and z13.alert is False


def test_other_printed_forms_evaluate(evaluation):
    _, _, ev = evaluation
    assert ev.result("Z06").status is Status.ACHIEVED  # 7 within 6-10人
    assert ev.result("Z02").status is Status.ACHIEVED  # 全覆盖 = 100%
    assert ev.result("Z11").current == 165 and ev.result("Z11").progress == pytest.approx(82.5)  # 165/200
    z29 = ev.result("Z29")  # no number: reported, not judged
    assert z29.status is Status.UNKNOWN and z29.current == 400
    # every other indicator is judged: the plan prints no baselines, the returns supply them
    assert [r.code for r in ev.indicators if r.status is Status.UNKNOWN] == ["Z29"]
    # 执法监管人员 from 80 (2020, reported) to 100名以上: 2023 96 → 16/20 = 80% vs 60% → 快于预期
    assert ev.result("Z03").progress == pytest.approx(80.0) and ev.result("Z03").status is Status.AHEAD
    z30 = ev.result("Z30")
    assert z30.time_progress == pytest.approx(75.0) and z30.status is Status.ON_TRACK
    # nothing judged 滞后 only for not being done yet
    lagging = {r.code for r in ev.indicators if r.status is Status.LAGGING}
    assert lagging == {"Z14", "Z27", "Z28"}, {r.code: r.reason for r in ev.indicators if r.code in lagging}
