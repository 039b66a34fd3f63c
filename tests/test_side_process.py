"""Work prepared in a child process ahead of time (``intake.isolate.Prepared``), the report's
charts drawn that way, and a build process that never loads matplotlib or openpyxl itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from test_build import project  # noqa: F401 - the fixture: a project with the ezhou plan and four returns

from reportkit.intake import isolate
from reportkit.intake.isolate import Prepared
from reportkit.rendering import charts
from reportkit.rendering.build import build
from reportkit.rendering.docx_report import charts_used
from reportkit.rendering.kinds import PACKAGED_TEMPLATES

ROOT = Path(__file__).resolve().parents[1]


def _children() -> set[int]:
    try:
        text = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text()
    except OSError:
        pytest.skip("no /proc children list on this system")
    return {int(p) for p in text.split()}


def _square(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _fail(x: int) -> int:
    raise ValueError(f"不能处理 {x}")


PARENT = os.getpid()


def _die_in_child(x: int) -> tuple[int, int]:
    if os.getpid() != PARENT:
        os._exit(9)
    return x + 1, os.getpid()


def test_prepared_work_runs_in_a_child_that_prepared_first():
    marks: list[str] = []
    with Prepared(lambda: marks.append("prepared"), _square) as job:
        job.send(7)
        value, pid = job.result()
    assert value == 49
    assert pid != os.getpid()  # computed in the child
    assert marks == []  # prepare() ran in the child, not here


def test_prepared_raises_the_childs_exception_here():
    with Prepared(lambda: None, _fail) as job:
        job.send(3)
        with pytest.raises(ValueError, match="不能处理 3"):
            job.result()


def test_a_child_that_dies_means_the_work_is_done_here():
    with Prepared(lambda: None, _die_in_child) as job:  # dies while working
        job.send(1)
        assert job.result() == (2, os.getpid())
    with Prepared(lambda: time.sleep(30), _square) as job:  # killed before it was sent anything
        child = job._pid
        assert child is not None and child in _children()
        os.kill(child, 9)
        job.send(5)
        assert job.result() == (25, os.getpid())


def test_a_held_child_prepares_only_when_told_to(tmp_path: Path):
    mark = tmp_path / "prepared"
    held = Prepared(lambda: mark.write_text("yes"), _square, hold=True)
    time.sleep(0.5)
    assert not mark.exists()  # forked, waiting
    held.close()
    assert not mark.exists()  # stopped without ever preparing

    with Prepared(lambda: mark.write_text("yes"), _square, hold=True) as job:
        job.go()
        deadline = time.monotonic() + 20
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert mark.read_text() == "yes"
        job.send(3)
        value, pid = job.result()
    assert value == 9 and pid != os.getpid()

    with Prepared(lambda: None, _square, hold=True) as job:  # send() alone lets it go too
        job.send(2)
        assert job.result()[0] == 4


def test_a_child_never_sent_anything_is_stopped_and_reaped():
    before = _children()
    job = Prepared(lambda: None, _square)
    assert job._pid in _children()
    job.close()
    assert _children() == before


def test_a_child_that_runs_out_of_time_is_killed_and_the_work_done_here():
    job = Prepared(lambda: time.sleep(30), _square)
    job.send(4)
    t = time.monotonic()
    assert job.result(seconds=0.5) == (16, os.getpid())
    assert time.monotonic() - t < 10
    assert job._pid is None


def test_without_fork_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delattr(isolate.os, "fork")
    job = Prepared(lambda: None, _square)
    job.send(6)
    assert job.result() == (36, os.getpid())


def test_when_no_process_can_be_made_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch):
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    fds_before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    monkeypatch.setattr(isolate.os, "fork", refuse)
    job = Prepared(lambda: None, _square, hold=True)
    job.go()
    job.send(7)
    assert job.result() == (49, os.getpid())
    if fds_before is not None:
        assert len(os.listdir("/proc/self/fd")) == fds_before  # the pipes were closed


def test_charts_drawn_in_the_child_are_the_charts_drawn_here():
    inputs = {"status": [{"status": "已完成", "count": 3, "color": "70AD47"},
                         {"status": "滞后", "count": 1, "color": "C00000"}],
              "progress": [{"name": "市场主体总量", "progress": "80%", "progress_value": 80.0,
                            "time_progress_value": 60.0, "status_color": "70AD47"},
                           {"name": "每万人口高价值发明专利拥有量", "progress": "35%", "progress_value": 35.0,
                            "time_progress_value": 60.0, "status_color": "C00000"}]}
    with charts.ChartDrawer() as drawer:
        drawer.send(inputs)
        drawn = drawer.result()
    assert set(drawn) == {"status", "progress"}
    assert drawn == charts.draw_charts(inputs)
    assert all(png.startswith(b"\x89PNG") for png in drawn.values())


PROBE = """
import sys
from reportkit.project import Project
from reportkit.rendering.build import build
result = build(Project(sys.argv[1]))
assert result.written, "nothing written"
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_build_process_loads_neither_matplotlib_nor_openpyxl(project):  # noqa: F811
    done = subprocess.run([sys.executable, "-c", PROBE, str(project.root)], capture_output=True, text=True,
                          timeout=300, check=True, cwd=ROOT)
    loaded = set(done.stderr.split())
    assert "reportkit.rendering.build" in loaded and "docxtpl" in loaded  # the probe saw the real list
    heavy = sorted(m for m in loaded if m.split(".")[0] in {"matplotlib", "openpyxl", "numpy"})
    assert heavy == []
    report = next(project.outputs.glob("*.docx"))
    with zipfile.ZipFile(report) as z:  # the progress chart the child drew is in the report
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and z.read(media[0]).startswith(b"\x89PNG")


def _template_with(tmp_path: Path, *texts: str) -> Path:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    path = tmp_path / "custom.docx"
    document.save(str(path))
    return path


def test_only_the_charts_a_template_shows_are_drawn(tmp_path: Path):
    packaged = {p.name: charts_used(p) for p in PACKAGED_TEMPLATES.glob("*.docx")}
    assert packaged["中期评估报告模板.docx"] == {"progress"}
    assert all(used is not None and used <= {"progress", "status"} for used in packaged.values())
    assert charts_used(_template_with(tmp_path, "{{ charts.status }}", "{{ charts['progress'] }}")) == \
        {"status", "progress"}
    assert charts_used(_template_with(tmp_path, "{{ plan.name }}")) == set()
    # charts read as a whole, or a reading that is not followed: every chart is drawn
    assert charts_used(_template_with(tmp_path, "{% for k in charts %}{{ k }}{% endfor %}")) is None
    assert charts_used(_template_with(tmp_path, "{% set c = charts %}{{ c.status }}")) is None
    assert charts_used(_template_with(tmp_path, "{% if %}")) is None  # broken: render_docx says why
    broken = tmp_path / "not-a-docx.docx"
    broken.write_bytes(b"PK\x03\x04 nothing")
    assert charts_used(broken) is None

    inputs = {"counts": {"by_status": [{"status": "滞后", "count": 1, "color": "C00000"}]},
              "indicators": [{"name": "指标", "progress": "35%", "progress_value": 35.0,
                              "time_progress_value": 60.0, "status_color": "C00000", "other": "不需要"}]}
    only = charts.chart_inputs(inputs, {"status"})
    assert set(only) == {"status"}
    drawn = charts.draw_charts(only)
    assert drawn["progress"] == b"" and drawn["status"].startswith(b"\x89PNG")
    assert set(charts.chart_inputs(inputs)) == {"status", "progress"}
    assert charts.chart_inputs(inputs)["progress"][0].keys() == {"name", "progress", "progress_value",
                                                                  "time_progress_value", "status_color"}


def test_a_template_showing_both_charts_gets_both(project, tmp_path: Path):  # noqa: F811
    template = _template_with(tmp_path, "{{ plan.name }}", "{{ charts.status }}", "{{ charts.progress }}")
    result = build(project, template=template)
    assert result.written
    report = next(p for p in result.written if p.suffix == ".docx")
    with zipfile.ZipFile(report) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 2


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:  # the parts that hold content (docProps hold the time written)
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


def test_a_provinces_summary_is_written_alongside_the_report_and_is_the_same(project, tmp_path: Path,  # noqa: F811
                                                                             monkeypatch: pytest.MonkeyPatch):
    import reportkit.rendering.build as rb

    pids = tmp_path / "pids"
    real = rb.summary_workbook

    def noting(ctx):  # type: ignore[no-untyped-def]
        with pids.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(ctx)

    monkeypatch.setattr(rb, "summary_workbook", noting)
    first = build(project, force=True)
    summary = next(p for p in first.written if p.name.endswith("汇总表.xlsx"))
    alongside = _parts(summary)
    assert [int(p) for p in pids.read_text().split()] != [os.getpid()]  # written by another process
    assert len(pids.read_text().split()) == 1

    pids.unlink()
    monkeypatch.setattr(rb, "SUMMARY_ALONGSIDE_ROWS", 0)  # a national plan: written here
    build(project, force=True)
    assert [int(p) for p in pids.read_text().split()] == [os.getpid()]
    assert _parts(summary) == alongside


def test_a_provinces_validation_results_are_made_alongside_and_are_the_same(project, tmp_path: Path,  # noqa: F811
                                                                          monkeypatch: pytest.MonkeyPatch):
    """审核结果.json and .xlsx are made by a process forked once the returns are gathered (while
    this one evaluates and renders), for a national plan here: the same content either way."""
    import reportkit.rendering.build as rb

    pids = tmp_path / "pids"
    real = rb.write_summary

    def noting(run, target):  # type: ignore[no-untyped-def]
        with pids.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(run, target)

    monkeypatch.setattr(rb, "write_summary", noting)
    first = build(project, force=True)
    book = next(p for p in first.written if p.name == "审核结果.xlsx")
    found = next(p for p in first.written if p.name == "审核结果.json")
    alongside, alongside_json = _parts(book), found.read_bytes()
    assert [int(p) for p in pids.read_text().split()] != [os.getpid()]  # made by another process
    assert json.loads(alongside_json)["returns"]

    pids.unlink()
    monkeypatch.setattr(rb, "VALIDATION_ALONGSIDE_RETURNS", 0)  # a national plan: written here
    second = build(project, force=True)
    assert [int(p) for p in pids.read_text().split()] == [os.getpid()]
    assert _parts(book) == alongside and found.read_bytes() == alongside_json
    assert [p.name for p in second.written] == [p.name for p in first.written]


def test_a_failed_report_leaves_no_process_behind(project, tmp_path: Path):  # noqa: F811
    from reportkit.errors import TemplateError

    before = _children()
    broken = _template_with(tmp_path, "{{ plan.name }}", "{{ 没有这个变量.x }}")
    with pytest.raises(TemplateError):
        build(project, template=broken)
    assert _children() == before  # the chart and summary processes were stopped and reaped


def test_the_indicator_rows_made_first_for_the_charts_are_the_contexts():
    from reportkit.rendering.context import build_context, indicator_rows
    from reportkit.rendering.sample import sample_inputs

    inputs = sample_inputs()
    rows = indicator_rows(inputs)
    assert build_context(inputs, rows=rows) == build_context(inputs)
    assert build_context(inputs, rows=rows)["indicators"] is rows


def test_gathered_returns_are_left_out_of_collections_during_the_build_only(project,  # noqa: F811
                                                                          monkeypatch: pytest.MonkeyPatch):
    import gc

    import reportkit.pipeline as pipeline

    seen: list[int] = []
    real = pipeline.Gathered.evaluate

    def noting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.get_freeze_count())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pipeline.Gathered, "evaluate", noting)
    assert gc.get_freeze_count() == 0
    build(project)
    assert seen and seen[0] > 0  # frozen while the figures were evaluated
    assert gc.get_freeze_count() == 0  # and collectable again afterwards
    from reportkit.errors import TemplateError

    with pytest.raises(TemplateError):  # a build stopped after gathering
        build(project, template=project.root / "没有这个模板.docx")
    assert gc.get_freeze_count() == 0

    gc.freeze()  # a program that freezes objects itself: its scheme is left alone
    try:
        frozen = gc.get_freeze_count()
        seen.clear()
        build(project, force=True)
        assert seen == [frozen] and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
