"""`reportkit validate`: exit codes, --json equals the library's dict, the outputs, and
no input file is ever modified."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.returns.builders import GOOD_VALUES, address, fill, generate
from openpyxl import load_workbook

from reportkit.checks.feedback import FEEDBACK_SHEET
from reportkit.checks.report import write_outputs
from reportkit.checks.run import validate_paths
from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.definitions.model import Plan
from reportkit.definitions.writer import write_plan_workbook
from reportkit.forms import layout as L


def make_project(root: Path, plan: Plan) -> Plan:
    write_plan_workbook(plan, root / "inputs" / "plan.xlsx")
    (root / "inputs" / "returns").mkdir(parents=True)
    return load_plan(root / "inputs" / "plan.xlsx")


def add_return(plan: Plan, root: Path, unit: str, name: str, **kw: object) -> Path:
    form = generate(plan, unit, root / "forms")
    return fill(form, root / "inputs" / "returns" / name, **kw)  # type: ignore[arg-type]


def hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, small_plan: Plan) -> tuple[Path, Plan]:
    return tmp_path, make_project(tmp_path, small_plan)


def test_exit_0_when_only_explained_warnings(project: tuple[Path, Plan]) -> None:
    root, plan = project
    add_return(plan, root, "D01", "鄂城区.xlsx", values={**GOOD_VALUES, ("A04", 2022): 2900},
               notes={"A04": "2022年集中注册，2023年回落"})
    result = CliRunner().invoke(main, ["validate", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert "鄂城区" in result.output and "通过（已说明）" in result.output
    assert "华容区" in result.output and "未报送" in result.output


def test_exit_1_and_json_equals_library_dict(project: tuple[Path, Plan]) -> None:
    root, plan = project
    add_return(plan, root, "D01", "鄂城区.xlsx")
    add_return(plan, root, "D02", "华容区.xlsx", values={**GOOD_VALUES, ("A03", 2023): "较好"})
    (root / "inputs" / "returns" / "说明.docx").write_bytes(b"not a return")
    before = hashes(root / "inputs")
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--json"])
    assert result.exit_code == 1, result.output
    printed = json.loads(result.output)
    expected = validate_paths(plan, [root / "inputs" / "returns"]).to_dict()
    assert printed == json.loads(json.dumps(expected, ensure_ascii=False, default=str))
    assert printed["totals"]["error"] == 1
    assert {u["unit"]: u["error"] for u in printed["units"]} == {"D01": 0, "D02": 1}
    assert hashes(root / "inputs") == before
    assert (root / "outputs" / "validation" / "审核结果.json").exists()


def test_usage_errors_exit_2(project: tuple[Path, Plan], tmp_path: Path) -> None:
    root, _ = project
    missing = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.xlsx"), "--project", str(root)])
    assert missing.exit_code == 2
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    nothing = CliRunner().invoke(main, ["validate", str(empty), "--project", str(root)])
    assert nothing.exit_code == 2 and "没有找到填报表" in nothing.output


def test_outputs_and_annotated_copy(project: tuple[Path, Plan]) -> None:
    root, plan = project
    values = {**GOOD_VALUES, ("A03", 2022): "较好", ("A04", 2022): 2900}
    src = add_return(plan, root, "D02", "华容区的表.xlsx", values=values,
                     notes={"A04": "集中注册_x000B_专项行动"})  # Alt+Enter as some tools save it
    before = hashes(root / "inputs")
    run = validate_paths(plan, [src])
    out = write_outputs(run, root / "outputs" / "validation")
    assert hashes(root / "inputs") == before

    summary = load_workbook(out.summary)
    rows = list(summary["审核结果"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(run.findings) == 3
    assert {r[9] for r in rows} == {"value.not-a-number", "value.yoy-jump"}

    assert [p.name for p in out.feedback] == ["华容区-审核意见.xlsx"]
    wb = load_workbook(out.feedback[0])
    assert wb.sheetnames[0] == FEEDBACK_SHEET and wb.active.title == FEEDBACK_SHEET
    listed = [r for r in wb[FEEDBACK_SHEET].iter_rows(min_row=4, values_only=True)]
    assert [(r[1], r[2]) for r in listed] == [("强制性", "须修改"), ("核实性", "已说明"), ("核实性", "已说明")]
    assert "“较好”不是数值" in listed[0][7]
    ws = wb[L.SHEET_INDICATORS]
    bad, jump = ws[address(ws, "A03", 2022)], ws[address(ws, "A04", 2022)]
    assert bad.fill.fgColor.rgb.endswith("FFC7CE") and "不是数值" in bad.comment.text
    assert jump.fill.fgColor.rgb.endswith("E2EFDA") and "超过 50% 的核实阈值" in jump.comment.text
    assert "\x0b" in run.returns[0].notes["A04"].explanation  # decoded by calamine, cleaned on writing
    original = load_workbook(src)[L.SHEET_INDICATORS]
    assert ws.protection.sheet is True
    assert len(ws.data_validations.dataValidation) == len(original.data_validations.dataValidation) > 0
    assert wb["_reportkit"].sheet_state == "veryHidden"
    assert original[address(original, "A03", 2022)].comment is None


def test_feedback_for_unreadable_and_legacy_files(project: tuple[Path, Plan], tmp_path: Path) -> None:
    root, plan = project
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    run = validate_paths(plan, [bad])
    out = write_outputs(run, tmp_path / "out")
    wb = load_workbook(out.feedback[0])
    assert wb.sheetnames == [FEEDBACK_SHEET]
    assert out.feedback[0].name == "坏文件-审核意见.xlsx"
    assert "已损坏" in wb[FEEDBACK_SHEET].cell(4, 8).value


FINDINGS_AT_80 = """\
华容区（华容区.xlsx）
  强制性 指标数据!K7 “较好”不是数值，未采用。
  核实性 指标数据!L4 累计值由 12.37（2022年）下降为 9.6（2023年）。
  核实性 指标数据!K8 2022年数值 2900 比上年 820 变动 +253.7%，超过 50% 的核实阈
                     值。
  核实性 指标数据!L8 2023年数值 990 比上年 2900 变动 -65.9%，超过 50% 的核实阈
                     值。
  提示性 指标数据!L4 “9.6万户”在数字后写了单位“万户”，本行单位为“万户”，已按 9.6
                     读取。
"""


def test_findings_listed_below_the_summary(project: tuple[Path, Plan], terminal_80: None) -> None:
    root, plan = project
    add_return(plan, root, "D01", "鄂城区.xlsx")
    add_return(plan, root, "D02", "华容区.xlsx",
               values={**GOOD_VALUES, ("A03", 2022): "较好", ("A04", 2022): 2900, ("A01", 2023): "9.6万户"})
    result = CliRunner().invoke(main, ["validate", "--project", str(root)])
    assert result.exit_code == 1
    printed = "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"
    summary, findings = printed.split("存在强制性错误，请将审核意见发回相关单位修改后重新报送。\n\n")
    assert "共审核 2 个文件：强制性 1 条，核实性 3 条（已说明 0 条），提示性 1 条。" in summary
    assert findings == FINDINGS_AT_80  # the clean return (鄂城区) has no block

    quiet = CliRunner().invoke(main, ["validate", "--project", str(root), "--quiet"])
    assert quiet.exit_code == 1
    assert quiet.stdout == result.stdout[:result.stdout.index("\n\n华容区（华容区.xlsx）") + 1]
    assert "指标数据!K7" not in quiet.stdout and "共审核 2 个文件" in quiet.stdout


def test_explained_warning_shows_its_explanation(project: tuple[Path, Plan], terminal_80: None) -> None:
    root, plan = project
    add_return(plan, root, "D01", "鄂城区.xlsx", values={**GOOD_VALUES, ("A04", 2022): 2900},
               notes={"A04": "2022年集中注册，2023年回落"})
    result = CliRunner().invoke(main, ["validate", "--project", str(root)])
    assert result.exit_code == 0
    block = [line.rstrip() for line in result.stdout.split("鄂城区（鄂城区.xlsx）\n")[1].splitlines()]
    assert block == ["  已说明 指标数据!K8 2022年数值 2900 比上年 820 变动 +253.7%，超过 50% 的核实阈",
                     "                     值。（说明：2022年集中注册，2023年回落）",
                     "  已说明 指标数据!L8 2023年数值 990 比上年 2900 变动 -65.9%，超过 50% 的核实阈",
                     "                     值。（说明：2022年集中注册，2023年回落）"]
