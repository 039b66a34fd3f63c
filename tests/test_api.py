"""The public library API: the README's example runs as written, and each function takes a
Project or a directory and gives what the matching command prints with --json."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import reportkit
from reportkit.checks.run import ValidationRun
from reportkit.errors import UsageError
from reportkit.scaffold import init_project

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_example() -> str:
    section = README.split("## 作为 Python 库使用", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's library section has no python block"
    return match.group(1)


def test_all_lists_the_api():
    assert sorted(reportkit.__all__) == ["Ledger", "Project", "build", "collect", "evaluate", "load_plan",
                                         "validate", "write_forms"]
    for name in reportkit.__all__:
        assert callable(getattr(reportkit, name)), name
    with pytest.raises(AttributeError):
        reportkit.no_such_name  # noqa: B018


def test_import_is_lazy():
    code = "import sys, reportkit; print(sorted(m for m in sys.modules if m.startswith('reportkit')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['reportkit']"


def test_readme_example_runs(tmp_path, monkeypatch):
    init_project(tmp_path / "鄂州示例", "ezhou")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_readme_example(), "README.md", "exec"), {})  # noqa: S102
    lines = out.getvalue().splitlines()
    assert lines[0] == "{'error': 1, 'warning': 3, 'info': 0, 'accepted': 2}"  # the 药品 return breaks a rule
    assert lines[1] == "A01 全市市场主体数量（万户） 滞后"
    assert lines[8] == "A08 药品、医疗器械及化妆品监督抽检合格率（%） 无法评估"
    assert "鄂州市市场监管“十四五”规划中期评估报告.docx" in lines[9]
    assert lines[10].startswith("报送率 20/21（95%）")
    project = tmp_path / "鄂州示例"
    assert (project / "outputs" / "鄂州市市场监管“十四五”规划中期评估报告.docx").is_file()
    assert [p.name for p in (project / "outputs" / "forms").iterdir()] == ["鄂城区-2023年中期评估填报表.xlsx"]
    assert (project / ".reportkit" / "ledger.db").is_file()


@pytest.fixture(scope="module")
def ezhou(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("api") / "ezhou"
    init_project(root, "ezhou")
    return root


def test_functions_take_str_path_or_project(ezhou):
    as_str = reportkit.evaluate(str(ezhou)).to_dict()
    as_path = reportkit.evaluate(ezhou).to_dict()
    as_project = reportkit.evaluate(reportkit.Project(str(ezhou))).to_dict()
    assert as_str == as_path == as_project
    assert reportkit.Project(str(ezhou)).plan_path == ezhou / "inputs" / "plan.xlsx"


def test_validate_takes_paths(ezhou):
    one = sorted((ezhou / "inputs" / "returns").glob("*.xlsx"))[0]
    run = reportkit.validate(ezhou, [one])
    assert isinstance(run, ValidationRun)
    assert [Path(r.path).name for r in run.returns] == [one.name]
    assert len(reportkit.validate(ezhou).returns) > 1
    with pytest.raises(UsageError, match="没有找到填报表文件"):
        reportkit.validate(ezhou, [ezhou / "templates"])


def test_cli_json_is_the_library_to_dict(ezhou, tmp_path):
    from click.testing import CliRunner

    from reportkit.cli import main

    out = CliRunner().invoke(main, ["validate", "-p", str(ezhou), "--json", "--out", str(tmp_path / "v")])
    assert out.exit_code == 1
    assert json.loads(out.output) == json.loads(json.dumps(reportkit.validate(ezhou).to_dict(), default=str))


def test_collect_and_forms(tmp_path):
    root = tmp_path / "p"
    init_project(root, "ezhou")
    first = reportkit.collect(root)
    assert first.counts()["new"] == first.counts()["files"] > 0
    again = reportkit.collect(root)
    assert again.counts()["already"] == again.counts()["files"]
    forms = reportkit.write_forms(root, units=["鄂城区"], out_dir=tmp_path / "发送")
    assert [f.unit for f in forms.forms] == ["echeng"]
    assert forms.to_dict()["count"] == 1 and (tmp_path / "发送" / forms.forms[0].path.name).is_file()


def test_command_line_help_still_works():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([sys.executable, "-m", "reportkit", "--help"], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "reportkit" in out.stdout
