"""The task ledger (督办台账) of one round: every task with its deadline and its status at the
cut-off, tallied by responsible unit, compared with the previous round.

Status at the cut-off, from the deadline and the units' reports (README 评估口径):

* 已完成 — the units report it done (all of them, when several report it);
* 逾期未完成 — its deadline (二季度, 年初, a date) fell on or before the cut-off and it is not done,
  whatever the units declared;
* 滞后 / 未启动 — declared so by a unit, deadline not yet passed;
* 序时推进 — declared in progress (按进度推进, 序时推进), deadline not yet passed;
* 未报送 — nobody reported on it and its deadline has not passed (an unreported task past its
  deadline is 逾期未完成: nothing shows it done).

The due-next-round list holds the tasks not done whose deadline falls after this cut-off and
by the next round's (the next quarter end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..definitions.model import Plan, Task
from ..definitions.rounds import next_cutoff
from ..intake.types import ReturnData
from .tasks import NO_STATUS, summarise_tasks
from .types import UNREPORTED_TASK_STATUS, TaskResult

DONE = "已完成"
ON_SCHEDULE = "序时推进"
LAGGING = "滞后"
OVERDUE = "逾期未完成"
NOT_STARTED = "未启动"
UNREPORTED = "未报送"
UNCLEAR = "未注明"
SUPERVISION_STATUSES = (DONE, ON_SCHEDULE, LAGGING, OVERDUE, NOT_STARTED, UNREPORTED, UNCLEAR)
_DECLARED = {"已完成": DONE, "按进度推进": ON_SCHEDULE, "滞后": LAGGING, "未启动": NOT_STARTED}


@dataclass(frozen=True)
class SupervisedTask:
    """One row of the 督办台账."""

    task: Task
    status: str
    due_label: str  # 2020年二季度; "" when the plan gives no deadline
    due_date: dt.date | None
    lead: str  # responsible unit (name)
    cooperating: tuple[str, ...]  # the other units that report on it (names)
    declared: str  # what the units declared ("" when nobody reported)
    progress: str  # the units' 进展情况, joined
    problems: str  # the units' 存在问题, joined
    previous: str | None = None  # status in the previous round (None: no previous round)

    @property
    def change(self) -> str:
        """新完成 / 新增逾期 / 仍逾期 / "" against the previous round."""
        if self.previous is None:
            return ""
        if self.status == DONE and self.previous != DONE:
            return "本轮新完成"
        if self.status == OVERDUE:
            return "连续逾期" if self.previous == OVERDUE else "本轮新增逾期"
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.task.code, "chapter": self.task.chapter, "title": self.task.title,
                "due": self.due_label, "due_date": self.due_date.isoformat() if self.due_date else None,
                "status": self.status, "lead": self.lead, "cooperating": list(self.cooperating),
                "declared": self.declared, "previous": self.previous, "change": self.change}


@dataclass(frozen=True)
class UnitTally:
    """One responsible unit's line of the per-unit table."""

    unit: str
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "total": self.total, **self.counts}


@dataclass(frozen=True)
class Supervision:
    round_label: str
    cutoff: dt.date
    next_cutoff: dt.date | None
    rows: tuple[SupervisedTask, ...]
    by_unit: tuple[UnitTally, ...]
    previous_label: str = ""  # "" when there is no previous round to compare with
    previous_counts: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return _tally(r.status for r in self.rows)

    @property
    def overdue(self) -> tuple[SupervisedTask, ...]:
        return tuple(r for r in self.rows if r.status == OVERDUE)

    @property
    def due_next(self) -> tuple[SupervisedTask, ...]:
        if self.next_cutoff is None:
            return ()
        end = self.next_cutoff
        return tuple(r for r in self.rows if r.status != DONE and r.status != OVERDUE
                     and r.due_date is not None and self.cutoff < r.due_date <= end)

    @property
    def newly_done(self) -> tuple[SupervisedTask, ...]:
        return tuple(r for r in self.rows if r.change == "本轮新完成")

    @property
    def newly_overdue(self) -> tuple[SupervisedTask, ...]:
        return tuple(r for r in self.rows if r.change == "本轮新增逾期")

    @property
    def still_overdue(self) -> tuple[SupervisedTask, ...]:
        return tuple(r for r in self.rows if r.change == "连续逾期")

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round_label, "cutoff": self.cutoff.isoformat(),
                "next_cutoff": self.next_cutoff.isoformat() if self.next_cutoff else None,
                "counts": self.counts, "previous_round": self.previous_label or None,
                "previous_counts": self.previous_counts or None,
                "overdue": [r.task.code for r in self.overdue], "due_next": [r.task.code for r in self.due_next],
                "newly_done": [r.task.code for r in self.newly_done],
                "newly_overdue": [r.task.code for r in self.newly_overdue],
                "by_unit": [u.to_dict() for u in self.by_unit], "tasks": [r.to_dict() for r in self.rows]}


def _tally(statuses: Any) -> dict[str, int]:
    counts = dict.fromkeys(SUPERVISION_STATUSES, 0)
    for s in statuses:
        counts[s] += 1
    return counts


def status_at_cutoff(result: TaskResult) -> str:
    """One task's 督办 status from its merged report and deadline."""
    declared = result.declared_status
    if declared == DONE:
        return DONE
    if result.overdue:
        return OVERDUE
    if not result.reported or result.status == UNREPORTED_TASK_STATUS:
        return UNREPORTED
    if declared == NO_STATUS:
        return UNCLEAR
    return _DECLARED.get(declared, UNCLEAR)


def _row(plan: Plan, result: TaskResult, previous: str | None) -> SupervisedTask:
    t = result.task
    lead = plan.unit_name(t.lead_unit) if t.lead_unit else "未指定"
    cooperating = tuple(plan.unit_name(c) for c in t.reporters if c != t.lead_unit)
    progress = "；".join(f"{r.unit_name}：{r.report.progress.strip()}" if len(result.reports) > 1
                        else r.report.progress.strip() for r in result.reports if r.report.progress.strip())
    problems = "；".join(p for _, p in result.problems)
    return SupervisedTask(t, status_at_cutoff(result), result.due.label if result.due else "",
                          result.due.date if result.due else None, lead, cooperating,
                          result.declared_status, progress, problems, previous)


def _statuses(plan: Plan, returns: Sequence[ReturnData]) -> dict[str, str]:
    return {r.task.code: status_at_cutoff(r) for r in summarise_tasks(plan, returns).results}


def supervise(plan: Plan, returns: Sequence[ReturnData], *, previous_label: str = "",
              previous_cutoff: dt.date | None = None,
              previous_returns: Sequence[ReturnData] = ()) -> Supervision:
    """The 督办台账 at the plan's cut-off from the accepted returns of this round; with a
    previous round (its label, cut-off and accepted returns), each task's status then."""
    before: dict[str, str] = {}
    prev_counts: dict[str, int] = {}
    if previous_label and previous_cutoff is not None:
        then = replace(plan, info=replace(plan.info, cutoff=previous_cutoff))
        before = _statuses(then, previous_returns)
        prev_counts = _tally(before.values())
    results = summarise_tasks(plan, returns).results
    rows = tuple(_row(plan, r, before.get(r.task.code) if previous_label else None) for r in results)
    order = {u.code: i for i, u in enumerate(plan.units)}
    tallies: dict[str, list[str]] = {}
    for row in rows:
        tallies.setdefault(row.task.lead_unit or "", []).append(row.status)
    by_unit = tuple(UnitTally(code, plan.unit_name(code) if code else "未指定", _tally(s))
                    for code, s in sorted(tallies.items(), key=lambda kv: order.get(kv[0], len(order))))
    return Supervision(plan.info.period_label, plan.info.cutoff, next_cutoff(plan.info.cutoff), rows, by_unit,
                       previous_label, prev_counts)
