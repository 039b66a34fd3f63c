"""Targets as printed in published plans: each form read with its number, direction and kind,
and `plan check` findings that name the cell and a readable alternative for the rest.

The examples are quoted from real plans (曾都区市场监管"十四五"规划, seed 004, and others).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from reportkit.definitions import lint_plan
from reportkit.definitions.model import BaselineSource, Kind
from reportkit.definitions.notation import Direction, Notation, Relative, chinese_number, parse_plan_value
from reportkit.formatting import chinese_ordinal

F, C, E = Direction.FLOOR, Direction.CEILING, Direction.EXACT


@pytest.mark.parametrize(("text", "value", "direction", "percent", "unit", "maintained", "strict"), [
    ("达95%以上", 95.0, F, True, "", False, False),  # 重点工业产品监督抽查合格率达95%以上
    ("达到95%以上", 95.0, F, True, "", False, False),
    ("稳定在85%以上", 85.0, F, True, "", True, False),  # 满意率稳定在85%以上
    ("保持在98%以上", 98.0, F, True, "", True, False),
    ("每年不低于90%", 90.0, F, True, "", True, False),
    ("控制在10/百万人口以内", 10.0, C, False, "/百万人口", False, False),  # 食品安全事故率
    ("压缩至1.5天", 1.5, C, False, "天", False, False),  # 企业开办时间压缩至1.5天
    ("不少于100人", 100.0, F, False, "人", False, False),
    ("至少1件", 1.0, F, False, "件", False, False),
    ("100名以上", 100.0, F, False, "名", False, False),  # 至少需配备100名以上执法监管人员
    ("6000件以上", 6000.0, F, False, "件", False, False),
    ("10 家以上", 10.0, F, False, "家", False, False),  # 诚信计量示范龙头企业10 家以上
    ("1000m2以上", 1000.0, F, False, "m2", False, False),  # 区级业务用房1000m2以上
    ("八个", 8.0, E, False, "个", False, False),
    ("十二件", 12.0, E, False, "件", False, False),
    ("全覆盖", 100.0, F, True, "", False, False),  # 强制检定实现全覆盖
    ("实现全覆盖", 100.0, F, True, "", False, False),
    ("确保不发生", 0.0, C, False, "", True, False),  # 确保不发生重大食品安全事故
    ("确保不发生重大食品安全事故", 0.0, C, False, "", True, False),
    (">95", 95.0, F, False, "", False, True),
    ("＞95%", 95.0, F, True, "", False, True),
    ("<2", 2.0, C, False, "", False, True),
    ("＜2", 2.0, C, False, "", False, True),
    ("≤−2", -2.0, C, False, "", False, False),  # typeset minus (U+2212)
    ("2‰", 2.0, E, False, "‰", False, False),
    ("≤1.5‰", 1.5, C, False, "‰", False, False),
    ("100%", 100.0, E, True, "", False, False),  # 入网率达100%
    ("达到100%", 100.0, F, True, "", False, False),
])
def test_printed_forms(text, value, direction, percent, unit, maintained, strict):
    v = parse_plan_value(text)
    assert v.ok, v.error
    assert (v.value, v.direction, v.percent, v.unit, v.maintained, v.strict) == (
        value, direction, percent, unit, maintained, strict)


@pytest.mark.parametrize(("text", "notation", "value", "direction"), [
    ("≥〔6000〕", Notation.CUMULATIVE, 6000.0, F),  # bracket inside the sign
    ("〔≥6000〕", Notation.CUMULATIVE, 6000.0, F),  # bracket outside the sign
    ("≤〈5〉", Notation.NEW, 5.0, C),
    ("〈≤5〉", Notation.NEW, 5.0, C),
])
def test_brackets_outside_or_inside_the_sign(text, notation, value, direction):
    v = parse_plan_value(text)
    assert (v.notation, v.value, v.direction) == (notation, value, direction)


@pytest.mark.parametrize(("text", "relative", "amount", "direction", "base_year", "baseline", "resolved"), [
    # 翻一番 on 3000 → 3000 × 2 = 6000
    ("翻一番", Relative.FACTOR, 2.0, F, None, 3000.0, 6000.0),
    ("在2019年基础上翻一番", Relative.FACTOR, 2.0, F, 2019, 3000.0, 6000.0),
    # 下降10% on 50 → 50 × (1 − 0.10) = 45
    ("下降10%", Relative.PERCENT, -10.0, C, None, 50.0, 45.0),
    ("较2020年下降10%", Relative.PERCENT, -10.0, C, 2020, 50.0, 45.0),
    # 提高3个百分点 on 90 → 93
    ("提高3个百分点", Relative.POINTS, 3.0, F, None, 90.0, 93.0),
    # 增加3件 on 9 (驰名商标"在原有的9件上力争增加3件") → 12
    ("增加3件", Relative.ADD, 3.0, F, None, 9.0, 12.0),
    # 增长20% on 200 → 240
    ("增长20%以上", Relative.PERCENT, 20.0, F, None, 200.0, 240.0),
])
def test_relative_targets_resolve_against_the_baseline(text, relative, amount, direction, base_year, baseline,
                                                       resolved):
    v = parse_plan_value(text)
    assert v.ok and v.value is None
    assert (v.relative, v.amount, v.direction, v.base_year) == (relative, amount, direction, base_year)
    assert v.resolve(baseline) == pytest.approx(resolved)
    assert v.resolve(None) is None  # no baseline, no number: never a guess


def test_growth_and_range_targets():
    g = parse_plan_value("年均增长7%")
    assert (g.relative, g.amount, g.direction) == (Relative.GROWTH, 7.0, F)
    r = parse_plan_value("6-10人")  # 执法人员配备6-10人
    assert (r.value, r.upper, r.unit, r.is_range) == (6.0, 10.0, "人", True)
    assert parse_plan_value("6～10").upper == 10.0


def test_chinese_numerals_read_back_what_the_report_writes():
    assert [chinese_number(chinese_ordinal(n)) for n in range(1, 2001)] == list(range(1, 2001))


@pytest.mark.parametrize("text", ["十三五", "三五", "百百"])
def test_chinese_plan_periods_are_not_numbers(text):
    assert chinese_number(text) is None


# --- plan check on a workbook written as plans are ------------------------------------------------

HEADER = ["指标编码", "指标名称", "单位", "基期值", "目标值", "类型", "填报单位", "基期年", "目标年",
          "基期值来源", "完成时限", "上级指标", "整数"]
#          A           B          C       D        E        F       G          H        I
#          J            K          L          M


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "规划信息"
    for row in [("项目", "内容"), ("规划编号", "forms"), ("规划名称", "写法测试规划"), ("基期年", 2020),
                ("目标年", 2025), ("评估截止日期", "2023-12-31")]:
        ws.append(row)
    ws = wb.create_sheet("指标")
    ws.append(HEADER)
    for r in rows:
        ws.append(r + [None] * (len(HEADER) - len(r)))
    ws = wb.create_sheet("填报单位")
    ws.append(["单位编码", "单位名称", "单位类型"])
    ws.append(["d1", "甲区", "区县"])
    wb.save(path)
    return path


def test_plan_check_names_cell_and_readable_form(tmp_path):
    rows = [
        ["K1", "注册商标总数", "件", "3000", "在2019年基础上翻一番", None, "d1", 2019, 2024],   # row 2: fine
        ["K2", "专利申报量", "件", "—", "在“十三五”的基础上翻一番", None, "d1"],             # row 3: unreadable
        ["K3", "驰名商标", "个", "9", "12件以上", None, "d1"],                              # row 4: 件 ≠ 个
        ["K4", "质押融资", "亿元", "〈3〉", "〈5〉", "累计值", "d1"],                          # row 5: kind vs 〈〉
        ["K5", "每万人口发明专利", "件", "12.5", "≥15", None, "d1", None, None, None, None, None, "是"],  # row 6
        ["K6", "注册商标增量", "件", "3000", "较2020年翻一番", None, "d1", 2019],             # row 7: 2020 ≠ 2019
        ["K7", "地标商标", "件", "—", "翻一番", None, "d1"],                                 # row 8: no baseline
        ["K8", "建成食品安全城市", None, "0", "1", "里程碑", "d1", None, None, None, "明年"],   # row 9: bad due
        ["K9", "国家标准", "项", "—", "≥5", None, "d1", None, None, None, None, "K99"],       # row 10: no parent
        ["K10", "事故率", "/百万人口", "1.5", "≤2", None, "d1"],                             # row 11: met at baseline
        ["K11", "期间新增", "亿元", "〈8〉", "〈5〉", None, "d1"],                              # row 12: 〈〉 lower, fine
        ["K12", "地标商标二", "件", "—", "翻一番", None, "d1", None, None, "填报汇总"],        # row 13: declared, fine
    ]
    plan, findings = lint_plan(_workbook(tmp_path / "plan.xlsx", rows))
    got = {(f.code, f.location.cell) for f in findings}
    assert ("plan.bad-target", "E3") in got
    assert ("plan.value-unit", "E4") in got
    assert ("plan.kind-notation", "D5") in got and ("plan.kind-notation", "E5") in got
    assert ("plan.integer-numbers", "M6") in got
    assert ("plan.base-year-conflict", "H7") in got
    assert ("plan.relative-no-baseline", "J8") in got
    assert ("plan.bad-due", "K9") in got
    assert ("plan.unknown-parent-indicator", "L10") in got
    assert ("plan.ceiling-above-baseline", "E11") in got  # informational only
    by_code = {f.code: f for f in findings}
    unreadable = by_code["plan.bad-target"]
    assert "在“十三五”的基础上翻一番" in unreadable.message and "翻一番" in unreadable.message
    assert "≥95%" in unreadable.message  # names forms that are read
    assert by_code["plan.ceiling-above-baseline"].severity.value == "info"
    # nothing about the rows written correctly
    assert not {c for c in got if c[1] and c[1][1:] in {"2", "12", "13"}}
    errors = [f for f in findings if f.severity.value == "error"]
    assert {f.location.cell for f in errors} == {"E3", "D5", "E5", "H7", "K9", "L10"}
    k1 = plan.indicator("K1")
    assert k1 is not None and (k1.baseline_year, k1.target_year, k1.integer) == (2019, 2024, True)
    k12 = plan.indicator("K12")
    assert k12 is not None and k12.baseline_source is BaselineSource.RETURNS
    k11 = plan.indicator("K11")
    assert k11 is not None and k11.kind is Kind.NEW


def test_instruction_sheet_describes_each_form(tmp_path):
    from reportkit.definitions.writer import write_plan_workbook

    wb = openpyxl.load_workbook(write_plan_workbook(None, tmp_path / "plan.xlsx", example_rows=True))
    text = "\n".join(str(c.value) for c in wb["填写说明"]["A"] if c.value)
    for form in ("达95%以上", "稳定在85%以上", "确保不发生", "全覆盖", "6000件以上", "≥〔6000〕", "6-10人", "翻一番",
                 "下降10%", "提高3个百分点", "年均增长7%", "基期值来源", "填报汇总", "完成时限", "2023年二季度",
                 "上级指标", "在2019年基础上翻一番"):
        assert form in text, form
    # the new columns are in the template the coordinator fills
    headers = [c.value for c in wb["指标"][1]]
    assert {"基期年", "目标年", "基期值来源", "完成时限", "上级指标", "整数"} <= set(headers)


def test_readme_describes_each_form_with_a_real_plan_example():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("## 评估口径")
    section = readme[start:readme.index("\n## ", start)]
    for form in ("达95%以上", "稳定在85%以上", "确保不发生", "全覆盖", "6000件以上", "〔≥6000〕", "6-10人", "翻一番",
                 "下降10%", "提高3个百分点", "年均增长7%", "填报汇总", "未到期", "逾期未完成", "总结评估", "分指标",
                 "同比最小变动量", "曾都区"):
        assert form in section, form
