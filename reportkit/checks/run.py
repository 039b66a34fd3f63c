"""Validate returns: one file (:func:`validate_return`) or a batch (:func:`validate_paths`).

Bad data never raises: every problem, including a file that cannot be opened, is a
finding on the :class:`~reportkit.intake.types.ReturnData` of that file.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..definitions.dates import explains_year
from ..definitions.model import Plan
from ..findings import Finding, Severity, count_by_severity, register
from ..intake.isolate import IsolationFailed, default_jobs, run_isolated_many
from ..intake.reader import FormContent, opened, read_form, unreadable
from ..intake.types import ReturnData, ReturnMeta
from . import identity, structure
from .cells import check_cells, is_explanation
from .context import CheckContext, RowSpecs, row_specs
from .duplicates import resolve_duplicates
from .rules import check_rules
from .series import check_series
from .tasks import check_tasks

Check = Callable[[CheckContext], None]

# Order matters: each gate may set ctx.stop, and later checks use what earlier ones read.
GATES: tuple[Check, ...] = (identity.check_readable, identity.check_is_form, identity.check_plan)
CHECKS: tuple[Check, ...] = (
    identity.check_fingerprint, identity.check_identity, identity.check_sheets, structure.check_columns, structure.check_rows,
    structure.check_locked,
    check_cells, check_series, check_rules, check_tasks,
)
register("check.crashed", Severity.ERROR, "审核未能完成",
         "审核“{check}”时遇到意外情况（{detail}），该项审核未完成。",
         "请将此文件发给系统维护人员；其他审核结果仍然有效。")

RETURN_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb"}


def validate_return(plan: Plan, path: Path | str) -> ReturnData:
    """Read and check one returned workbook."""
    content = read_form(Path(path))
    return check_content(plan, content)


def validate_many(plan: Plan, paths: Sequence[Path | str], *, jobs: int | None = None) -> Iterator[ReturnData]:
    """:func:`validate_return` of each path, yielded in order, read and checked in ``jobs``
    worker processes (default: one per core). The workers are the readers' isolation: a file
    whose worker aborts or hangs becomes that file's finding (as :func:`validate_return` gives
    it) and the others go on. The results are those of a serial run."""
    files = [Path(p) for p in paths]
    jobs = max(1, default_jobs() if jobs is None else jobs)
    if len(files) <= 1:
        yield from (validate_return(plan, p) for p in files)
        return
    plan.fingerprint()  # computed once here, before the workers are forked, not once in each
    specs = RowSpecs(plan)  # filled in each worker, for the units of the returns it checks
    tasks = [partial(_read_and_check, plan, p, specs) for p in files]
    # What exists now (the modules, the plan) is left out of the collections made while the returns
    # arrive (the collector walked it again and again: a fifth of this process's time); a program that froze
    # objects itself keeps its own scheme.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        # One core: one worker for the whole batch (forking a child per file costs ~10 ms each).
        for path, got in zip(files, run_isolated_many(tasks, jobs=jobs), strict=True):
            if isinstance(got, ReturnData):
                yield got
            elif isinstance(got, IsolationFailed):
                content = opened(path)
                yield check_content(plan, content if content.problem else unreadable(content, got))
            elif isinstance(got, KeyboardInterrupt | SystemExit):
                raise got
            else:  # the worker could not hand the result back: done here, as a serial run does
                yield validate_return(plan, path)
    finally:
        if freeze:
            gc.unfreeze()


def _read_and_check(plan: Plan, path: Path, specs: RowSpecs | None = None) -> ReturnData:
    return check_content(plan, read_form(path, isolate=False), specs)


def check_content(plan: Plan, content: FormContent, specs: RowSpecs | None = None) -> ReturnData:
    """``specs``: the plan's row specs as made for earlier returns of a batch (:class:`RowSpecs`)."""
    ctx = CheckContext(plan, content)
    for gate in GATES:
        _guarded(gate, ctx)
        if ctx.stop:
            return _result(ctx)
    ctx.specs = specs(ctx.unit or "") if specs is not None and specs.plan is plan else row_specs(plan, ctx.unit or "")
    for check in CHECKS:
        _guarded(check, ctx)
    return _result(ctx)


def _guarded(check: Check, ctx: CheckContext) -> None:
    """Run one check; a defect in a check must not cost the unit the other findings."""
    try:
        check(ctx)
    except Exception as exc:  # noqa: BLE001 - the last line of "bad data never raises"
        ctx.add("check.crashed", ctx.loc(), check=check.__name__, detail=f"{type(exc).__name__}: {exc}"[:200])


def _result(ctx: CheckContext) -> ReturnData:
    c = ctx.content
    findings = _explain(ctx, ctx.findings)
    received = dt.datetime.fromtimestamp(c.path.stat().st_mtime).isoformat(timespec="seconds") \
        if c.path.exists() else ""
    meta = _meta(ctx)
    return ReturnData(
        path=str(c.path), sha256=c.sha256, meta=meta,
        observations=ctx.observations, notes=ctx.notes, tasks=c.tasks if not ctx.stop else [],
        narrative=c.narrative, findings=sort_findings(findings), received_at=received,
        identity=_identity(ctx) if meta is None else None,
    )


def _meta(ctx: CheckContext) -> ReturnMeta | None:
    """The return's identity, with the unit's name as the plan gives it (the form's own copy of
    the name is untrusted text, and is never what reportkit shows)."""
    return None if ctx.content.meta is None or ctx.stop else _named(ctx)


def _identity(ctx: CheckContext) -> ReturnMeta | None:
    """The unit a refused return comes from, when the form is this plan's and names one of its
    units (a form of another period), named as in :func:`_meta`."""
    form = ctx.content.meta
    if form is None or form.get("plan_id") != ctx.plan.info.id or ctx.plan.unit(form.get("unit")) is None:
        return None
    return _named(ctx)


def _named(ctx: CheckContext) -> ReturnMeta:
    assert ctx.content.meta is not None
    meta = ctx.content.meta.to_return_meta()
    return replace(meta, unit_name=ctx.plan.unit_name(meta.unit) or meta.unit_name)


def _explain(ctx: CheckContext, findings: list[Finding]) -> list[Finding]:
    """A warning on an indicator row is accepted when the row's 说明 explains it: a 说明 that
    names years ("2021年开展专项行动") explains only the findings of those years."""
    out = []
    for f in findings:
        note = ctx.notes.get(f.location.indicator or "")
        if (f.severity is Severity.WARNING and note and is_explanation(note.explanation)
                and explains_year(note.explanation, f.location.year)):
            f = f.explained_by(note.explanation)
        out.append(f)
    return out


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity.rank, f.location.sheet or "", _cell_key(f.location.cell),
                                           f.code))


def _cell_key(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, letters.rjust(3))


# batches -------------------------------------------------------------------------

@dataclass
class ValidationRun:
    plan_id: str
    returns: list[ReturnData] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # code -> name of the plan's reporting units

    @property
    def active(self) -> list[ReturnData]:
        """The returns whose findings count (superseded duplicates excluded)."""
        return [r for r in self.returns if r.superseded_by is None]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.returns for f in r.findings]

    @property
    def has_errors(self) -> bool:
        return any(r.has_errors for r in self.active)

    @property
    def missing_units(self) -> list[str]:
        reported = {r.unit for r in self.active if r.unit}
        return [code for code in self.units if code not in reported]

    def counts_by_unit(self) -> dict[str, dict[str, Any]]:
        """Per unit code ('' for unidentified files): files, errors, warnings, accepted, info."""
        out: dict[str, dict[str, Any]] = {}
        for r in self.returns:
            key = r.unit or ""
            row = out.setdefault(key, {"unit": key, "unit_name": self.units.get(key, "") if key else "（未识别）",
                                       "files": 0, "error": 0, "warning": 0, "info": 0, "accepted": 0,
                                       "state": ""})
            row["files"] += 1
            if r.superseded_by is None:
                for k, v in count_by_severity(r.findings).items():
                    row[k] += v
                row["state"] = r.state
        order = {code: i for i, code in enumerate(self.units)}
        return dict(sorted(out.items(), key=lambda kv: (kv[0] not in order, order.get(kv[0], 0), kv[0])))

    def to_dict(self, *, values: bool = True) -> dict[str, Any]:
        """``values=False``: findings and states without the figures each return holds."""
        totals = count_by_severity([f for r in self.active for f in r.findings])
        return {
            "plan_id": self.plan_id,
            "files": len(self.returns),
            "has_errors": self.has_errors,
            "totals": totals,
            "units": list(self.counts_by_unit().values()),
            "missing_units": [{"unit": c, "unit_name": self.units[c]} for c in self.missing_units],
            "returns": [r.to_dict(values=values) for r in self.returns],
        }


class FoundLink(type(Path())):  # type: ignore[misc]
    """A symbolic link met inside a folder being searched. It is listed, never entered, and
    stays a link when the list is searched again (``collect_files`` of its own result gives
    the same list, so a linked folder cannot be walked into on a second pass)."""


def collect_files(paths: Iterable[Path | str]) -> list[Path]:
    """Files given, and the return files inside folders given (lock and hidden files skipped).

    Inside a folder, symbolic links are never followed: a link to a file with a return
    suffix, or to a folder (it may hold returns), is listed as it is, and reading it gives a
    finding naming its target (it may point out of the folder, at the folder itself, or
    nowhere). A folder given by name is searched even if it is itself a link: the user
    chose it."""
    out: list[Path] = []
    for given in paths:
        if isinstance(given, FoundLink):
            out.append(given)
            continue
        p = Path(given)
        if p.is_dir():
            out.extend(_folder_files(p))
        elif not _skipped_name(p.name):
            out.append(p)
    return list(dict.fromkeys(out))


def _folder_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = sorted(d for d in dirs if not _skipped_name(d) and d not in linked)
        found.extend(FoundLink(folder, d) for d in linked if _wanted(Path(folder) / d, root, any_suffix=True))
        for name in files:
            f = Path(folder) / name
            if not _wanted(f, root):
                continue
            if f.is_symlink():
                found.append(FoundLink(f))
            elif f.is_file():
                found.append(f)
    return sorted(found)


def _skipped_name(name: str) -> bool:
    return name.startswith("~$") or name.startswith(".")


def _wanted(f: Path, root: Path, *, any_suffix: bool = False) -> bool:
    rel = f.relative_to(root).parts
    return not any(_skipped_name(part) for part in rel) and (any_suffix or f.suffix.lower() in RETURN_SUFFIXES)


def validate_paths(plan: Plan, paths: Iterable[Path | str], *,
                   progress: Callable[[Path, ReturnData], None] | None = None) -> ValidationRun:
    """Validate every return under ``paths``; two returns of one unit and period are resolved."""
    run = ValidationRun(plan.info.id, units={u.code: u.name for u in plan.reporting_units()})
    files = collect_files(paths)
    for f, data in zip(files, validate_many(plan, files), strict=True):
        run.returns.append(data)
        if progress is not None:
            progress(f, data)
    resolve_duplicates(run.returns)
    return run
