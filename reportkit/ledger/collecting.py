"""Collecting received returns into the ledger: the one path every file takes, whether the
coordinator collects e-mailed files (``reportkit collect``, ``reportkit build``) or a unit
uploads through its link (``reportkit serve``). Nothing differs between the two."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..definitions.model import Plan
from .ledger import Ledger, Validator
from .records import CollectResult, SubmissionRecord


@dataclass(frozen=True)
class CollectRun:
    """What one collect did: a result per file (records as they are after the whole batch)
    and the stored returns checked again because the plan was edited."""

    results: list[CollectResult] = field(default_factory=list)
    revalidated: list[SubmissionRecord] = field(default_factory=list)


def collect_returns(ledger: Ledger, plan: Plan, files: Iterable[Path], *,
                    received_at: dt.datetime | dt.date | str | None = None,
                    validate: Validator | None = None,
                    on_result: Callable[[CollectResult], None] | None = None) -> CollectRun:
    """Validate and record ``files`` (one transaction each, originals stored by content), then
    re-check stored returns validated against an older version of the plan."""
    results = ledger.collect_many(plan, list(files), received_at=received_at, validate=validate,
                                  on_result=on_result)
    # ``validate`` is for the files given here (the web intake narrows it to one unit); the
    # stored returns of every unit are checked again with the full validation.
    return CollectRun(ledger.refreshed(results), ledger.revalidate(plan))
