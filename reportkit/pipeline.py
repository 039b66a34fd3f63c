"""Gathering the returns a build or an evaluation rests on.

``build`` collects new files from ``inputs/returns/`` into the ledger and takes each unit's
latest accepted return from it (:func:`gather_from_ledger`); ``build --dry-run`` and
``evaluate`` only validate the files in ``inputs/returns/`` and record nothing
(:func:`gather_from_files`). Both give the same :class:`Gathered`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .checks.run import ValidationRun, collect_files, validate_paths
from .definitions.model import Plan
from .intake.types import ReturnData
from .ledger import Ledger, plan_period
from .ledger.collecting import collect_returns
from .ledger.rehearsal import rehearsal
from .project import Project
from .rendering.kinds import within_the_year
from .rendering.submissions import Fallback, Submission

if TYPE_CHECKING:
    from .evaluation import Evaluation

Progress = Callable[[str, int, int], None]  # (stage, done, total)
STAGE_READ = "读取并审核填报表"


def stepper(progress: Progress | None, stage: str, total: int) -> Callable[[], None]:
    """A callable that advances ``stage`` by one each time it is called."""
    done = 0
    if progress:
        progress(stage, 0, total)

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(stage, done, total)
    return step


def validate_returns(plan: Plan, project: Project, progress: Progress | None) -> ValidationRun:
    """Validate every return file in ``inputs/returns/`` (nothing is recorded)."""
    if not project.returns_dir.is_dir():
        return ValidationRun(plan.info.id, units={u.code: u.name for u in plan.reporting_units()})
    files = collect_files([project.returns_dir])
    step = stepper(progress, STAGE_READ, len(files))
    return validate_paths(plan, files, progress=lambda _path, _data: step())


@dataclass
class Gathered:
    """What the figures are built from, and what the report says about collection."""

    run: ValidationRun
    included: list[ReturnData]
    excluded: list[ReturnData]
    submissions: list[Submission] | None = None  # from the ledger
    revalidated: int = 0  # stored returns checked again because the plan changed
    fallbacks: list[Fallback] = field(default_factory=list)  # newest rejected, older accepted used

    def evaluate(self, plan: Plan, *, tolerance: float | None = None) -> Evaluation:
        """The evaluation ``build`` and ``evaluate`` report: from the included returns, naming the
        returns left out for errors; a yearly round is not projected to the end of a plan period."""
        from .evaluation import evaluate

        ev = evaluate(plan, self.included, tolerance=tolerance,
                      rejected_units=[r.unit for r in self.excluded if r.unit])
        return replace(within_the_year(ev), rejected_files=tuple(Path(r.path).name for r in self.excluded))


def gather_from_ledger(plan: Plan, project: Project, progress: Progress | None, *,
                       rehearse: bool = False, meanwhile: Iterator[object] | None = None) -> Gathered:
    """Collect new files from ``inputs/returns/`` into the ledger, then take each unit's latest
    accepted return for the figures. Files already in the ledger are only hashed.

    ``rehearse``: do all of it on a scratch copy of the ledger; the project's ledger and
    stored originals are only read (what ``build --strict`` decides on before writing).
    ``meanwhile``: short steps of other work, one taken as each file is done (while the other
    files are read and checked in worker processes)."""
    files = collect_files([project.returns_dir]) if project.returns_dir.is_dir() else []
    step = stepper(progress, STAGE_READ, len(files))

    def on_file(_path: Path) -> None:
        step()
        if meanwhile is not None:
            next(meanwhile, None)
    with (rehearsal(project) if rehearse else Ledger.for_project(project)) as ledger:
        done = collect_returns(ledger, plan, files, on_file=on_file)
        results, revalidated = done.results, done.revalidated
        latest, included = ledger.current(plan)
        status = ledger.status(plan)
    period = plan_period(plan)
    # Files that are not a current return of this plan (unreadable, another plan or period)
    # still belong in the validation results and the manifest.
    others = [ReturnData(path=r.path, sha256=r.sha256, findings=list(r.record.findings))
              for r in results
              if r.record.unit is None or r.record.plan_id != plan.info.id or r.record.period != period]
    run = ValidationRun(plan.info.id, returns=[*latest, *others],
                        units={u.code: u.name for u in plan.reporting_units()})
    used = {r.unit: r for r in included}
    # A unit whose newest return has errors but an older accepted one is used is not left out:
    # the report says which return it rests on, and the manifest lists that file.
    excluded = [r for r in latest if r.has_errors and r.unit not in used]
    fallbacks = [Fallback(unit=r.unit, rejected_file=_name(r.path), used_file=_name(used[r.unit].path),
                          used_received_at=used[r.unit].received_at)
                 for r in latest if r.has_errors and r.unit in used and r.unit is not None]
    older = {f.unit: f for f in fallbacks}
    submissions = [Submission(unit=u.unit, file=u.current_file, received_at=u.last_received, state=u.state,
                              included=u.has_accepted, resubmissions=u.resubmissions, timeliness=u.timeliness,
                              used_file=older[u.unit].used_file if u.unit in older else "",
                              used_received_at=older[u.unit].used_received_at if u.unit in older else "")
                   for u in status.units if u.reported]
    return Gathered(run, included, excluded, submissions, len(revalidated), fallbacks)


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def gather_from_files(plan: Plan, project: Project, progress: Progress | None) -> Gathered:
    """Validate the files in ``inputs/returns/`` without recording anything (``--dry-run``)."""
    run = validate_returns(plan, project, progress)
    included, excluded = split_returns(run)
    return Gathered(run, included, excluded)


def split_returns(run: ValidationRun) -> tuple[list[ReturnData], list[ReturnData]]:
    """(returns used for the figures, returns left out because of errors)."""
    included, excluded = [], []
    for r in run.active:
        if r.has_errors or r.unit is None:
            excluded.append(r)
        else:
            included.append(r)
    return included, excluded


