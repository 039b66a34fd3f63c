"""``reportkit build`` end to end on the bundled 鄂州 plan with filled return workbooks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportkit import formatting as fmt
from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms import layout
from reportkit.forms.writer import write_forms
from reportkit.project import Project
from reportkit.rendering.build import build

EXAMPLE = Path(__file__).resolve().parents[1] / "reportkit" / "data" / "examples" / "ezhou" / "plan.yaml"
YEARS = (2021, 2022, 2023)
HOSTILE = "A<&>B {{x}} {% if %}"
REPORT = "鄂州市市场监管“十四五”规划中期评估报告.docx"


def _series(**rows: tuple[float | str, ...]) -> dict[tuple[str, int], float | str]:
    return {(code, y): v for code, values in rows.items() for y, v in zip(YEARS, values, strict=True)}


FILLS: dict[str, dict[tuple[str, int], float | str]] = {
    "echeng": _series(A01=(5.0, 5.5, 6.0), A03=(0.26, 0.28, 0.3), D01=(90, 95, 100),
                      D02=(700000, 700000, 700000), D03=(1000, 1000, 1000), D04=(980, 983, 985)),
    "huarong": _series(A01=(2.6, 2.8, 3.0), A03=(0.16, 0.18, 0.2), D01=(50, 55, 60),
                       D02=(300000, 300000, 300000), D03=(500, 500, 500), D04=(488, 489, 490)),
    "ipr": _series(A04=(37, 38, 39), A05=(7, 7, 8)),
    # A return with an error: text where a number belongs.
    "liangzihu": _series(A01=(1.0, 1.1, "很多"), A03=(0.1, 0.1, 0.1)),
}
TASK_TEXT = {"echeng": f"鄂城区推行“一网通办”，{HOSTILE}"}


def _fill(path: Path, unit: str, values: Mapping[tuple[str, int], float | str]) -> None:
    wb = load_workbook(path)
    ws = wb[layout.SHEET_INDICATORS]
    cols = {str(c.value): c.column for c in ws[layout.INDICATOR_HEADER_ROW] if c.value is not None}
    rows = {str(ws.cell(r, 1).value): r for r in range(layout.INDICATOR_FIRST_DATA_ROW, ws.max_row + 1)
            if ws.cell(r, 1).value}
    for (code, year), value in values.items():
        if code in rows:
            ws.cell(rows[code], cols[layout.year_header(year)]).value = value
    tasks = wb[layout.SHEET_TASKS]
    tcols = {str(c.value): c.column for c in tasks[layout.TASK_HEADER_ROW] if c.value is not None}
    for r in range(layout.TASK_FIRST_DATA_ROW, tasks.max_row + 1):
        if tasks.cell(r, tcols[layout.TASK_CODE_HEADER]).value:
            texts = (TASK_TEXT.get(unit, "已按年度计划推进"), "按进度推进", None, "继续推进")
            for header, text in zip(layout.TASK_INPUT_HEADERS, texts, strict=True):
                tasks.cell(r, tcols[header]).value = text
    wb.save(path)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "inputs" / "returns").mkdir(parents=True)
    shutil.copy(EXAMPLE, tmp_path / "inputs" / "plan.yaml")
    plan = load_plan(tmp_path / "inputs" / "plan.yaml")
    for info in write_forms(plan, tmp_path / "inputs" / "returns", units=list(FILLS)):
        _fill(info.path, info.unit, FILLS[info.unit])
    return Project(tmp_path)


def _hashes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_report_summary_validation_and_manifest(project: Project):
    inputs_before = _hashes(project.inputs)
    result = CliRunner().invoke(main, ["build", "-p", str(project.root)])
    assert result.exit_code == 0, result.output
    out = project.outputs
    for name in (REPORT, "鄂州市市场监管“十四五”规划汇总表.xlsx", "validation/审核结果.xlsx", "manifest.json"):
        assert (out / name).is_file(), name
    assert _hashes(project.inputs) == inputs_before  # inputs never modified
    assert not list(out.rglob("*.tmp"))

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["plan"]["fingerprint"] == load_plan(project.plan_path).fingerprint()
    assert len(manifest["inputs"]) == 4 and all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert [e["unit"] for e in manifest["excluded"]] == ["liangzihu"]
    assert "强制性" in manifest["excluded"][0]["reason"]

    texts = [p.text for p in docx.Document(str(out / REPORT)).paragraphs]
    # a unit's full text goes to the summary workbook, as typed; the report body synthesises
    tasks = load_workbook(out / "鄂州市市场监管“十四五”规划汇总表.xlsx")["重点任务"]
    assert any(str(c.value).startswith("鄂城区推行“一网通办”，A<&>B {{x}} {% if %}")
               for row in tasks.iter_rows() for c in row)
    assert any("梁子湖区报送的" in t and "未纳入汇总" in t for t in texts)
    assert "未纳入汇总" in result.output


def test_report_values_match_the_evaluation(project: Project):
    res = build(project)
    ev = res.evaluation
    assert ev is not None and ev.coverage.label == "3/21"
    table = docx.Document(str(project.outputs / REPORT)).tables[0]
    assert len(table.rows) - 1 == len(ev.indicators)
    a01 = ev.result("A01")
    row = next(r for r in table.rows[1:] if r.cells[1].text == a01.indicator.name)
    assert row.cells[6].text == fmt.number(a01.current, a01.indicator.decimals)
    assert row.cells[9].text == a01.status.value
    # the Excel summary and the terminal show each current value exactly as the report does
    sheet = load_workbook(project.outputs / "鄂州市市场监管“十四五”规划汇总表.xlsx")["指标完成情况"]
    head = [c.value for c in sheet[2]]
    current, progress = head.index("当前值") + 1, head.index("完成进度(%)") + 1
    printed = CliRunner().invoke(main, ["evaluate", "-p", str(project.root)], terminal_width=250).stdout
    for r in ev.indicators:
        excel_row = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == r.code)
        if r.current is not None:
            cell = excel_row[current - 1]
            assert cell.number_format == fmt.excel_format(r.indicator.decimals)
            assert fmt.number(cell.value, r.indicator.decimals) == fmt.indicator_value(r.indicator, r.current)
            assert fmt.indicator_value(r.indicator, r.current) in printed
        if r.progress is not None:
            assert f"{excel_row[progress - 1].value:g}%" == fmt.percent(r.progress)


def test_strict_writes_nothing_and_exits_1(project: Project):
    result = CliRunner().invoke(main, ["build", "--strict", "-p", str(project.root)])
    assert result.exit_code == 1
    assert "未生成报告" in result.output
    assert not project.outputs.exists() or not any(p.is_file() for p in project.outputs.rglob("*"))


def test_failed_build_keeps_the_previous_report(project: Project, tmp_path: Path):
    assert build(project).exit_code == 0
    report = project.outputs / REPORT
    before = report.read_bytes()
    broken = tmp_path / "broken.docx"
    document = docx.Document()
    document.add_paragraph("{% for x in %}")
    document.save(str(broken))
    result = CliRunner().invoke(main, ["build", "-p", str(project.root), "--template", str(broken)])
    assert result.exit_code == 1
    assert "{% for x in %}" in result.output
    assert report.read_bytes() == before


def test_dry_run_json_writes_nothing(project: Project):
    result = CliRunner().invoke(main, ["build", "--dry-run", "--json", "-p", str(project.root)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["reported"] == "3/21" and data["excluded"][0]["unit"] == "liangzihu"
    assert not (project.outputs / REPORT).exists()


def test_usage_error_exits_2(tmp_path: Path):
    result = CliRunner().invoke(main, ["build", "-p", str(tmp_path)])
    assert result.exit_code == 2


def test_no_returns_says_so_exits_1_and_still_writes_the_report(tmp_path: Path):
    (tmp_path / "inputs" / "returns").mkdir(parents=True)
    shutil.copy(EXAMPLE, tmp_path / "inputs" / "plan.yaml")
    project = Project(tmp_path)
    result = CliRunner().invoke(main, ["build", "-p", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == ("尚未收到任何单位的填报表：报告已生成，文中注明尚未收到数据，可用于预览版式；"
                             f"请将各单位报送的填报表放入 {project.returns_dir} 后重新运行 reportkit build。\n")
    text = "\n".join(p.text for p in docx.Document(str(project.outputs / REPORT)).paragraphs)
    assert "截至本报告生成时，尚未收到任何单位报送的数据" in text
    assert "应报送单位21个，已报送0个" in text

    dry = CliRunner().invoke(main, ["build", "--dry-run", "-p", str(tmp_path)])
    assert dry.exit_code == 1
    assert dry.stderr == (f"尚未收到任何单位的填报表：请将各单位报送的填报表放入 {project.returns_dir} "
                          "后重新运行 reportkit build。\n")
    as_json = CliRunner().invoke(main, ["build", "--dry-run", "--json", "-p", str(tmp_path)])
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["received_nothing"] is True


def test_a_build_with_returns_exits_0(project: Project):
    result = CliRunner().invoke(main, ["build", "--dry-run", "--json", "-p", str(project.root)])
    assert result.exit_code == 0 and json.loads(result.stdout)["received_nothing"] is False
