"""Task rows: a status from the list, and a lag explained in 存在问题."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..findings import Severity, register
from ..forms import layout as L
from ..intake.rows import a1
from ..intake.types import TaskReport
from .context import CheckContext
from .structure import code_key

register("task.no-status", Severity.ERROR, "未选择完成状态", "任务 {code}（{title}）未选择完成状态。",
         "请在“完成状态”中选择：" + " / ".join(L.TASK_STATUSES) + "。")
register("task.bad-status", Severity.ERROR, "完成状态无效", "任务 {code} 的完成状态“{value}”不在可选项中。",
         "请从下拉列表中选择：" + " / ".join(L.TASK_STATUSES) + "。")
register("task.lagging-no-problem", Severity.ERROR, "滞后未说明问题",
         "任务 {code}（{title}）状态为“滞后”，但“存在问题”未填写。", "请在“存在问题”中写明滞后原因。")
register("task.missing", Severity.ERROR, "缺少任务行", "找不到任务 {code}（{title}）所在的行。",
         "请使用下发的填报表，不要删除任务行。")
register("task.no-progress", Severity.WARNING, "未填写进展", "任务 {code}（{title}）未填写进展情况。",
         "请填写该任务的进展情况。")


def check_tasks(ctx: CheckContext) -> None:
    table = ctx.content.sheets.tasks
    expected = {t.code: t for t in ctx.plan.tasks_for(ctx.unit or "")}
    if table is None or not expected:
        return
    _canonical_task_codes(ctx, expected)
    reports = {r.task_code: r for r in ctx.content.tasks}
    for code, task in expected.items():
        if code not in reports:
            ctx.add("task.missing", ctx.loc(sheet=table.sheet.name, indicator=code), code=code, title=task.title)
            continue
        _check_one(ctx, reports[code], task.title)


def _canonical_task_codes(ctx: CheckContext, expected: Mapping[str, object]) -> None:
    """A task code retyped as "t101" or "Ｔ１０１" still names task T101 (as for indicator rows)."""
    known = {code_key(c): c for c in expected}
    sheet = ctx.content.sheets.tasks.sheet.name if ctx.content.sheets.tasks else None
    for i, r in enumerate(ctx.content.tasks):
        code = known.get(code_key(r.task_code))
        if code is not None and code != r.task_code:
            ctx.add("row.code-retyped", ctx.loc(sheet=sheet, cell=_cell(ctx, r, L.TASK_CODE_HEADER), indicator=code),
                    row=r.row, value=r.task_code, code=code)
            ctx.content.tasks[i] = replace(r, task_code=code)


def _cell(ctx: CheckContext, report: TaskReport, header: str) -> str:
    table = ctx.content.sheets.tasks
    assert table is not None
    col = table.col(header)
    return a1(report.row - 1, col) if col is not None else f"{report.row}"


def _check_one(ctx: CheckContext, r: TaskReport, title: str) -> None:
    sheet = ctx.content.sheets.tasks.sheet.name if ctx.content.sheets.tasks else None

    def loc(header: str):  # noqa: ANN202
        return ctx.loc(sheet=sheet, cell=_cell(ctx, r, header), indicator=r.task_code)

    if not r.status:
        ctx.add("task.no-status", loc("完成状态"), code=r.task_code, title=title)
    elif r.status not in L.TASK_STATUSES:
        ctx.add("task.bad-status", loc("完成状态"), value=r.status, code=r.task_code)
    elif r.status == "滞后" and not r.problems:
        ctx.add("task.lagging-no-problem", loc("存在问题"), code=r.task_code, title=title)
    if not r.progress and r.status != "未启动":
        ctx.add("task.no-progress", loc("进展情况"), code=r.task_code, title=title)
