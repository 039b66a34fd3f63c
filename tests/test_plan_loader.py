"""The same plan written as a workbook (Chinese headers, free column order, note rows) and as
YAML (English keys) loads to an equal model."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from reportkit.definitions import load_plan, load_plan_with_findings
from reportkit.definitions.model import Aggregation, Attribute, Kind, UnitType
from reportkit.definitions.notation import Direction, Notation
from reportkit.definitions.writer import write_plan_workbook
from reportkit.errors import PlanError
from reportkit.scaffold import example_plan_path

YAML = """
plan:
  id: demo
  name: 示例市市场监管规划
  baseline_year: 2020
  target_year: 2025
  cutoff: 2023-06-30
  evaluation_kind: 中期评估
  deadline: 2023-07-20
  tolerance: 3
  cumulative_brackets: "〔〕"
  new_brackets: "〈〉"
indicators:
  - {code: A1, category: 市场主体, name: 全市市场主体数量(万户), baseline: "11.59", target: "20", attribute: 预期性,
     reporters: 全部区县, lead_unit: d1}
  - {code: A2, name: 食品抽检合格率, unit: "%", baseline: "≥95%", target: "≥99%", attribute: 约束性,
     formula: 合格批次 / 抽检批次 * 100, lower: 0, upper: 100}
  - {code: A3, name: 质押融资金额, unit: 亿元, baseline: "〈0〉", target: "〈5〉", lead_unit: dept, reporters: dept}
items:
  - {code: I1, name: 抽检批次, unit: 批次, integer: 是, reporters: 全部区县, lower: 0}
  - {code: I2, name: 合格批次, unit: 批次, integer: 是, reporters: 全部区县, lower: 0}
units:
  - {code: d1, name: 甲区, type: 区县}
  - {code: d2, name: 乙区, type: 区县}
  - {code: dept, name: 市局知识产权科, type: 部门}
tasks:
  - {code: T1, chapter: 一、优化营商环境, title: 推行告知承诺制, lead_unit: dept, reporters: "dept、甲区", due_year: 2024}
rules:
  - {code: R1, left: 合格批次, operator: "≤", right: 抽检批次, severity: 强制性, message: 合格批次不能大于抽检批次}
"""


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "规划信息"
    for row in [("项目", "内容"), ("规划编号", "demo"), ("规划名称", "示例市市场监管规划"), ("基期年", 2020),
                ("目标年", 2025), ("评估截止日期", dt.datetime(2023, 6, 30)), ("评估类型", "中期评估"),
                ("填报截止日期", "2023年7月20日"), ("进度容差", 3), ("累计数括号", "〔〕"), ("新增数括号", "〈〉")]:
        ws.append(row)
    ws = wb.create_sheet("指标")
    ws.append(["“十四五”主要指标"])  # a title row above the header
    ws.append(["属性", "编码", "主要指标", "规划值", "基期值", "单位", "类别", "填报单位", "牵头单位", "formula",
               "合理下限", "合理上限"])
    ws.append(["预期性", "A1", "全市市场主体数量(万户)", "20", 11.59, None, "市场主体", "全部区县", "d1"])
    ws.append([])
    ws.append(["约束性", "A2", "食品抽检合格率", "≥99%", "≥95%", "%", None, None, None, "合格批次 / 抽检批次 * 100",
               0, 100])
    ws.append(["预期性", "A3", "质押融资金额", "〈5〉", "〈0〉", "亿元", None, "dept", "市局知识产权科"])
    ws.append(["注：〔〕内为累计数，〈〉内为规划期间新增数。"])
    ws = wb.create_sheet("data_items")
    ws.append(["code", "name", "unit", "integer", "reporters", "min"])
    ws.append(["I1", "抽检批次", "批次", "是", "全部区县", 0])
    ws.append(["I2", "合格批次", "批次", "yes", "各区县", 0])
    ws = wb.create_sheet("填报单位")
    ws.append(["单位编码", "单位名称", "单位类型"])
    ws.append(["d1", "甲区", "区县"])
    ws.append(["d2", "乙区", "区"])
    ws.append(["dept", "市局知识产权科", "部门"])
    ws = wb.create_sheet("重点任务")
    ws.append(["任务编码", "规划章节", "任务名称", "牵头单位", "填报单位", "完成年限"])
    ws.append(["T1", "一、优化营商环境", "推行告知承诺制", "市局知识产权科", "dept、甲区", 2024])
    ws = wb.create_sheet("校验规则")
    ws.append(["规则编码", "左式", "运算符", "右式", "审核类别", "提示信息"])
    ws.append(["R1", "合格批次", "<=", "抽检批次", "强制性", "合格批次不能大于抽检批次"])
    wb.save(path)
    return path


def test_workbook_and_yaml_load_to_equal_models(tmp_path):
    y = tmp_path / "plan.yaml"
    y.write_text(YAML, encoding="utf-8")
    from_yaml, f1 = load_plan_with_findings(y)
    from_xlsx, f2 = load_plan_with_findings(_workbook(tmp_path / "plan.xlsx"))
    assert f1 == [] and f2 == []
    assert from_yaml == from_xlsx
    p = from_xlsx
    assert p.info.cutoff == dt.date(2023, 6, 30) and p.info.deadline == dt.date(2023, 7, 20)
    assert p.info.time_progress == 50.0
    a1, a2, a3 = p.indicators
    assert (a1.name, a1.unit, a1.reporters, a1.aggregation) == ("全市市场主体数量", "万户", ("d1", "d2"), Aggregation.SUM)
    assert a2.attribute is Attribute.BINDING and a2.kind is Kind.RATE and a2.aggregation is Aggregation.FORMULA
    assert a2.direction is Direction.FLOOR and a2.baseline.percent
    assert a3.kind is Kind.NEW and a3.notation is Notation.NEW and a3.aggregation is Aggregation.LEAD
    assert a3.lead_unit == "dept"  # resolved from the unit's name
    assert p.indicator_reporters(a2) == ("d1", "d2")
    assert p.units[1].type is UnitType.DISTRICT
    assert p.tasks[0].reporters == ("dept", "d1") and p.tasks[0].due_year == 2024
    assert p.rules[0].operator == "<="


@pytest.mark.parametrize("name", ["ezhou", "dinghu", "zhongshan"])
def test_written_workbook_reads_back_equal(tmp_path, name):
    plan = load_plan(example_plan_path(name))
    out = write_plan_workbook(plan, tmp_path / f"{name}.xlsx")
    again, findings = load_plan_with_findings(out)
    assert findings == []
    assert again == plan


def test_plain_target_infers_direction_from_baseline(tmp_path):
    y = tmp_path / "p.yaml"
    y.write_text(YAML.replace('target: "20"', 'target: "5"'), encoding="utf-8")
    assert load_plan(y).indicators[0].direction is Direction.CEILING


def test_unreadable_plan_files_raise_plan_error(tmp_path):
    with pytest.raises(PlanError):
        load_plan(tmp_path / "missing.xlsx")
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(PlanError):
        load_plan(bad)
    y = tmp_path / "plan.yaml"
    y.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PlanError):
        load_plan(y)
    y.write_text("plan: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlanError):
        load_plan(y)


def test_repository_inputs_hold_the_ezhou_example():
    root = Path(__file__).resolve().parents[1]
    assert load_plan(root / "inputs" / "plan.xlsx") == load_plan(example_plan_path("ezhou"))


def test_repository_returns_are_the_ezhou_example_returns():
    import hashlib

    root = Path(__file__).resolve().parents[1]
    packaged = Path(example_plan_path("ezhou")).parent / "returns"

    def digests(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}

    assert digests(root / "inputs" / "returns") == digests(packaged)


def test_plan_model_round_trips_through_its_workbook_unchanged(tmp_path):
    """A plan built as a model, written as plan.xlsx and read back is the same plan with the same
    fingerprint: the integer flag, own years, baseline source, due dates and parts are written
    out, not inferred again differently (a count unit with a non-integer plan number stayed
    integer on read-back before)."""
    from reportkit.definitions.model import BaselineSource, Indicator, Plan, PlanInfo, Task, Unit
    from reportkit.definitions.notation import parse_plan_value

    def ind(code: str, baseline: str, target: str, **kw: object) -> Indicator:
        kw.setdefault("reporters", ("d1",))
        return Indicator(code=code, name=f"指标{code}", baseline=parse_plan_value(baseline),
                         target=parse_plan_value(target), **kw)  # type: ignore[arg-type]

    plan = Plan(
        PlanInfo(id="rt", name="往返测试规划"),
        (ind("A1", "12.5", "≥15", unit="件", integer=False),  # per-10,000 ratio in 件: not integer
         ind("A2", "9", "12件以上", unit="件", integer=True),
         ind("A3", "3000", "在2019年基础上翻一番", unit="件", integer=True, baseline_year=2019, target_year=2024),
         ind("A4", "—", "≥98", unit="%", baseline_source=BaselineSource.RETURNS),
         ind("A5", "0", "1", kind=Kind.MILESTONE, due="2023年底前"),
         ind("A6", "—", "≥5", unit="项", parent="A2", integer=True)),
        units=(Unit("d1", "甲区"),),
        tasks=(Task("T1", "一、", "建成平台", due_year=2023, due="2023年二季度", lead_unit="d1", reporters=("d1",)),),
    )
    out = write_plan_workbook(plan, tmp_path / "plan.xlsx")
    again, findings = load_plan_with_findings(out)
    assert findings == []
    assert again == plan
    assert again.fingerprint() == plan.fingerprint()


@pytest.mark.parametrize(("unit", "baseline", "target", "integer"), [
    ("件", "9", "12件以上", True),  # counts printed as whole numbers
    ("件", "12.5", "≥15", False),  # 每万人口发明专利拥有量: a ratio although its unit is 件
    ("户", "0.8", "1.2", False),
    ("万户", "11", "20", False),  # not a count unit
    ("%", "90", "95", False),
])
def test_integer_flag_follows_the_plans_own_numbers(tmp_path, unit, baseline, target, integer):
    y = tmp_path / "p.yaml"
    y.write_text(YAML.replace('name: 全市市场主体数量(万户), baseline: "11.59", target: "20"',
                              f'name: 全市市场主体数量, unit: "{unit}", baseline: "{baseline}", target: "{target}"'),
                 encoding="utf-8")
    assert load_plan(y).indicators[0].integer is integer
