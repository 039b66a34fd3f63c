"""``reportkit evaluate`` on the bundled 鄂州 plan with real filled return workbooks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms import layout
from reportkit.forms.writer import write_forms

EXAMPLE = Path(__file__).resolve().parents[1] / "reportkit" / "data" / "examples" / "ezhou" / "plan.yaml"

YEARS = (2021, 2022, 2023)


def _series(**rows: tuple[float, float, float]) -> dict[tuple[str, int], float]:
    return {(code, y): v for code, values in rows.items() for y, v in zip(YEARS, values, strict=True)}


# What four units type into their forms, 2021–2023; the other districts do not report.
FILLS: dict[str, dict[tuple[str, int], float]] = {
    "echeng": _series(A01=(5.0, 5.5, 6.0), A03=(0.26, 0.28, 0.3), D01=(90, 95, 100),
                      D02=(700000, 700000, 700000), D03=(1000, 1000, 1000), D04=(980, 983, 985)),
    "huarong": _series(A01=(2.6, 2.8, 3.0), A03=(0.16, 0.18, 0.2), D01=(50, 55, 60),
                       D02=(300000, 300000, 300000), D03=(500, 500, 500), D04=(488, 489, 490)),
    "ipr": _series(A04=(37, 38, 39), A05=(7, 7, 8)),
    "drug": _series(D05=(1000, 1000, 1000), D06=(985, 990, 992)),
}
LAGGING_TASK = ("huarong", "T101", "人员不足，窗口整合未完成")
NOTES = {"huarong": {"A01": "受疫情影响，新设市场主体减少"}}


def _fill(path: Path, unit: str, values: Mapping[tuple[str, int], float], notes: Mapping[str, str]) -> None:
    wb = load_workbook(path)
    ws = wb[layout.SHEET_INDICATORS]
    cols = {str(c.value): c.column for c in ws[layout.INDICATOR_HEADER_ROW] if c.value is not None}
    rows = {str(ws.cell(r, 1).value): r for r in range(layout.INDICATOR_FIRST_DATA_ROW, ws.max_row + 1)
            if ws.cell(r, 1).value}
    for (code, year), value in values.items():
        ws.cell(rows[code], cols[layout.year_header(year)]).value = value
    for code, text in notes.items():
        ws.cell(rows[code], cols[layout.EXPLANATION_HEADER]).value = text
    _fill_tasks(wb[layout.SHEET_TASKS], unit)
    wb.save(path)


def _fill_tasks(ws: Worksheet, unit: str) -> None:
    cols = {str(c.value): c.column for c in ws[layout.TASK_HEADER_ROW] if c.value is not None}
    for r in range(layout.TASK_FIRST_DATA_ROW, ws.max_row + 1):
        code = ws.cell(r, cols[layout.TASK_CODE_HEADER]).value
        if not code:
            continue
        lagging = (unit, code) == LAGGING_TASK[:2]
        texts = ("已按年度计划推进", "滞后" if lagging else "按进度推进", LAGGING_TASK[2] if lagging else "",
                 "继续推进")
        for header, text in zip(layout.TASK_INPUT_HEADERS, texts, strict=True):
            ws.cell(r, cols[header]).value = text or None


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ezhou")
    (root / "inputs" / "returns").mkdir(parents=True)
    shutil.copy(EXAMPLE, root / "inputs" / "plan.yaml")
    plan = load_plan(root / "inputs" / "plan.yaml")
    for info in write_forms(plan, root / "inputs" / "returns", units=list(FILLS)):
        _fill(info.path, info.unit, FILLS[info.unit], NOTES.get(info.unit, {}))
    return root


@pytest.fixture(scope="module")
def result(project: Path) -> dict:
    out = CliRunner().invoke(main, ["evaluate", "--project", str(project), "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def _ind(result: dict, code: str) -> dict:
    return next(r for r in result["indicators"] if r["indicator"]["code"] == code)


def test_all_returns_accepted(result: dict) -> None:
    assert result["rejected_files"] == []
    assert set(result["coverage"]["returned"]) == set(FILLS)
    assert result["time_progress"] == 60.0


def test_summed_indicator_partial(result: dict) -> None:
    a01 = _ind(result, "A01")
    # 6.0 + 3.0 = 9.0 from 2 of 5 districts: (9 − 11.59)/(20 − 11.59) would read −30.8%, but a sum
    # over 2 of 5 districts is incomplete, not low, so it is not judged against the city target.
    assert a01["current"] == pytest.approx(9.0)
    assert a01["coverage"] == "2/5" and a01["partial"] is True
    assert set(a01["missing"]) == {"liangzihu", "gedian", "linkong"}
    assert a01["progress"] is None
    assert a01["status"] == "无法评估" and "汇总不完整" in a01["reason"]
    assert a01["provenance"]["files"] == ["鄂城区-2023年中期评估填报表.xlsx", "华容区-2023年中期评估填报表.xlsx"]
    assert a01["explanations"][0]["unit_name"] == "华容区"


def test_rate_recomputed_from_items(result: dict) -> None:
    a07 = _ind(result, "A07")
    # (985 + 490)/(1000 + 500) × 100 = 98.333; (98.333 − 98)/(98.5 − 98) = 66.67% → gap +6.67 → 快于预期
    assert a07["current"] == pytest.approx(1475 / 1500 * 100)
    assert a07["progress"] == pytest.approx(66.67, abs=0.01)
    assert a07["status"] == "快于预期"
    assert a07["rollups"][-1]["components"] == {"食品评价性抽检合格批次": 1475, "食品评价性抽检批次": 1500}
    # per district: 鄂城区 98.5%, 华容区 98%
    units = {u["unit"]: u for u in a07["units"]}
    assert units["echeng"]["current"] == pytest.approx(98.5)
    assert units["huarong"]["current"] == pytest.approx(98.0)
    # 每万人口高价值发明专利: (100 + 60) / (700000 + 300000) × 10000 = 1.6
    assert _ind(result, "A02")["current"] == pytest.approx(1.6)


def test_lead_unit_indicators(result: dict) -> None:
    assert _ind(result, "A04")["status"] == "提前实现"  # 39 ≥ 38
    a05 = _ind(result, "A05")  # (8 − 7)/(9 − 7) = 50% → gap −10 → 滞后
    assert a05["progress"] == pytest.approx(50.0)
    assert a05["status"] == "滞后"
    a08 = _ind(result, "A08")  # 992/1000 = 99.2% ≥ 99%
    assert a08["current"] == pytest.approx(99.2)
    assert a08["status"] == "提前实现"
    assert _ind(result, "A06")["status"] == "无法评估"  # nobody reported the 计量 figure


def test_table_output(project: Path) -> None:
    out = CliRunner().invoke(main, ["evaluate", "--project", str(project)], env={"COLUMNS": "160"})
    assert out.exit_code == 0, out.output
    for header in ("指标", "基期值", "目标值", "当前值", "完成进度", "时间进度", "状态", "覆盖", "预计"):
        assert header in out.output
    assert "全市市场主体数量" in out.output
    assert "无法评估" in out.output
    assert "2/5" in out.output
    assert "8 项指标中" in out.output


def test_json_equals_library(project: Path, result: dict) -> None:
    """``--json`` prints the library's ``Evaluation.to_dict()`` and nothing else."""
    import reportkit

    lib = json.loads(json.dumps(reportkit.evaluate(project).to_dict(), ensure_ascii=False, default=str))
    assert lib == result


def test_tasks_from_returns(result: dict) -> None:
    tasks = result["tasks"]
    t101 = next(t for t in tasks["results"] if t["code"] == "T101")
    assert t101["status"] == "滞后"
    assert t101["problems"] == [{"unit_name": "华容区", "text": "人员不足，窗口整合未完成"}]
    assert "T101" in tasks["lagging"]


def test_a_return_with_errors_is_named_in_the_library_result(project: Path, tmp_path: Path) -> None:
    import reportkit

    root = tmp_path / "with-errors"
    shutil.copytree(project, root)
    plan = load_plan(root / "inputs" / "plan.yaml")
    (info,) = write_forms(plan, root / "inputs" / "returns", units=["liangzihu"])
    _fill(info.path, "liangzihu", {("A01", 2022): "很多"}, {})  # type: ignore[dict-item]
    ev = reportkit.evaluate(root)
    assert (ev.rejected_units, ev.rejected_files) == (("liangzihu",), (info.path.name,))
    out = CliRunner().invoke(main, ["evaluate", "--project", str(root), "--json"])
    assert json.loads(out.stdout)["rejected_files"] == [info.path.name]
    text = CliRunner().invoke(main, ["evaluate", "--project", str(root)]).stdout
    assert f"以下填报表存在错误，未纳入评估：{info.path.name}（请运行 reportkit validate 查看）" in text
    reported = next(line for line in text.splitlines() if line.startswith("纳入评估的单位："))
    assert "梁子湖区" not in reported and "葛店经开区" in reported  # has errors, so not "未报送"
