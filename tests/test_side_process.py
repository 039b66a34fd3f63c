"""Work done in a child process alongside the build (``intake.isolate.Alongside``), the Word
report and validation files made that way, and a build process that never loads openpyxl itself."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fixtures.templates import template_with
from test_build import project  # noqa: F401 - the fixture: a project with the ezhou plan and four returns

from reportkit.intake import isolate
from reportkit.intake.isolate import Alongside
from reportkit.rendering.build import build

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


def _slow_in_child(x: int) -> tuple[int, int]:
    if os.getpid() != PARENT:
        time.sleep(30)
    return _square(x)


def test_work_alongside_runs_in_a_child():
    with Alongside(lambda: _square(7)) as job:
        value, pid = job.result()
    assert value == 49
    assert pid != os.getpid()  # computed in the child


def test_alongside_raises_the_childs_exception_here():
    with Alongside(lambda: _fail(3)) as job, pytest.raises(ValueError, match="不能处理 3"):
        job.result()


def test_a_child_that_dies_means_the_work_is_done_here():
    with Alongside(lambda: _die_in_child(1)) as job:  # dies while working
        assert job.result() == (2, os.getpid())
    with Alongside(lambda: _slow_in_child(5)) as job:  # killed from outside
        child = job._pid
        assert child is not None and child in _children()
        os.kill(child, 9)
        assert job.result() == (25, os.getpid())


def test_a_child_whose_result_is_not_asked_for_is_stopped_and_reaped():
    before = _children()
    job = Alongside(lambda: _slow_in_child(2))
    assert job._pid in _children()
    job.close()
    assert _children() == before


def test_a_child_that_runs_out_of_time_is_killed_and_the_work_done_here():
    before = _children()
    job = Alongside(lambda: _slow_in_child(4))
    t = time.monotonic()
    assert job.result(seconds=0.5) == (16, os.getpid())
    assert time.monotonic() - t < 10
    assert job._pid is None and _children() == before


def test_without_fork_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delattr(isolate.os, "fork")
    assert Alongside(lambda: _square(6)).result() == (36, os.getpid())


def test_when_no_process_can_be_made_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch):
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    fds_before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    monkeypatch.setattr(isolate.os, "fork", refuse)
    job = Alongside(lambda: _square(7))
    assert job.result() == (49, os.getpid())
    if fds_before is not None:
        assert len(os.listdir("/proc/self/fd")) == fds_before  # the pipe was closed


PROBE = """
import sys
from reportkit.project import Project
from reportkit.rendering.build import build
result = build(Project(sys.argv[1]))
assert result.written, "nothing written"
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_build_process_loads_no_openpyxl_nor_a_plotting_library(project):  # noqa: F811
    done = subprocess.run([sys.executable, "-c", PROBE, str(project.root)], capture_output=True, text=True,
                          timeout=300, check=True, cwd=ROOT)
    loaded = set(done.stderr.split())
    assert "reportkit.rendering.build" in loaded and "docxtpl" in loaded  # the probe saw the real list
    heavy = sorted(m for m in loaded if m.split(".")[0] in {"matplotlib", "openpyxl", "numpy"})
    assert heavy == []
    report = next(project.outputs.glob("*.docx"))
    with zipfile.ZipFile(report) as z:  # the progress chart is in the report, as a Word chart
        assert [n for n in z.namelist() if n.startswith("word/charts/chart")] == ["word/charts/chart1.xml"]


def _parts(path: Path | io.BytesIO) -> dict[str, Any]:
    """The parts that hold content (docProps hold the time written), a package inside the package
    (a chart's workbook embedded in the report) as its own parts."""
    with zipfile.ZipFile(path) as z:
        return {n: _parts(io.BytesIO(z.read(n))) if n.endswith(".xlsx") else z.read(n)
                for n in z.namelist() if not n.startswith("docProps/")}


def test_a_provinces_report_is_rendered_alongside_the_summary_and_is_the_same(project, tmp_path: Path,  # noqa: F811
                                                                            monkeypatch: pytest.MonkeyPatch):
    """The Word report is rendered by a process forked once the report context is ready, while
    this one writes the Excel summary (the longer of the two); for a national plan both are made
    here. The report's content is the same either way."""
    import reportkit.rendering.build as rb
    from reportkit.rendering import docx_report

    pids = {"report": tmp_path / "report-pids", "summary": tmp_path / "summary-pids"}

    def noting(name, real):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            with pids[name].open("a") as fh:
                fh.write(f"{os.getpid()}\n")
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(docx_report, "render_docx", noting("report", docx_report.render_docx))
    monkeypatch.setattr(rb, "summary_workbook", noting("summary", rb.summary_workbook))
    first = build(project, force=True)
    report = next(p for p in first.written if p.suffix == ".docx")
    summary = next(p for p in first.written if p.name.endswith("汇总表.xlsx"))
    alongside = _parts(report), _parts(summary)
    assert [int(p) for p in pids["report"].read_text().split()] != [os.getpid()]  # rendered by another process
    assert len(pids["report"].read_text().split()) == 1
    assert [int(p) for p in pids["summary"].read_text().split()] == [os.getpid()]

    for path in pids.values():
        path.unlink()
    monkeypatch.setattr(rb, "REPORT_ALONGSIDE_ROWS", 0)  # a national plan: both made here
    build(project, force=True)
    assert [int(p) for p in pids["report"].read_text().split()] == [os.getpid()]
    assert [int(p) for p in pids["summary"].read_text().split()] == [os.getpid()]
    assert (_parts(report), _parts(summary)) == alongside


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


RENDERER = ("docx", "docxtpl", "jinja2", "xlsxwriter", "lxml", "reportkit.rendering.docx_report",
            "reportkit.rendering.context", "reportkit.rendering.summary_xlsx", "reportkit.checks.report")

TIMED_PROBE = """
import sys
import reportkit.commands.build
from reportkit import pipeline
from reportkit.intake import isolate
from reportkit.project import Project
from reportkit.rendering.build import build

RENDERER = RENDERER_NAMES
def loaded():
    return sorted(m for m in sys.modules if any(m == r or m.startswith(r + ".") for r in RENDERER))
print("start", loaded(), file=sys.stderr)
real_many, real_evaluate = isolate.run_isolated_many, pipeline.Gathered.evaluate
def many(*args, **kwargs):
    print("reading", loaded(), file=sys.stderr)
    return real_many(*args, **kwargs)
def evaluate(self, *args, **kwargs):
    print("evaluating", loaded(), file=sys.stderr)
    return real_evaluate(self, *args, **kwargs)
isolate.run_isolated_many, pipeline.Gathered.evaluate = many, evaluate
import reportkit.checks.run
reportkit.checks.run.run_isolated_many = many
result = build(Project(sys.argv[1]))
print("end", loaded(), result.up_to_date, file=sys.stderr)
""".replace("RENDERER_NAMES", repr(RENDERER))


def _stages(project_root: Path) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", TIMED_PROBE, str(project_root)], capture_output=True, text=True,
                          timeout=300, check=True, cwd=ROOT)
    return dict(line.split(" ", 1) for line in done.stderr.splitlines() if line.split(" ")[0] in
                {"start", "reading", "evaluating", "end"})


def test_the_renderer_is_imported_while_the_returns_are_read_and_not_when_outputs_are_kept(project):  # noqa: F811
    """``reportkit build`` starts reading the returns before it imports what renders the outputs
    (Word, Excel, the report context): those come in while the returns are read, one between two
    files' results. A build that finds its outputs up to date never imports them."""
    first = _stages(project.root)
    assert first["start"] == "[]" and first["reading"] == "[]"
    assert all(f"'{m}'" in first["evaluating"] for m in RENDERER)
    again = _stages(project.root)
    assert again["end"] == "[] True"  # nothing changed: outputs kept, no renderer loaded


def test_a_failed_report_leaves_no_process_behind(project, tmp_path: Path):  # noqa: F811
    from reportkit.errors import TemplateError

    before = _children()
    broken = template_with(tmp_path, "{{ plan.name }}", "{{ 没有这个变量.x }}")
    with pytest.raises(TemplateError):
        build(project, template=broken)
    assert _children() == before  # the summary process was stopped and reaped


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
