"""`plan check` on a deliberately broken definitions workbook: every finding with its code and cell."""

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.definitions import lint_plan
from reportkit.findings import Severity, spec
from reportkit.scaffold import DATA


def broken_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "规划信息"
    for row in [("项目", "内容"), ("规划编号", "broken"), ("规划名称", "有问题的规划"), ("基期年", 2020),
                ("目标年", 2025), ("评估截止日期", "2023-12-31")]:
        ws.append(row)
    ws = wb.create_sheet("指标")
    ws.append(["指标编码", "指标名称", "单位", "基期值", "目标值", "合理下限", "合理上限", "牵头单位", "填报单位",
               "计算公式", "汇总方式", "基期数值"])  # L1: a header the loader does not know
    rows = [
        ["A1", "市场主体数量", "万户", "11.59", "20", None, None, "d1", "全部区县"],         # row 2: fine
        ["A1", "重复编码指标", "件", "1", "2", None, None, "d1", "d1"],                     # row 3: duplicate code
        ["A3", "基期乱填", "件", "约十", "≥abc", None, None, "d1", "d1"],                   # row 4: bad baseline/target
        ["A4", "下限目标低于基期", "%", "98", "≥90", 0, 120, "d1", "d1"],                 # row 5: floor<baseline, rate bounds
        ["A5", "上限目标高于基期", "起", "2", "≤3", None, None, "d1", "d1"],               # row 6: ceiling>baseline
        ["A6", "公式错", "%", "90", "95", None, None, "d1", None, "合格 / (抽检"],        # row 7: bad formula
        ["A7", "公式引用未知项", "%", "90", "95", None, None, "d1", None, "合格批次 / 不存在的项 * 100"],  # row 8
        ["A8", "循环一", "%", "1", "2", None, None, "d1", None, "A9 * 1"],                # row 9: cycle
        ["A9", "循环二", "%", "1", "2", None, None, "d1", None, "A8 * 1"],                # row 10: cycle
        ["A10", "未知单位", "件", "1", "2", None, None, "nobody", "d1、幽灵区"],          # row 11: unknown units
        ["A11", "没人填报", "件", "1", "2", None, None, None, None],                       # row 12: no reporter
        [None, "没有编码", "件", "1", "2", None, None, "d1", "d1"],                         # row 13: missing code
    ]
    for r in rows:
        ws.append(r)
    ws = wb.create_sheet("数据项")
    ws.append(["数据项编码", "数据项名称", "单位", "填报单位"])
    ws.append(["I1", "合格批次", "批次", "全部区县"])
    ws = wb.create_sheet("填报单位")
    ws.append(["单位编码", "单位名称", "单位类型"])
    ws.append(["d1", "甲区", "区县"])
    ws = wb.create_sheet("重点任务")
    ws.append(["任务编码", "规划章节", "任务名称", "牵头单位"])
    ws.append(["T1", "一、营商环境", "告知承诺", "不存在的科"])  # row 2: unknown lead unit
    wb.save(path)
    return path


EXPECTED = {
    ("plan.duplicate-code", "A3"),
    ("plan.bad-baseline", "D4"),
    ("plan.bad-target", "E4"),
    ("plan.floor-below-baseline", "E5"),
    ("plan.rate-bounds", "G5"),
    ("plan.ceiling-above-baseline", "E6"),
    ("plan.bad-formula", "J7"),
    ("plan.formula-unknown-item", "J8"),
    ("plan.formula-cycle", "J9"),
    ("plan.unknown-unit", "H11"),
    ("plan.unknown-unit", "I11"),
    ("plan.no-reporter", "I12"),
    ("plan.required", "A13"),
    ("plan.unknown-unit", "D2"),  # the task sheet
    ("plan.unknown-column", "L1"),
}


def test_every_problem_with_code_and_cell(tmp_path):
    plan, findings = lint_plan(broken_workbook(tmp_path / "plan.xlsx"))
    got = {(f.code, f.location.cell) for f in findings}
    assert got == EXPECTED
    by_code = {f.code: f for f in findings}
    assert by_code["plan.bad-baseline"].location.sheet == "指标"
    assert "约十" in by_code["plan.bad-baseline"].message
    assert "A8 → A9 → A8" in by_code["plan.formula-cycle"].message
    assert "不存在的项" in by_code["plan.formula-unknown-item"].message
    task_finding = next(f for f in findings if f.location.sheet == "重点任务")
    assert "不存在的科" in task_finding.message
    assert all(f.hint for f in findings)


def test_cli_exit_codes_and_json_equals_library(tmp_path):
    path = broken_workbook(tmp_path / "plan.xlsx")
    runner = CliRunner()
    result = runner.invoke(main, ["plan", "check", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    _, findings = lint_plan(path)
    assert sorted(json.dumps(f, sort_keys=True) for f in data["findings"]) == sorted(
        json.dumps(f.to_dict(), sort_keys=True) for f in findings)
    text = runner.invoke(main, ["plan", "check", str(path)])
    assert text.exit_code == 1
    assert "指标!D4" in text.output and "基期值" in text.output
    assert runner.invoke(main, ["plan", "check", str(tmp_path / "nope.xlsx")]).exit_code == 2
    assert runner.invoke(main, ["plan", "check", "--bogus"]).exit_code == 2


def test_repository_root_is_a_clean_example_project():
    root = Path(__file__).resolve().parents[1]
    result = CliRunner().invoke(main, ["plan", "check", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output


def test_init_scaffolds_and_never_overwrites(tmp_path):
    runner = CliRunner()
    target = tmp_path / "proj"
    r = runner.invoke(main, ["init", str(target)])
    assert r.exit_code == 0, r.output
    for p in ("inputs/plan.xlsx", "inputs/returns", "templates", "outputs"):
        assert (target / p).exists()
    assert any((target / "templates").glob("*.docx"))
    wb = openpyxl.load_workbook(target / "inputs" / "plan.xlsx")
    assert {"填写说明", "规划信息", "指标", "数据项", "填报单位", "重点任务", "校验规则"} <= set(wb.sheetnames)
    assert runner.invoke(main, ["plan", "check", "--project", str(target)]).exit_code == 0
    plan_file = target / "inputs" / "plan.xlsx"
    plan_file.write_bytes(b"coordinator's own edits")
    r = runner.invoke(main, ["init", str(target), "--example", "ezhou"])
    assert r.exit_code == 0
    assert plan_file.read_bytes() == b"coordinator's own edits"
    assert "未覆盖" in r.output
    assert runner.invoke(main, ["init", str(tmp_path / "x"), "--example", "nope"]).exit_code == 2


# every folder there but Python's bytecode cache (made by compiling the package: pip install, bench/)
@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "examples").iterdir()
                                        if p.is_dir() and p.name != "__pycache__"))
def test_init_example_checks_clean(tmp_path, name):
    runner = CliRunner()
    target = tmp_path / name
    r = runner.invoke(main, ["init", str(target), "--example", name])
    assert r.exit_code == 0, r.output
    check = runner.invoke(main, ["plan", "check", "--project", str(target), "--json"])
    assert check.exit_code == 0, check.output
    codes = {f["code"] for f in json.loads(check.output)["findings"]}
    assert "plan.placeholder" not in codes and not {c for c in codes if c.startswith("plan.") and
                                                    spec(c).severity is Severity.ERROR}


def test_examples_are_bundled():
    assert {"ezhou", "dinghu", "zhongshan"} <= {p.name for p in (DATA / "examples").iterdir() if p.is_dir()}


TEMPLATE_CHECK_AT_80 = """\
┏━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 类别   ┃ 位置        ┃ 问题                      ┃ 处理建议                  ┃
┡━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 核实性 │ 填报单位!B2 │ 填报单位 district1 的名称 │ 把“××”等示例内容改为本地  │
│        │             │ 仍是模板中的示例内容：“×× │ 规划的实际名称、单位和指  │
│        │             │ 区”                       │ 标，再生成填报表          │
├────────┼─────────────┼───────────────────────────┼───────────────────────────┤
│ 核实性 │ 填报单位!B3 │ 填报单位 dept1 的名称仍是 │ 把“××”等示例内容改为本地  │
│        │             │ 模板中的示例内容：“市市场 │ 规划的实际名称、单位和指  │
│        │             │ 监管局××科”               │ 标，再生成填报表          │
├────────┼─────────────┼───────────────────────────┼───────────────────────────┤
│ 核实性 │ 规划信息    │ 规划信息仍是模板中的示例  │ 把“××”等示例内容改为本地  │
│        │             │ 内容：规划名称“××市市场监 │ 规划的实际名称、单位和指  │
│        │             │ 管“十四五”规划”、地区“××  │ 标，再生成填报表          │
│        │             │ 市”、印发机关“××市人民政  │                           │
│        │             │ 府”、牵头部门“××市市场监  │                           │
│        │             │ 督管理局”                 │                           │
└────────┴─────────────┴───────────────────────────┴───────────────────────────┘
共 3 个问题：错误 0 个，警告 3 个，提示 0 个。
"""


def test_unedited_template_plan_is_a_warning(tmp_path, terminal_80):
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "new")]).exit_code == 0
    check = runner.invoke(main, ["plan", "check", "--project", str(tmp_path / "new")])
    assert check.exit_code == 0  # warnings only: the coordinator may still try forms
    first, rest = check.stdout.split("\n", 1)
    assert first == f"规划：××市市场监管“十四五”规划（{tmp_path / 'new' / 'inputs' / 'plan.xlsx'}）"
    assert "\n".join(line.rstrip() for line in rest.splitlines()) + "\n" == TEMPLATE_CHECK_AT_80
    data = json.loads(runner.invoke(main, ["plan", "check", "--project", str(tmp_path / "new"), "--json"]).stdout)
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [("plan.placeholder", "warning")] * 3


def test_sheet_without_a_header_row_and_unknown_yaml_keys(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "规划信息"
    for row in [("规划编号", "p"), ("规划名称", "某规划"), ("基期年", 2020), ("目标年", 2025), ("评估截止日期", "2023-12-31")]:
        ws.append(row)
    wb.create_sheet("指标").append(["序号", "主要内容"])  # no recognisable header
    wb.create_sheet("填报单位").append(["单位编码", "单位名称"])
    wb.save(tmp_path / "plan.xlsx")
    _, findings = lint_plan(tmp_path / "plan.xlsx")
    header = next(f for f in findings if f.code == "plan.header-missing")
    assert header.location.sheet == "指标" and "指标编码" in header.message

    y = tmp_path / "plan.yaml"
    y.write_text("plan: {id: p, name: 某规划, baseline_year: 2020, target_year: 2025, cutoff: 2023-12-31,"
                 " targte_year: 2026}\nunits: [{code: d1, name: 甲区}]\n"
                 "indicators: [{code: A1, name: 指标一, baseline: '1', target: '2', reporters: d1, baseline_valu: 3}]\n",
                 encoding="utf-8")
    _, findings = lint_plan(y)
    unknown = {f.location.cell for f in findings if f.code == "plan.unknown-column"}
    assert unknown == {"plan.targte_year", "indicators[1].baseline_valu"}


def test_init_shows_the_next_step_that_fits(tmp_path):
    runner = CliRunner()
    example = runner.invoke(main, ["init", str(tmp_path / "ex"), "--example", "ezhou"])
    assert example.output.splitlines()[-2:] == [f"项目目录：{tmp_path / 'ex'}", "下一步：运行 reportkit build 生成评估报告"]
    new = runner.invoke(main, ["init", str(tmp_path / "new")])
    assert new.output.splitlines()[-2:] == [f"项目目录：{tmp_path / 'new'}",
                                            "下一步：编辑 inputs/plan.xlsx，然后运行 reportkit plan check"]
