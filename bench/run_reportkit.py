"""reportkit's side of the benchmark, one run per child process (started by ``bench_build.py``):

    python bench/run_reportkit.py build|rebuild|dry-run|read-check|phases PROJECT

* ``build``: ``build()`` of the project (the first one when the ledger is empty; ``rebuild``
  is the same call once the ledger holds every return and the outputs are up to date;
  ``rerender`` is ``build(force=True)`` then: every output rendered again). Asserts that every return was
  accepted clean: no error or warning, no unit left out.
* ``dry-run``: ``build(dry_run=True)``: read, check and evaluate, nothing written.
* ``read-check``: ``validate_paths`` over the returns (reading and checking only).
* ``phases``: a first build (into a copy of the project without its ledger and outputs),
  serial and in one process, with a timer around each phase function: wall time per phase
  (exclusive of the phases nested in it).

Prints one JSON line: ``seconds`` (inside the process, imports included), ``maxrss_mb``
(``ru_maxrss`` of this process) and ``children_maxrss_mb`` (the largest child it waited for:
the isolated readers), plus what the mode measured.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

START = time.perf_counter()

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))



def assert_clean(result: Any, expected: int) -> None:
    """Every generated return is accepted: the corpus measures clean returns, not findings."""
    from reportkit.findings import Severity

    bad = [(Path(r.path).name, f.code) for r in result.run.active for f in r.findings
           if f.severity in (Severity.ERROR, Severity.WARNING)]
    if bad or result.excluded or len(result.included) != expected:
        raise SystemExit(f"corpus not clean: {len(result.included)}/{expected} included, "
                         f"{len(result.excluded)} excluded, findings {bad[:5]}")


def run_build(project: Path, *, dry_run: bool = False, force: bool = False) -> dict[str, Any]:
    from reportkit.project import Project
    from reportkit.rendering.build import build

    n = len(list((project / "inputs" / "returns").glob("*.xlsx")))
    result = build(Project(project), dry_run=dry_run, force=force)
    assert_clean(result, n)
    return {"reported": result.evaluation.coverage.label if result.evaluation else None,
            "up_to_date": result.up_to_date}


def read_check(project: Path) -> dict[str, Any]:
    from reportkit.checks.run import validate_paths
    from reportkit.definitions.loader import load_plan

    plan = load_plan(project / "inputs" / "plan.xlsx")
    run = validate_paths(plan, [project / "inputs" / "returns"])
    return {"returns": len(run.returns)}


# ---------------------------------------------------------------- phases
class Timers:
    """Exclusive time per phase: a phase nested in another is not counted twice."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []

    def wrap(self, owner: Any, attr: str, phase: str) -> bool:
        fn = getattr(owner, attr, None)
        if fn is None:
            return False

        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.stack and self.stack[-1] == phase:  # recursion within one phase
                return fn(*args, **kwargs)
            self.stack.append(phase)
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t
                self.stack.pop()
                self.totals[phase] += elapsed
                if self.stack:
                    self.totals[self.stack[-1]] -= elapsed

        setattr(owner, attr, timed)
        return True


def in_process(tasks: Any, **_kw: Any) -> Any:
    """``run_isolated_many`` done here, one task after the other (as where fork is missing)."""
    for task in tasks:
        try:
            yield task()
        except Exception as exc:  # noqa: BLE001 - handed back like a worker's
            yield exc


def phases(project: Path) -> dict[str, Any]:
    import reportkit.checks.run as run
    import reportkit.intake.isolate as isolate
    import reportkit.intake.reader as reader
    import reportkit.ledger.ledger as ledger
    import reportkit.pipeline as pipeline
    import reportkit.rendering.build as rbuild
    from reportkit.checks import report as check_report
    from reportkit.project import Project
    from reportkit.rendering import context, docx_report
    from reportkit.rendering.build import build

    imported = time.perf_counter()
    work = project.parent / f"{project.name}-phases"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(project / "inputs", work / "inputs")
    # Serial and in this process, so that each phase's timer sees its work.
    isolate.run_isolated = lambda fn, **_kw: fn()  # type: ignore[assignment]
    reader.run_isolated = isolate.run_isolated  # type: ignore[attr-defined]
    run.run_isolated_many = in_process  # type: ignore[attr-defined]
    rbuild.REPORT_ALONGSIDE_ROWS = -1  # the Word report and the validation files made here too
    rbuild.VALIDATION_ALONGSIDE_RETURNS = -1
    timers = Timers()
    missing = [f"{owner.__name__}.{attr}" for owner, attr, phase in (
        (run, "read_form", "read"),
        (run, "check_content", "check"),
        (ledger.Ledger, "collect_many", "ledger (writes)"),
        (ledger.Ledger, "revalidate", "ledger (writes)"),
        (ledger.Ledger, "current", "ledger (load current returns)"),
        (ledger.Ledger, "status", "ledger (status)"),
        (pipeline, "gather_from_ledger", "gather (other)"),
        (rbuild, "load_checked_plan", "plan"),
        (pipeline.Gathered, "evaluate", "evaluate"),
        (context, "build_context", "report context"),
        (docx_report, "render_docx", "render word"),
        (rbuild, "summary_workbook", "render excel summary"),
        (check_report, "write_summary", "render validation workbook"),
        (rbuild, "write_summary", "render validation workbook"),
        (rbuild, "replace_as_set", "write files"),
    ) if not timers.wrap(owner, attr, phase)]
    t = time.perf_counter()
    build(Project(work))
    total = time.perf_counter() - t
    shutil.rmtree(work, ignore_errors=True)
    out = {k: round(v, 3) for k, v in sorted(timers.totals.items(), key=lambda kv: -kv[1])}
    out["other"] = round(total - sum(timers.totals.values()), 3)
    return {"imports": round(imported - START, 3), "build": round(total, 3), "phases": out, "unwrapped": missing}


MODES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "build": run_build,
    "rebuild": run_build,
    "rerender": lambda p: run_build(p, force=True),
    "dry-run": lambda p: run_build(p, dry_run=True),
    "read-check": read_check,
    "phases": phases,
}


def main() -> int:
    mode, project = sys.argv[1], Path(sys.argv[2])
    info = MODES[mode](project)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": time.perf_counter() - START,
                      "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      **info}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
