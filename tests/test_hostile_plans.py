"""Plan definitions with numbers no plan holds, typed percents, and far-away cells."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.definitions import lint_plan


def _plan(path: Path, rows: list[list[object]], percent_cells: tuple[str, ...] = (),
          far_cell: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "规划信息"
    for row in [("项目", "内容"), ("规划编号", "p"), ("规划名称", "测试规划"), ("基期年", 2020),
                ("目标年", 2025), ("评估截止日期", "2023-12-31")]:
        ws.append(row)
    ws = wb.create_sheet("指标")
    ws.append(["指标编码", "指标名称", "单位", "基期值", "目标值", "小数位", "合理下限", "合理上限", "填报单位"])
    for r in rows:
        ws.append(r)
    for ref in percent_cells:
        ws[ref].number_format = "0%"
    if far_cell:
        ws.cell(1048576, 16384).value = "x"
    ws = wb.create_sheet("填报单位")
    ws.append(["单位编码", "单位名称", "单位类型"])
    ws.append(["d1", "甲区", "区县"])
    wb.save(path)
    return path


def test_non_finite_and_out_of_range_plan_values_are_findings(tmp_path: Path) -> None:
    path = _plan(tmp_path / "plan.xlsx", [
        ["A1", "正常", "件", 10, 20, 0, None, None, "d1"],
        ["A2", "超大基期", "件", 1e308, 20, 0, None, None, "d1"],
        ["A3", "文字无穷", "件", "inf", "nan", 0, None, None, "d1"],
        ["A4", "负小数位", "件", 1, 2, -1, None, None, "d1"],
        ["A5", "下限NaN", "件", 1, 2, 0, "nan", "1e300", "d1"],
    ])
    plan, findings = lint_plan(path)
    got = {(f.code, f.location.cell) for f in findings}
    assert {("plan.bad-baseline", "D3"), ("plan.bad-baseline", "D4"), ("plan.bad-target", "E4"),
            ("plan.bad-value", "F5"), ("plan.bad-value", "G6"), ("plan.bad-value", "H6")} <= got
    by_code = {c: plan.indicator(c) for c in ("A2", "A3", "A4", "A5")}
    assert by_code["A2"].baseline.value is None and by_code["A3"].target.value is None
    assert by_code["A4"].decimals == 2 and by_code["A5"].lower is None and by_code["A5"].upper is None
    # the machine-readable output stays valid JSON (no Infinity / NaN)
    result = CliRunner().invoke(main, ["plan", "check", str(path), "--json"])
    assert result.exit_code == 1
    json.loads(result.output, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))


def test_percent_typed_into_a_numeric_plan_cell_reads_as_the_percent(tmp_path: Path) -> None:
    """Typing 98% stores 0.98 with a percent format: the plan means 98."""
    path = _plan(tmp_path / "plan.xlsx", [["A1", "食品抽检合格率", "%", 0.98, 0.995, 1, 0, 1, "d1"]],
                 percent_cells=("D2", "E2", "H2"))
    plan, findings = lint_plan(path)
    a1 = plan.indicator("A1")
    assert a1.baseline.value == 98 and a1.target.value == 99.5 and a1.baseline.percent
    assert a1.upper == 100 and a1.lower == 0
    assert not [f for f in findings if f.severity.value == "error"], findings


def test_plan_with_a_far_cell_loads_without_aborting(tmp_path: Path) -> None:
    path = _plan(tmp_path / "plan.xlsx", [["A1", "正常", "件", 10, 20, 0, None, None, "d1"]], far_cell=True)
    plan, _ = lint_plan(path)
    assert plan.indicator("A1").target.value == 20


def test_the_percent_scan_runs_only_for_workbooks_with_a_percent_format(tmp_path: Path) -> None:
    from reportkit.intake.workbook import _has_percent_style

    plain = _plan(tmp_path / "plain.xlsx", [["A1", "正常", "件", 10, 20, 0, None, None, "d1"]])
    builtin = _plan(tmp_path / "builtin.xlsx", [["A1", "正常", "%", 0.98, 1, 0, None, None, "d1"]],
                    percent_cells=("D2",))
    custom = _plan(tmp_path / "custom.xlsx", [["A1", "正常", "%", 0.985, 1, 0, None, None, "d1"]])
    wb = openpyxl.load_workbook(custom)
    wb["指标"]["D2"].number_format = "0.0%"
    wb.save(custom)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    assert not _has_percent_style(plain)
    assert _has_percent_style(builtin) and _has_percent_style(custom) and _has_percent_style(broken)
    assert plan_value(custom) == 98.5


def plan_value(path: Path) -> float | None:
    plan, _ = lint_plan(path)
    return plan.indicator("A1").baseline.value
