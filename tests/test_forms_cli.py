"""``reportkit forms`` on a project holding the bundled 鄂州 plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.make_filled import code_rows, fill_indicators, fill_tasks, header_columns
from openpyxl import load_workbook

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms import layout
from reportkit.forms.rows import form_rows
from reportkit.ledger.ledger import Ledger
from reportkit.project import Project

EXAMPLE = Path(__file__).resolve().parents[1] / "reportkit" / "data" / "examples" / "ezhou" / "plan.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "inputs").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "inputs" / "plan.yaml")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["forms", *args])
    return result.exit_code, result.output


def test_forms_for_every_reporting_unit(project: Path) -> None:
    code, out = run("--project", str(project))
    assert code == 0, out
    plan = load_plan(project / "inputs" / "plan.yaml")
    files = sorted(p.name for p in (project / "outputs" / "forms").iterdir())
    assert len(files) == len(plan.reporting_units())
    assert "鄂城区-2023年中期评估填报表.xlsx" in files
    assert f"共生成 {len(files)} 份填报表" in out and "秒" in out
    assert (project / "inputs" / "plan.yaml").read_bytes() == EXAMPLE.read_bytes()


def test_forms_json_for_chosen_units(project: Path) -> None:
    code, out = run("--project", str(project), "--unit", "echeng", "--unit", "华容区", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert [f["unit"] for f in data["forms"]] == ["echeng", "huarong"] and data["count"] == 2
    wb = load_workbook(data["forms"][0]["path"])
    assert wb[layout.SHEET_META]["B5"].value == "echeng"


def test_forms_custom_out_dir(project: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "发送" / "第一批"
    code, out = run("--project", str(project), "--unit", "echeng", "--out", str(out_dir))
    assert code == 0, out
    assert [p.name for p in out_dir.iterdir()] == ["鄂城区-2023年中期评估填报表.xlsx"]


def test_unknown_unit_is_a_usage_error(project: Path) -> None:
    code, out = run("--project", str(project), "--unit", "nowhere")
    assert code == 2 and "nowhere" in out
    assert not (project / "outputs" / "forms").exists()


def test_out_dir_inside_inputs_is_refused(project: Path) -> None:
    code, out = run("--project", str(project), "--out", str(project / "inputs" / "returns"))
    assert code == 2 and "输入目录" in out
    assert not (project / "inputs" / "returns").exists()


def test_plan_with_errors_is_refused(project: Path) -> None:
    plan_file = project / "inputs" / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("  - code: A02\n", "  - code: A01\n", 1), encoding="utf-8")
    code, out = run("--project", str(project))
    assert code == 1 and "不能生成填报表" in out
    assert not (project / "outputs" / "forms").exists()


def _fill_everything(form: Path, out: Path, plan_path: Path, unit: str) -> None:
    """Fill every open cell with a plausible constant, the way a diligent unit would."""
    bounds = {r.code: r.bounds for r in form_rows(load_plan(plan_path), unit)}
    wb = load_workbook(form)
    ws = wb[layout.SHEET_INDICATORS]
    cols = header_columns(ws, layout.INDICATOR_HEADER_ROW)
    values = {}
    for code, b in bounds.items():
        lo, hi = b.lower or 0, b.upper if b.upper is not None else (b.lower or 0) + 10
        for year in (2021, 2022, 2023):
            values[(code, year)] = round((lo + hi) / 2) if b.integer else (lo + hi) / 2
    fill_indicators(ws, values, {})
    tasks = wb[layout.SHEET_TASKS]
    fill_tasks(tasks, {code: ("按计划推进。", "按进度推进", "", "继续推进。")
                       for code in code_rows(tasks, layout.TASK_HEADER_ROW)})
    assert all(ws.cell(r, cols["2021年"]).value is not None for r in code_rows(ws, layout.INDICATOR_HEADER_ROW).values())
    wb.save(out)


def test_regenerated_forms_prefill_earlier_accepted_years(project: Path) -> None:
    plan_path = project / "inputs" / "plan.yaml"
    assert run("--project", str(project), "--unit", "echeng")[0] == 0
    form = project / "outputs" / "forms" / "鄂城区-2023年中期评估填报表.xlsx"
    filled = project / "鄂城区-已填.xlsx"
    _fill_everything(form, filled, plan_path, "echeng")
    with Ledger.for_project(Project(project)) as ledger:
        record = ledger.collect(load_plan(plan_path), filled).record
    assert record is not None and record.state != "has-errors", [f.message for f in record.findings]

    code, out = run("--project", str(project), "--unit", "echeng", "--json")
    assert code == 0, out
    info = json.loads(out)["forms"][0]
    ws = load_workbook(info["path"])[layout.SHEET_INDICATORS]
    cols = header_columns(ws, layout.INDICATOR_HEADER_ROW)
    rows = code_rows(ws, layout.INDICATOR_HEADER_ROW)
    assert info["prefilled"] == 2 * len(rows)  # 2021 and 2022, never the cut-off year 2023
    for r in rows.values():
        assert ws.cell(r, cols["2021年"]).protection.locked and ws.cell(r, cols["2021年"]).value is not None
        assert not ws.cell(r, cols["2023年"]).protection.locked and ws.cell(r, cols["2023年"]).value is None

    assert run("--project", str(project), "--unit", "echeng", "--no-prefill")[0] == 0
    ws = load_workbook(form)[layout.SHEET_INDICATORS]
    assert all(ws.cell(r, cols["2021年"]).value is None for r in rows.values())
