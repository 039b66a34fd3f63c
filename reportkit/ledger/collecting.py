"""Collecting received returns into the ledger: the one path every file takes, whether the
coordinator collects e-mailed files (``reportkit collect``, ``reportkit build``) or a unit
uploads through its link (``reportkit serve``). Nothing differs between the two."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks.run import collect_files
from ..definitions.loader import load_plan
from ..definitions.model import Plan
from ..errors import UsageError
from ..project import Project
from .ledger import Ledger, Validator
from .records import CollectResult, Outcome, SubmissionRecord


@dataclass(frozen=True)
class CollectRun:
    """What one collect did: a result per file (records as they are after the whole batch)
    and the stored returns checked again because the plan was edited."""

    results: list[CollectResult] = field(default_factory=list)
    revalidated: list[SubmissionRecord] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        """A file was not accepted, or a unit's current return has errors."""
        return any(r.needs_attention for r in self.results)

    def counts(self) -> dict[str, int]:
        """Files per outcome, the number of files and of those with errors."""
        tally = Counter(r.outcome.value for r in self.results)
        return {o.value: tally.get(o.value, 0) for o in Outcome} | {
            "files": len(self.results), "with_errors": sum(r.needs_attention for r in self.results)}

    def to_dict(self) -> dict[str, Any]:
        return {"results": [r.to_dict() for r in self.results], "summary": self.counts(),
                "revalidated": [r.sha256 for r in self.revalidated]}


def collect_returns(ledger: Ledger, plan: Plan, files: Iterable[Path], *,
                    received_at: dt.datetime | dt.date | str | None = None,
                    validate: Validator | None = None,
                    on_result: Callable[[CollectResult], None] | None = None,
                    on_file: Callable[[Path], None] | None = None) -> CollectRun:
    """Validate and record ``files`` (originals stored by content), then re-check stored returns
    validated against an older version of the plan. ``on_result``/``on_file``: see
    :meth:`Ledger.collect_many`."""
    results = ledger.collect_many(plan, list(files), received_at=received_at, validate=validate,
                                  on_result=on_result, on_file=on_file)
    # ``validate`` is for the files given here (the web intake narrows it to one unit); the
    # stored returns of every unit are checked again with the full validation.
    return CollectRun(ledger.refreshed(results), ledger.revalidate(plan))


def collect_project(project: Project, paths: Iterable[Path | str] | None = None, *,
                    received_at: dt.datetime | dt.date | str | None = None,
                    on_result: Callable[[CollectResult], None] | None = None,
                    on_file: Callable[[Path], None] | None = None) -> CollectRun:
    """Collect the return files under ``paths`` (default ``inputs/returns/``) into the project's ledger."""
    plan = load_plan(project.plan_path)
    files = collect_files([project.returns_dir] if paths is None else paths)
    if not files:
        raise UsageError("没有找到要登记的填报表（.xlsx / .xls / .et 等）。")
    with Ledger.for_project(project) as ledger:
        return collect_returns(ledger, plan, files, received_at=received_at, on_result=on_result,
                               on_file=on_file)
