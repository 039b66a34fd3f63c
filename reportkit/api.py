"""The public library API: what ``import reportkit`` offers, each a thin call over the pipeline.

Every function takes a :class:`~reportkit.project.Project` or a project directory (``str`` or
``Path``) and returns the same result object the matching ``reportkit`` command prints; each
result has ``to_dict()``, which is what ``--json`` prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .checks.report import ValidationOutputs, write_outputs
from .checks.run import ValidationRun, collect_files, validate_paths
from .definitions.loader import load_plan
from .errors import UsageError
from .evaluation import Evaluation
from .forms.run import FormsResult, make_forms
from .forms.writer import FormInfo
from .intake.types import ReturnData
from .ledger import CollectResult
from .ledger.collecting import CollectRun, collect_project
from .pipeline import Progress, gather_from_files
from .project import Project
from .rendering.build import BuildResult
from .rendering.build import build as build_project

ProjectLike = Project | str | Path


def as_project(project: ProjectLike) -> Project:
    """``project`` itself, or the project in the directory it names."""
    return project if isinstance(project, Project) else Project(Path(project).resolve())


def validate(project: ProjectLike, paths: Iterable[Path | str] | None = None, *,
             progress: Callable[[Path, ReturnData], None] | None = None) -> ValidationRun:
    """Validate the returns under ``paths`` (files or folders; default ``inputs/returns/``) against
    the project's plan. Nothing is recorded or written; :func:`reportkit.checks.report.write_outputs`
    writes 审核结果.xlsx and the units' feedback."""
    project = as_project(project)
    plan = load_plan(project.plan_path)
    targets = [project.returns_dir] if paths is None else [Path(p) for p in paths]
    if not collect_files(targets):
        raise UsageError(f"在 {'、'.join(map(str, targets))} 中没有找到填报表文件（.xlsx/.xls/.et）。")
    return validate_paths(plan, targets, progress=progress)


def validate_into(project: ProjectLike, paths: Iterable[Path | str] | None = None, *, out_dir: Path | None = None,
                  progress: Callable[[Path, ReturnData], None] | None = None) -> tuple[ValidationRun, ValidationOutputs]:
    """:func:`validate`, then 审核结果.xlsx, 审核结果.json and the units' annotated feedback copies written
    into ``out_dir`` (default ``outputs/validation``): what ``reportkit validate`` does."""
    project = as_project(project)
    out = project.check_output(out_dir or project.outputs / "validation", "审核结果输出目录")
    run = validate(project, paths, progress=progress)
    return run, write_outputs(run, out)


def evaluate(project: ProjectLike, *, tolerance: float | None = None,
             progress: Progress | None = None) -> Evaluation:
    """Indicator progress from the returns in ``inputs/returns/`` (validated, nothing recorded):
    ``.indicators`` holds one result per indicator; returns with errors are left out and named in
    ``.rejected_files``."""
    project = as_project(project)
    plan = load_plan(project.plan_path)
    return gather_from_files(plan, project, progress).evaluate(plan, tolerance=tolerance)


def build(project: ProjectLike, *, strict: bool = False, dry_run: bool = False, template: Path | None = None,
          progress: Progress | None = None, now: dt.datetime | None = None, force: bool = False) -> BuildResult:
    """Collect new returns into the ledger, evaluate, and write the report, the summary workbook,
    审核结果.xlsx and manifest.json into ``outputs/`` (``dry_run``: nothing recorded or written).
    When nothing they are made from changed since the last build (same plan, template, returns
    and report date) and they are on disk as written, the outputs are left as they are
    (``result.up_to_date``, ``result.kept``); ``force`` writes them anyway."""
    return build_project(as_project(project), strict=strict, dry_run=dry_run, progress=progress,
                         template=template, now=now, force=force)


def write_forms(project: ProjectLike, *, units: Sequence[str] | None = None, out_dir: Path | None = None,
                prefill: bool = True, progress: Callable[[FormInfo], None] | None = None) -> FormsResult:
    """One Excel return form per reporting unit (or the ``units`` named), in ``outputs/forms/``."""
    return make_forms(as_project(project), units=units, out_dir=out_dir, prefill=prefill, progress=progress)


def collect(project: ProjectLike, paths: Iterable[Path | str] | None = None, *,
            received_at: dt.datetime | dt.date | str | None = None,
            on_result: Callable[[CollectResult], None] | None = None,
            on_file: Callable[[Path], None] | None = None) -> CollectRun:
    """Validate and record the returns under ``paths`` (default ``inputs/returns/``) in the ledger.
    ``on_result`` gets each file's outcome once recorded; ``on_file`` each file as it has been
    read and checked (for a progress display)."""
    return collect_project(as_project(project), paths, received_at=received_at, on_result=on_result,
                           on_file=on_file)
