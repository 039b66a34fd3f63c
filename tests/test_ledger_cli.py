"""``reportkit collect / status / history / export`` end to end: the bundled plan, forms
written by the form writer, filled with openpyxl, checked by the real validation."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_ledger_support import EXAMPLE_PLAN, fill_form

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms.writer import write_form
from reportkit.ledger import SCHEMA_VERSION, Ledger
from reportkit.project import Project

PLAN = load_plan(EXAMPLE_PLAN)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("forms")
    return {code: write_form(PLAN, code, out / f"{code}.xlsx").path for code in ("echeng", "huarong")}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "项目"
    (root / "inputs" / "returns").mkdir(parents=True)
    shutil.copy(EXAMPLE_PLAN, root / "inputs" / "plan.yaml")
    return Project(root)


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--project", str(project.root)], env={"COLUMNS": "250"})


def test_collect_status_resubmit_history(project: Project, forms: dict[str, Path]) -> None:
    returns = project.returns_dir
    bad = fill_form(forms["echeng"], returns / "鄂城区.xlsx", {("A01", 2022): "abc"})
    res = run(project, "collect", str(bad), "--received-at", "2024-01-15T10:00")
    assert res.exit_code == 1, res.output
    assert "新登记" in res.stdout and "鄂城区" in res.stdout and "有错误" in res.stdout
    assert "“abc”不是数值" in res.stdout and "指标数据!K4" in res.stdout  # 2020 in I, 2021 in J

    status = run(project, "status")
    assert status.exit_code == 0
    assert "报送率 1/21" in status.stdout and "有错误" in status.stdout and "未报送：华容区" in status.stdout

    fixed = fill_form(forms["echeng"], returns / "鄂城区（修改后）.xlsx")
    res = run(project, "collect", str(fixed), "--received-at", "2024-01-22T09:00")
    assert res.exit_code == 0, res.output
    assert "重新报送（替换旧版本）" in res.stdout and "通过" in res.stdout

    data = json.loads(run(project, "status", "--json").stdout)
    echeng = data["units"][0]
    assert (echeng["unit"], echeng["state"], echeng["submissions"], echeng["resubmissions"]) == (
        "echeng", "accepted", 2, 1)
    assert echeng["timeliness_label"] == "按时"  # first reported 1-15, deadline 1-20
    assert (data["reported"], data["total"], data["accepted"]) == (1, 21, 1)

    history = json.loads(run(project, "history", "鄂城区", "--json").stdout)
    subs = history["submissions"]
    assert [s["file_name"] for s in subs] == ["鄂城区.xlsx", "鄂城区（修改后）.xlsx"]
    assert subs[0]["superseded_by"] == subs[1]["sha256"] and subs[0]["state"] == "has-errors"
    assert subs[0]["findings"][0]["code"] == "value.not-a-number"
    text = run(project, "history", "echeng")
    assert text.exit_code == 0 and "现用版本" in text.stdout and "替换" in text.stdout


def test_status_json_is_the_library_dict(project: Project, forms: dict[str, Path]) -> None:
    run(project, "collect", str(fill_form(forms["huarong"], project.returns_dir / "华容区.xlsx")))
    data = json.loads(run(project, "status", "--json").stdout)
    with Ledger.for_project(project) as led:
        assert data == json.loads(json.dumps(led.status(PLAN).to_dict(), ensure_ascii=False))


def test_history_json_is_the_library_dict(project: Project, forms: dict[str, Path]) -> None:
    from reportkit.ledger import unit_history

    before = run(project, "history", "华容区", "--json")
    assert before.exit_code == 0 and json.loads(before.stdout) == {"unit": "huarong", "name": "华容区",
                                                                   "submissions": []}
    assert not project.ledger_path.exists()  # a question creates no ledger
    run(project, "collect", str(fill_form(forms["huarong"], project.returns_dir / "华容区.xlsx")))
    data = json.loads(run(project, "history", "huarong", "--json").stdout)
    assert data == json.loads(json.dumps(unit_history(project, "华容区").to_dict(), ensure_ascii=False))
    assert [s["file_name"] for s in data["submissions"]] == ["华容区.xlsx"]
    unknown = run(project, "history", "不存在的单位")
    assert unknown.exit_code == 2 and "找不到填报单位“不存在的单位”" in unknown.stderr


def test_collect_folder_twice_and_a_corrupt_file(project: Project, forms: dict[str, Path]) -> None:
    fill_form(forms["echeng"], project.returns_dir / "鄂城区.xlsx")
    fill_form(forms["huarong"], project.returns_dir / "华容区.xlsx")
    (project.returns_dir / "~$鄂城区.xlsx").write_bytes(b"lock file")  # Excel's owner file: skipped
    res = run(project, "collect", str(project.returns_dir), "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["summary"]["new"] == 2 and out["summary"]["files"] == 2

    again = run(project, "collect", str(project.returns_dir))
    assert again.exit_code == 0 and again.stdout.count("已登记过") >= 2

    broken = project.returns_dir / "梁子湖区.xlsx"
    broken.write_bytes(b"\x00\x01 not a workbook at all")
    res = run(project, "collect", str(broken), "--json")
    assert res.exit_code == 1
    [result] = json.loads(res.stdout)["results"]
    assert (result["outcome"], result["unit"], result["state_label"]) == ("rejected", None, "无法受理")
    assert result["findings"] and result["findings"][0]["severity"] == "error"
    data = json.loads(run(project, "status", "--json").stdout)
    assert data["reported"] == 2


def test_export_command(project: Project, forms: dict[str, Path], tmp_path: Path) -> None:
    run(project, "collect", str(fill_form(forms["echeng"], project.returns_dir / "鄂城区.xlsx")))
    target = tmp_path / "导出" / "台账.csv"
    res = run(project, "export", str(target))
    assert res.exit_code == 0 and "已导出" in res.stdout
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    a01 = [r for r in rows if r["指标编码"] == "A01"]
    assert [(r["年份"], r["数值"]) for r in a01] == [("2020", "4"), ("2021", "5"), ("2022", "6"), ("2023", "7")]
    assert a01[0]["单位名称"] == "鄂城区" and a01[0]["指标名称"] == "全市市场主体数量"


def test_newer_ledger_is_refused_by_the_cli(project: Project) -> None:
    with Ledger.for_project(project):
        pass
    conn = sqlite3.connect(project.ledger_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    res = run(project, "status")
    assert res.exit_code == 1
    assert "更新版本的 reportkit" in res.stderr


def test_usage_errors_exit_2(project: Project, tmp_path: Path) -> None:
    assert run(project, "history", "不存在的单位").exit_code == 2
    assert run(project, "collect", str(tmp_path / "nope.xlsx")).exit_code == 2
    assert run(project, "export", str(tmp_path / "x.txt")).exit_code == 2
    assert run(project, "collect", "--received-at", "昨天", str(EXAMPLE_PLAN)).exit_code == 2


@pytest.mark.parametrize("command", ["collect", "status", "history", "export"])
def test_every_command_has_help_with_examples(command: str) -> None:
    res = CliRunner().invoke(main, [command, "--help"])
    assert res.exit_code == 0 and "示例" in res.output


def test_accepted_values_prefill_the_next_forms(project: Project, forms: dict[str, Path], tmp_path: Path) -> None:
    """What ``reportkit forms`` does with the ledger: accepted years come back pre-filled
    and locked, and the returned form reads them as pre-filled observations."""
    from reportkit.checks.run import validate_return
    from reportkit.ledger import prefill_by_unit

    assert prefill_by_unit(project, PLAN, ["echeng"]) == {}
    assert not project.ledger_path.exists()  # asking never creates a ledger
    fill_form(forms["echeng"], project.returns_dir / "鄂城区.xlsx")
    fill_form(forms["huarong"], project.returns_dir / "华容区.xlsx", {("A01", 2023): "待统计"})
    with Ledger.for_project(project) as led:
        results = led.collect_dir(PLAN, project.returns_dir)
        assert sorted(r.outcome.value for r in results) == ["new", "new"]
        assert [r.outcome.value for r in led.collect_dir(PLAN, project.returns_dir)] == ["already", "already"]

    prefilled = prefill_by_unit(project, PLAN, ["echeng", "huarong", "liangzihu"])
    assert list(prefilled) == ["echeng"]  # huarong's return has an error, liangzihu never reported
    assert prefilled["echeng"][("A01", 2021)] == 5.0 and prefilled["echeng"][("A01", 2023)] == 7.0
    assert prefilled["echeng"][("A01", 2020)] == 4.0  # the district's own baseline, once accepted

    form = write_form(PLAN, "echeng", tmp_path / "新表.xlsx", prefilled=prefilled["echeng"]).path
    data = validate_return(PLAN, form)
    a01 = {o.year: (o.value, o.prefilled) for o in data.observations if o.code == "A01"}
    assert a01 == {2020: (4.0, True), 2021: (5.0, True), 2022: (6.0, True), 2023: (7.0, True)}


def test_replaced_return_with_errors_no_longer_fails_collect(project: Project, forms: dict[str, Path]) -> None:
    bad = fill_form(forms["echeng"], project.returns_dir / "鄂城区.xlsx", {("A01", 2021): "十"})
    fixed = fill_form(forms["echeng"], project.returns_dir / "鄂城区-修改.xlsx")
    os.utime(bad, (1_705_000_000, 1_705_000_000))
    os.utime(fixed, (1_705_300_000, 1_705_300_000))
    res = run(project, "collect", str(project.returns_dir))  # both at once, oldest saved first
    assert res.exit_code == 0, res.output
    assert "有错误（已被替换）" in res.stdout and "需退回修改" not in res.stdout
    again = run(project, "collect", str(bad))
    assert again.exit_code == 0 and "已登记过" in again.stdout
    data = json.loads(run(project, "collect", str(project.returns_dir), "--json").stdout)
    assert data["summary"] == {"new": 0, "already": 2, "superseded": 0, "outdated": 0, "rejected": 0,
                               "files": 2, "with_errors": 0}


def test_markup_in_cells_and_file_names_is_printed_as_typed(project: Project, tmp_path: Path) -> None:
    """Text from returns is never read as rich markup: not crashed on, not altered."""
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


def test_collect_lists_findings_unless_quiet(project: Project, forms: dict[str, Path], terminal_80: None) -> None:
    bad = fill_form(forms["echeng"], project.returns_dir / "鄂城区.xlsx",
                    {("A01", 2021): "a", ("A01", 2022): "b", ("A01", 2023): "c",
                     ("A03", 2021): "d", ("A03", 2022): "e", ("A03", 2023): "f"})
    res = CliRunner().invoke(main, ["collect", str(bad), "--project", str(project.root), "--received-at",
                                    "2024-01-15"])
    assert res.exit_code == 1
    lines = [line.rstrip() for line in res.stdout.split("共 1 个文件：新登记 1。\n")[1].splitlines()]
    assert lines == ["鄂城区.xlsx（鄂城区）有 6 处错误，需退回修改：",
                     "  强制性 指标数据!J4 “a”不是数值，未采用。",
                     "  强制性 指标数据!K4 “b”不是数值，未采用。",
                     "  强制性 指标数据!L4 “c”不是数值，未采用。",
                     "  强制性 指标数据!J7 “d”不是数值，未采用。",
                     "  强制性 指标数据!K7 “e”不是数值，未采用。",
                     "  ……另有 1 处，运行 reportkit validate 查看全部审核意见。"]

    again = fill_form(forms["echeng"], project.returns_dir / "鄂城区2.xlsx", {("A01", 2022): "abc"})
    quiet = CliRunner().invoke(main, ["collect", str(again), "--project", str(project.root), "--quiet"])
    assert quiet.exit_code == 1
    assert quiet.stdout.endswith("共 1 个文件：重新报送 1。\n")  # the table and the count, no findings
