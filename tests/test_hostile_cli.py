"""Text from returns printed by the CLI: never read as markup, never altered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_ledger_support import EXAMPLE_PLAN, fill_form

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms.writer import write_form
from reportkit.project import Project

PLAN = load_plan(EXAMPLE_PLAN)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "项目"
    (root / "inputs" / "returns").mkdir(parents=True)
    shutil.copy(EXAMPLE_PLAN, root / "inputs" / "plan.yaml")
    return Project(root)


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--project", str(project.root)], env={"COLUMNS": "250"})


def test_markup_in_cells_and_file_names_is_printed_as_typed(project: Project, tmp_path: Path) -> None:
    form = write_form(PLAN, "echeng", tmp_path / "forms" / "echeng.xlsx").path
    bad = fill_form(form, project.returns_dir / "[bold]鄂城区[red].xlsx",
                    {("A01", 2022): "[/b]", ("A01", 2023): "[bold]12[/bold]"})
    res = run(project, "collect", str(bad))
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "“[/b]”不是数值" in res.stdout and "“[bold]12[/bold]”不是数值" in res.stdout
    assert "[bold]鄂城区[red].xlsx" in res.stdout
    history = run(project, "history", "echeng")
    assert history.exit_code == 0, history.output
    assert "“[/b]”不是数值" in history.stdout
    validate = run(project, "validate", str(bad))
    assert validate.exit_code == 1 and validate.exception is None or isinstance(validate.exception, SystemExit)
    evaluate = run(project, "evaluate")
    assert evaluate.exception is None or isinstance(evaluate.exception, SystemExit), evaluate.output
    assert "[bold]鄂城区[red].xlsx" in evaluate.stdout
