"""``reportkit forms`` on a project holding the bundled 鄂州 plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms import layout

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
