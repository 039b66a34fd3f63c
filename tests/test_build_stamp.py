"""A build with nothing changed since the last one leaves the outputs as they are; any change
to what they are made from (a return, the plan, the template, the day, an output itself)
renders them again."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from test_build import FILLS, _fill, project  # noqa: F401 - the fixture: the ezhou plan and four returns

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.forms.writer import write_forms
from reportkit.project import Project
from reportkit.rendering.build import build
from reportkit.rendering.make_template import TEMPLATE_NAME
from reportkit.rendering.stamp import STAMP_FILE

NOW = dt.datetime(2024, 3, 1, 9, 30)


def _outputs(project: Project) -> dict[str, tuple[bytes, int]]:  # noqa: F811
    return {p.relative_to(project.outputs).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(project.outputs.rglob("*")) if p.is_file()}


def test_a_build_with_nothing_changed_leaves_the_outputs(project: Project):  # noqa: F811
    first = build(project, now=NOW)
    assert first.written and not first.up_to_date
    before = _outputs(project)

    again = build(project, now=NOW.replace(hour=16))  # the same day, later
    assert again.up_to_date and again.written == []
    assert sorted(again.kept) == sorted(first.written)
    assert _outputs(project) == before  # not one byte, not one time stamp changed
    assert again.evaluation is not None and again.evaluation.counts == first.evaluation.counts  # type: ignore[union-attr]

    forced = build(project, now=NOW.replace(hour=17), force=True)
    assert not forced.up_to_date and sorted(forced.written) == sorted(first.written)
    manifest = json.loads((project.outputs / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generated_at"] == "2024-03-01T17:30:00"


def test_the_command_says_nothing_changed_and_force_renders(project: Project):  # noqa: F811
    runner = CliRunner()
    assert runner.invoke(main, ["build", "-p", str(project.root)]).exit_code == 0
    again = runner.invoke(main, ["build", "-p", str(project.root)])
    assert again.exit_code == 0, again.output
    assert "均无变化" in again.output and "--force" in again.output and "无变化" in again.output
    assert "已生成" not in again.output
    assert "主要指标评估结果" in again.output  # the evaluation is still shown
    forced = runner.invoke(main, ["build", "--force", "-p", str(project.root)])
    assert forced.exit_code == 0 and "已生成" in forced.output and "均无变化" not in forced.output
    as_json = json.loads(runner.invoke(main, ["build", "--json", "-p", str(project.root)]).output)
    assert as_json["up_to_date"] is True and as_json["written"] == [] and len(as_json["kept"]) == 5


def _rendered_again(project: Project) -> bool:  # noqa: F811
    result = build(project, now=NOW)
    return not result.up_to_date and bool(result.written)


def test_each_thing_the_outputs_are_made_from_renders_them_again(project: Project):  # noqa: F811
    build(project, now=NOW)
    assert not _rendered_again(project)

    # a new return (a resubmission with another figure)
    plan = load_plan(project.plan_path)
    resub = project.root / "resub"
    info = write_forms(plan, resub, units=["huarong"])[0]
    _fill(info.path, "huarong", {**FILLS["huarong"], ("A01", 2023): 3.3})
    shutil.copy(info.path, project.returns_dir / "华容区-第二次报送.xlsx")
    assert _rendered_again(project)
    assert not _rendered_again(project)

    # the template
    local = project.templates_dir / TEMPLATE_NAME
    local.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(build(project, now=NOW).template or ""), local)
    assert _rendered_again(project)  # another template file (same content, another place)
    assert not _rendered_again(project)
    with local.open("ab") as fh:  # changed content (a zip still opens with bytes appended)
        fh.write(b"\0")
    assert _rendered_again(project)

    # the plan file
    text = project.plan_path.read_text(encoding="utf-8")
    project.plan_path.write_text(text + "\n# 备注\n", encoding="utf-8")
    assert _rendered_again(project)

    # another day
    assert not build(project, now=NOW + dt.timedelta(days=1)).up_to_date

    # an output removed, or changed by hand
    build(project, now=NOW)
    manifest = project.outputs / "manifest.json"
    manifest.unlink()
    assert _rendered_again(project) and manifest.is_file()
    summary = next(project.outputs.glob("*汇总表.xlsx"))
    summary.write_bytes(summary.read_bytes() + b"\0")
    assert _rendered_again(project)
    assert not _rendered_again(project)


def test_a_damaged_or_missing_stamp_renders_again(project: Project):  # noqa: F811
    from reportkit.rendering import stamp as stamps

    assert not stamps.recorded(project)  # a first build: rendering is certain from the start
    build(project, now=NOW)
    assert stamps.recorded(project)
    stamp = project.state_dir / STAMP_FILE
    for damaged in (b"", b"{not json", b"[]", json.dumps({"key": None}).encode(), b"\xff\xfe"):
        stamp.write_bytes(damaged)
        assert _rendered_again(project)
    stamp.write_text(json.dumps({"key": json.loads(stamp.read_text())["key"],
                                 "outputs": {"../inputs/plan.yaml": "0" * 64}}), encoding="utf-8")
    assert _rendered_again(project)  # a stamp naming a file outside outputs/ is not trusted
    stamp.unlink()
    assert _rendered_again(project)
