"""Key tasks: the units' task rows merged by task code, counted by 完成状态.

A task reported by several units gets one merged status: 滞后 if any unit says so,
已完成 only when every unit says so, 未启动 when nobody has started, else 按进度推进.
Tasks nobody reported count as 未填报. A task whose deadline (完成年限: a year, 二季度, a
date) has passed by the cut-off and that is not reported done is overdue: its status is
滞后 whatever the units declared (the declared status is kept beside it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath

from ..definitions.dates import DateError, Due, Resolution, parse_due
from ..definitions.model import Plan, Task
from ..intake.types import ReturnData, TaskReport
from .types import (
    TASK_STATUSES,
    UNREPORTED_TASK_STATUS,
    TaskResult,
    TaskSummary,
    UnitTaskReport,
)

_SYNONYMS = {
    "已完成": "已完成", "完成": "已完成", "已完工": "已完成",
    "按进度推进": "按进度推进", "正常推进": "按进度推进", "推进中": "按进度推进", "进行中": "按进度推进",
    "序时推进": "按进度推进", "按计划推进": "按进度推进",
    "滞后": "滞后", "进度滞后": "滞后", "滞后于进度": "滞后",
    "未启动": "未启动", "未开始": "未启动", "尚未启动": "未启动",
}
NO_STATUS = "未注明"


def normalise_status(text: str) -> str:
    """A unit's 完成状态 text mapped to one of the four list values (unknown text kept)."""
    s = "".join(text.split())
    return _SYNONYMS.get(s, s)


def merge_status(statuses: Sequence[str]) -> str:
    """One status for a task from its units' statuses."""
    known = [s for s in statuses if s]
    if not known:
        return NO_STATUS
    if "滞后" in known:
        return "滞后"
    if all(s == "已完成" for s in known):
        return "已完成"
    if all(s == "未启动" for s in known):
        return "未启动"
    if len(set(known)) == 1:
        return known[0]
    return "按进度推进"


def _expected(task: Task) -> tuple[str, ...]:
    return tuple(dict.fromkeys([task.lead_unit, *task.reporters] if task.lead_unit else task.reporters))


def _reports_by_task(plan: Plan, returns: Sequence[ReturnData]) -> dict[str, list[UnitTaskReport]]:
    out: dict[str, list[UnitTaskReport]] = {}
    for ret in returns:
        file = PurePath(ret.path).name if ret.path else ""
        for rep in ret.tasks:
            unit = rep.unit or ret.unit or ""
            if rep.unit != unit:
                rep = TaskReport(unit, rep.task_code, rep.progress, rep.status, rep.problems,
                                 rep.next_steps, rep.row)
            out.setdefault(rep.task_code, []).append(UnitTaskReport(rep, plan.unit_name(unit), file))
    return out


def task_due(task: Task, default_year: int | None = None) -> Due | None:
    """The task's deadline at the resolution it was written (None when it has none)."""
    if task.due:
        try:
            return parse_due(task.due, task.due_year or default_year)
        except DateError:
            pass  # plan check reports it; the year, if any, still applies
    if task.due_year:
        return Due(dt.date(task.due_year, 12, 31), Resolution.YEAR, str(task.due_year))
    return None


def task_result(task: Task, reports: Sequence[UnitTaskReport], cutoff: dt.date | None = None,
                default_year: int | None = None) -> TaskResult:
    expected = _expected(task)
    order = {u: i for i, u in enumerate(expected)}
    reports = sorted(reports, key=lambda r: order.get(r.report.unit, len(order)))
    reported_units = {r.report.unit for r in reports}
    missing = tuple(u for u in expected if u not in reported_units)
    due = task_due(task, default_year)
    if not reports:
        overdue = due is not None and cutoff is not None and cutoff >= due.date
        return TaskResult(task, (), UNREPORTED_TASK_STATUS, missing, due, overdue, "")
    declared = merge_status([normalise_status(r.report.status) for r in reports])
    overdue = due is not None and cutoff is not None and cutoff >= due.date and declared != "已完成"
    return TaskResult(task, tuple(reports), "滞后" if overdue else declared, missing, due, overdue, declared)


def _count(into: dict[str, dict[str, int]], key: str, status: str) -> None:
    bucket = into.setdefault(key, dict.fromkeys((*TASK_STATUSES, UNREPORTED_TASK_STATUS), 0))
    bucket[status] = bucket.get(status, 0) + 1


def summarise_tasks(plan: Plan, returns: Sequence[ReturnData]) -> TaskSummary:
    by_task = _reports_by_task(plan, returns)
    results = tuple(task_result(t, by_task.get(t.code, []), plan.info.cutoff, plan.info.target_year)
                    for t in plan.tasks)
    by_chapter: dict[str, dict[str, int]] = {}
    by_lead: dict[str, dict[str, int]] = {}
    counts: dict[str, int] = dict.fromkeys((*TASK_STATUSES, UNREPORTED_TASK_STATUS), 0)
    for r in results:
        _count(by_chapter, r.task.chapter or "未分章节", r.status)
        _count(by_lead, r.task.lead_unit or "未指定", r.status)
        counts[r.status] = counts.get(r.status, 0) + 1
    return TaskSummary(results, by_chapter, by_lead, counts)
