"""The document follows the kind: a five-year plan's 年度监测 round and its 总结评估, built
from the bundled examples; each kind's default template ships with the package and ``reportkit
init`` copies the one the plan needs."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_build import FILLS, _fill

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms.writer import write_forms
from reportkit.project import Project
from reportkit.rendering.build import build
from reportkit.rendering.kinds import ANNUAL_TEMPLATE, BULLETIN_TEMPLATE, PACKAGED_TEMPLATES
from reportkit.rendering.make_template import TEMPLATE_NAME
from reportkit.scaffold import init_project


def _project(tmp_path: Path, kind: str, example: str = "ezhou") -> Project:
    """The bundled plan evaluated as ``kind``, with its units' returns for that round (forms of
    the 中期评估 round would be returns of another round)."""
    root = tmp_path / example
    init_project(root, example)
    for old in (root / "inputs" / "returns").iterdir():
        old.unlink()
    plan_path = root / "inputs" / "plan.xlsx"
    wb = load_workbook(plan_path)
    cells = [c for row in wb["规划信息"].iter_rows() for c in row if c.value == "中期评估"]
    assert len(cells) == 1
    cells[0].value = kind
    wb.save(plan_path)
    plan = load_plan(plan_path)
    for form in write_forms(plan, root / "inputs" / "returns", units=list(FILLS)):
        _fill(form.path, form.unit, FILLS[form.unit])
    return Project(root)


def _document(path: Path) -> tuple[list[str], str]:
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    text += "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    return [p.text for p in d.paragraphs if p.style.name.startswith("Heading")], text


@pytest.mark.parametrize("name", [TEMPLATE_NAME, ANNUAL_TEMPLATE, BULLETIN_TEMPLATE])
def test_each_kind_has_a_packaged_template_that_checks_clean(name: str):
    path = PACKAGED_TEMPLATES / name
    res = CliRunner().invoke(main, ["template", "check", str(path)])
    assert res.exit_code == 0, res.output


def test_annual_monitoring_of_a_five_year_plan(tmp_path: Path):
    project = _project(tmp_path, "年度监测")
    result = build(project)
    report = next(p for p in result.written if p.suffix == ".docx")
    assert report.name == "鄂州市市场监管“十四五”规划年度监测报告.docx"
    assert result.template == PACKAGED_TEMPLATES / ANNUAL_TEMPLATE  # the project has only the 中期评估 one
    headings, text = _document(report)
    assert "鄂州市市场监管“十四五”规划年度监测报告" in text
    assert not any("指标调整建议" in h for h in headings)  # no target-adjustment section
    assert "预计" not in text  # no projection beyond the year
    assert all(r.projection.value is None for r in result.evaluation.indicators)
    # progress against the schedule stays: a five-year plan's yearly round
    assert "时间进度" in text
    table = docx.Document(str(report)).tables[0]
    assert [c.text for c in table.rows[0].cells][-2:] == ["状态", "较上年"]
    changes = {r.cells[1].text: r.cells[-1].text for r in table.rows[1:]}
    assert changes["有效地理标志总量"] == "+1"  # 38 → 39 件; the unit is in its own column
    # totals that miss units (2 of 5 districts) are not compared with the year before
    partial = {r.indicator.name for r in result.evaluation.indicators if r.partial}
    assert {"全市市场主体数量", "食品安全评价性抽检合格率"} <= partial
    assert changes["全市市场主体数量"] == changes["食品安全评价性抽检合格率"] == "—"


def test_final_evaluation_of_a_five_year_plan(tmp_path: Path):
    project = _project(tmp_path, "总结评估")
    result = build(project)
    report = next(p for p in result.written if p.suffix == ".docx")
    assert report.name == "鄂州市市场监管“十四五”规划总结评估报告.docx"
    assert result.template == project.templates_dir / TEMPLATE_NAME
    headings, text = _document(report)
    assert any("指标调整建议" in h for h in headings)  # as the 中期评估 report
    statuses = {r.status.value for r in result.evaluation.indicators}
    assert statuses <= {"已实现", "未实现", "无法评估"} and statuses & {"已实现", "未实现"}
    assert "预计2025年" not in text
    assert all(r.projection.value is None for r in result.evaluation.indicators)


def test_init_copies_the_template_the_plan_needs(tmp_path: Path):
    assert [p.name for p in (init_project(tmp_path / "new").root / "templates").iterdir()] == [TEMPLATE_NAME]
    zs = init_project(tmp_path / "zs", "zhongshan").root
    assert [p.name for p in (zs / "templates").iterdir()] == [BULLETIN_TEMPLATE]
