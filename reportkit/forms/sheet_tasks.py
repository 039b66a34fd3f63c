"""The 重点任务 sheet: the unit's tasks, locked, with progress, status, problems and next steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..definitions.model import Plan, Task
from .layout import SHEET_TASKS, TASK_HEADER_ROW, TASK_HEADERS, TASK_STATUSES
from .sheetsetup import add_validation, print_setup, protect
from .styles import Styles
from .text import wrapped_lines

HEADER = TASK_HEADER_ROW - 1  # 0-based
FIRST = HEADER + 1
LINE_HEIGHT = 15.0
INPUT_LINES = 4  # room for a few sentences of progress text
WIDTHS = (9, 20, 22, 30, 8, 14, 36, 11, 24, 24)
STATUS_COL = TASK_HEADERS.index("完成状态")


@dataclass(frozen=True)
class TaskSheet:
    unit_name: str
    title: str
    tasks: Sequence[Task]


def write_task_sheet(wb: Workbook, st: Styles, plan: Plan, spec: TaskSheet) -> None:
    ws = wb.add_worksheet(SHEET_TASKS)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    last = len(TASK_HEADERS) - 1
    ws.merge_range(0, 0, 0, last, spec.title, st.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last, _subtitle(spec), st.subtitle)
    ws.set_row(1, 2 * LINE_HEIGHT + 4)
    ws.write_row(HEADER, 0, TASK_HEADERS, st.header)
    ws.set_row(HEADER, LINE_HEIGHT * 2 + 4)
    for offset, task in enumerate(spec.tasks):
        _write_task(ws, st, plan, FIRST + offset, task)
    if spec.tasks:
        _add_status_validation(ws, spec)
    ws.freeze_panes(FIRST, 3)
    print_setup(ws, spec.unit_name, SHEET_TASKS, repeat_row=HEADER)
    protect(ws)


def _subtitle(spec: TaskSheet) -> str:
    if not spec.tasks:
        return "本单位本次无需填报重点任务。"
    statuses = "、".join(TASK_STATUSES)
    return (f"请在浅黄色单元格填写各项任务的进展情况、存在问题和下一步打算；"
            f"“完成状态”从下拉列表中选择（{statuses}）。")


def _write_task(ws: Worksheet, st: Styles, plan: Plan, r: int, task: Task) -> None:
    chapter = f"{task.chapter}\n{task.section}" if task.section else task.chapter
    title = f"【{task.kind}】{task.title}" if task.kind and task.kind != "重点任务" else task.title
    locked = (task.code, chapter, title, task.milestone)
    for c, text in enumerate(locked):
        ws.write_string(r, c, text, st.locked_center if c == 0 else st.locked_wrap)
    if task.due_year is None:
        ws.write_string(r, 4, "—", st.locked_center)
    else:
        ws.write_number(r, 4, task.due_year, st.locked_center)
    ws.write_string(r, 5, plan.unit_name(task.lead_unit) if task.lead_unit else "", st.locked_wrap)
    for c in range(6, len(TASK_HEADERS)):
        ws.write_blank(r, c, None, st.input_center if c == STATUS_COL else st.input_text)
    lines = max(wrapped_lines(t, WIDTHS[c]) for c, t in enumerate(locked))
    ws.set_row(r, max(INPUT_LINES, lines) * LINE_HEIGHT + 8)


def _add_status_validation(ws: Worksheet, spec: TaskSheet) -> None:
    last = FIRST + len(spec.tasks) - 1
    add_validation(ws, FIRST, STATUS_COL, last, STATUS_COL, {
        "validate": "list",
        "source": list(TASK_STATUSES),
        "ignore_blank": True,
        "input_title": "完成状态",
        "input_message": f"填报单位：{spec.unit_name}\n请从下拉列表中选择：{'、'.join(TASK_STATUSES)}。",
        "error_type": "stop",
        "error_title": "完成状态不在列表中",
        "error_message": f"请从下拉列表中选择：{'、'.join(TASK_STATUSES)}。",
    })
