"""``reportkit build`` on the bundled example, through the submission ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.ledger import Ledger
from reportkit.project import Project

DRUG = "市市场监管局药品医疗器械化妆品监管科-2023年中期评估填报表.xlsx"
REPORT = "鄂州市市场监管“十四五”规划中期评估报告.docx"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    assert CliRunner().invoke(main, ["init", str(root), "--example", "ezhou"]).exit_code == 0
    return root


def _build(root: Path, *args: str):
    return CliRunner().invoke(main, ["build", "--project", str(root), *args], env={"COLUMNS": "200"})


def _text(root: Path) -> str:
    doc = docx.Document(str(root / "outputs" / REPORT))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_build_collects_into_the_ledger_once(project: Path) -> None:
    first = _build(project)
    assert first.exit_code == 0, first.output
    with Ledger.for_project(Project(project)) as ledger:
        subs = ledger.submissions()
    assert len(subs) == 20
    # receipt times come from the example's 收件记录.csv, not from when the files were copied
    assert {s.received_at[:7] for s in subs} == {"2024-01"}
    text = _text(project)
    assert "2024年1月12日" in text  # 鄂城区's logged receipt, in 附件2
    assert "已报送20个，纳入汇总19个" in text
    assert "填报表存在强制性审核问题，未纳入汇总" in text  # why 药品…合格率 has no figure
    # 附件1: each district's own 2020 baseline and its progress from it, beside its yearly values
    doc = docx.Document(str(project / "outputs" / REPORT))
    appendix = next(t for t in doc.tables if t.rows[0].cells[2].text == "基期值")
    echeng = next(row for row in appendix.rows if row.cells[1].text == "鄂城区")
    assert echeng.cells[2].text not in ("", "—")
    assert re.fullmatch(r"-?\d+\.\d%（(提前实现|快于预期|基本符合预期|滞后)）", echeng.cells[6].text)
    second = _build(project)
    assert second.exit_code == 0
    with Ledger.for_project(Project(project)) as ledger:
        assert len(ledger.submissions()) == 20  # nothing collected twice


def test_a_corrected_resubmission_replaces_the_return_with_errors(project: Path) -> None:
    assert _build(project).exit_code == 0
    path = project / "inputs" / "returns" / DRUG
    wb = openpyxl.load_workbook(path)
    ws = wb["指标数据"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "编码")
    col = next(c.column for c in ws[header] if c.value == "2023年")
    rows = {ws.cell(r, 1).value: r for r in range(header + 1, ws.max_row + 1)}
    tested, passed = ws.cell(rows["D05"], col).value, ws.cell(rows["D06"], col).value
    ws.cell(rows["D05"], col).value, ws.cell(rows["D06"], col).value = max(tested, passed), min(tested, passed)
    wb.save(project / "inputs" / "returns" / "药品科（修改后）.xlsx")
    log = project / "inputs" / "returns" / "收件记录.csv"
    log.write_text(log.read_text(encoding="utf-8-sig") + "药品科（修改后）.xlsx,2024-01-22 09:00\n",
                   encoding="utf-8-sig")
    result = _build(project, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["excluded"] == []
    a08 = next(i for i in data["evaluation"]["indicators"] if i["indicator"]["code"] == "A08")
    assert a08["status"] != "无法评估"
    assert "已报送20个。" in _text(project)
    with Ledger.for_project(Project(project)) as ledger:
        assert len(ledger.history("drug")) == 2  # the old return is kept with its findings


def test_unreadable_files_are_listed_and_the_build_completes(project: Path) -> None:
    returns = project / "inputs" / "returns"
    (returns / "坏文件.xlsx").write_bytes(b"not a workbook")
    (returns / "空文件.xlsx").write_bytes(b"")
    before = {p.name: p.read_bytes() for p in returns.iterdir()}
    result = _build(project)
    assert result.exit_code == 0, result.output
    assert "无法受理：坏文件.xlsx" in result.output and "无法受理：空文件.xlsx" in result.output
    manifest = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    rejected = {Path(i["file"]).name for i in manifest["inputs"] if not i["included"]}
    assert {"坏文件.xlsx", "空文件.xlsx", DRUG} <= rejected
    assert {p.name: p.read_bytes() for p in returns.iterdir()} == before  # inputs untouched
    results = json.loads((project / "outputs" / "validation" / "审核结果.json").read_text(encoding="utf-8"))
    bad = next(r for r in results["returns"] if r["path"].endswith("坏文件.xlsx"))
    assert [f["code"] for f in bad["findings"]] == ["file.not-spreadsheet"]
    assert all("observations" not in r for r in results["returns"])  # findings, not the figures


def test_a_plan_with_errors_stops_the_build_before_anything_is_written(project: Path) -> None:
    plan = project / "inputs" / "plan.xlsx"
    wb = openpyxl.load_workbook(plan)
    ws = wb["指标"]
    target_col = next(c.column for c in ws[1] if c.value == "目标值")
    ws.cell(2, target_col).value = "≥abc"
    wb.save(plan)
    result = _build(project)
    assert result.exit_code == 1
    assert "规划定义有 1 个错误" in result.output and "指标!" in result.output
    assert not (project / "outputs" / REPORT).exists()
    assert not (project / ".reportkit").exists()


def test_dry_run_records_nothing(project: Path) -> None:
    result = _build(project, "--dry-run")
    assert result.exit_code == 0, result.output
    assert not (project / ".reportkit").exists()
    assert not (project / "outputs" / REPORT).exists()


def test_strict_writes_nothing_when_a_return_has_errors(project: Path) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = _build(project, "--strict")
    assert result.exit_code == 1
    assert not (project / "outputs" / REPORT).exists()
    assert not (project / ".reportkit").exists()  # not even the ledger: the refusal is decided first
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_report_appendix_keeps_totals_when_there_are_too_many_unit_rows() -> None:
    from reportkit.rendering.build import MAX_REPORT_VALUE_ROWS, report_appendix

    rows = [{"total": i % 100 == 0, "unit": f"u{i}"} for i in range(MAX_REPORT_VALUE_ROWS + 100)]
    small = {"district_values": rows[:50], "values_note": "全部"}
    assert report_appendix(small) is small
    big = report_appendix({"district_values": rows, "values_note": "全部", "years": ["2021"]})
    assert [r["unit"] for r in big["district_values"]] == [r["unit"] for r in rows if r["total"]]
    assert "Excel 汇总表" in big["values_note"] and big["years"] == ["2021"]


@pytest.mark.parametrize("args", [
    ["export", "inputs/plan.xlsx"],
    ["export", "inputs/returns/导出.csv"],
    ["export", ".reportkit/x.csv"],
    ["validate", "--out", "inputs/returns"],
    ["forms", "--out", "inputs/forms"],
])
def test_no_command_writes_into_the_inputs(project: Path, args: list[str]) -> None:
    before = {p: p.read_bytes() for p in (project / "inputs").rglob("*") if p.is_file()}
    args = [str(project / a) if "/" in a else a for a in args]
    result = CliRunner().invoke(main, [*args[:1], "--project", str(project), *args[1:]])
    assert result.exit_code == 2, result.output
    assert "请换一个位置" in result.output
    after = {p: p.read_bytes() for p in (project / "inputs").rglob("*") if p.is_file()}
    assert after == before
