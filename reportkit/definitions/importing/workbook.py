"""Write an import as the definitions workbook the coordinator reviews and completes.

Every imported cell is shaded and carries a comment with the text as printed and where it was
found; a cell left blank or unsure is shaded darker; what the plan does not say stays blank. Two extra sheets, which ``plan check`` ignores,
list everything to review (导入核对) and the targets the plan states in prose (候选指标).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import schema
from ..writer import write_definitions
from .prose import Found
from .result import FIELD_LABELS, NOT_STATED, ImportResult

REVIEW_SHEET = "导入核对"
TARGETS_SHEET = "候选指标"


def write_import(result: ImportResult, out: Path) -> Path:
    """Write the workbook to ``out``; :class:`FileExistsError` if ``out`` appeared meanwhile."""
    info, review, log = _info(result)
    rows, row_review, row_log = _rows(result)
    review.update(row_review)
    log.extend(row_log)
    flagged = [key for key, note in review.items() if note.startswith(_DOUBT)]
    tmp = out.with_name(f".~import-{os.getpid()}-{out.name}")
    write_definitions(info, rows, tmp, review=review, flagged=flagged,
                      extra=lambda wb: _extra_sheets(wb, result, log))
    try:
        os.link(tmp, out)  # fails instead of replacing a file that appeared after the check
    finally:
        tmp.unlink(missing_ok=True)
    return out


_DOUBT = "【待核对】"


def _note(source: str, where: str, quote: str, doubt: str = "", head: str = "【导入，请核对】") -> str:
    head = f"{_DOUBT}{doubt}\n" if doubt else f"{head}\n"
    place = f"{source} {where}".strip()
    return f"{head}来源：{place}\n原文：{quote[:400]}"


def _info(result: ImportResult) -> tuple[list[tuple[str, Any]], dict[tuple[str, int, str], str], list[list[str]]]:
    f = result.facts
    src = result.source.name
    found: dict[str, Found | None] = {
        "name": f.name, "region": f.region, "issuer": f.issuer,
        "baseline_year": f.years[0] if f.years else None, "target_year": f.years[1] if f.years else None,
        "cumulative_brackets": f.cumulative, "new_brackets": f.new, "note": f.note,
    }
    info: list[tuple[str, Any]] = []
    review: dict[tuple[str, int, str], str] = {}
    log: list[list[str]] = []
    headers = {c.field: c.header for c in schema.PLAN_FIELDS}
    for c in schema.PLAN_FIELDS:
        hit = found.get(c.field)
        value: Any = hit.value if hit else ""
        if c.field in {"baseline_year", "target_year"} and hit:
            value = int(hit.value)
        info.append((c.field, value))
        if hit:
            review[("plan", 0, c.field)] = _note(src, hit.where, hit.quote)
            log.append(["规划信息", headers[c.field], str(value), hit.quote[:200], hit.where, "已导入，请核对"])
    return info, review, log


def _rows(result: ImportResult) -> tuple[dict[str, list[dict[str, Any]]], dict[tuple[str, int, str], str],
                                         list[list[str]]]:
    src = result.source.name
    review: dict[tuple[str, int, str], str] = {}
    log: list[list[str]] = []
    indicators: list[dict[str, Any]] = []
    for k, ind in enumerate(result.indicators):
        row = ind.row
        indicators.append({"code": ind.code, **{r: row.values.get(r, "") for r in FIELD_LABELS}})
        review[("indicators", k, "code")] = _note(src, row.where, row.row_text, head="【编码由导入按顺序生成，可改】")
        for role, label in FIELD_LABELS.items():
            value = row.values.get(role, "")
            # A unit split out of "名称(单位)" is quoted with the name it was printed in.
            printed = row.printed.get(role) or (row.printed.get("name", "") if role == "unit" and value else "")
            doubt = row.doubts.get(role, "")
            if not printed and not doubt:
                continue
            review[("indicators", k, role)] = _note(src, row.where, printed or row.row_text, doubt)
            status = f"待核对：{doubt}" if doubt else "已导入，请核对"
            log.append(["指标", f"{ind.code} {label}", str(value), printed or row.row_text, row.where, status])
    tasks: list[dict[str, Any]] = []
    for k, t in enumerate(result.tasks):
        code = f"{'Z' if t.kind == '专栏项目' else 'T'}{k + 1:03d}"
        tasks.append({"code": code, "chapter": t.chapter, "section": t.section, "title": t.title, "kind": t.kind,
                      "milestone": t.milestone, "due_year": t.due_year})
        for fieldname in ("title", "milestone") if t.milestone else ("title",):
            review[("tasks", k, fieldname)] = _note(src, t.where, t.quote)
        log.append(["重点任务", f"{code} 任务名称", t.title, t.quote[:200], t.where, "候选任务，请核对取舍"])
    return {"indicators": indicators, "tasks": tasks}, review, log


def _extra_sheets(wb: xlsxwriter.Workbook, result: ImportResult, log: list[list[str]]) -> None:
    head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "vcenter"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "num_format": "@"})
    title = wb.add_format({"bold": True, "font_size": 13})
    ws = wb.add_worksheet(REVIEW_SHEET)
    ws.write(0, 0, f"从《{result.source.name}》导入的内容：黄色单元格均为导入值，请逐项与规划原文核对；"
                   "本表和“候选指标”表不参与 plan check。", title)
    ws.write_row(2, 0, ["工作表", "项目", "导入值", "规划原文", "原文位置", "状态"], head)
    r = 3
    for entry in log:
        ws.write_row(r, 0, entry, cell)
        r += 1
    r += 1
    ws.write(r, 0, "规划原文没有载明、需要补填的内容：", title)
    for what in NOT_STATED:
        r += 1
        ws.write(r, 0, what, cell)
    for f in result.findings:
        if f.code in {"import.row-unread", "import.part-unread", "import.no-indicator-table"}:
            r += 1
            ws.write_row(r, 0, ["未能导入", f.message], cell)
    for j, w in enumerate((12, 22, 24, 60, 22, 30)):
        ws.set_column(j, j, w)
    ws.freeze_panes(3, 0)
    ts = wb.add_worksheet(TARGETS_SHEET)
    ts.write(0, 0, "规划正文中写明的目标（候选指标）：如需评估，请把它们补入“指标”工作表。", title)
    ts.write_row(2, 0, ["章节", "目标年", "目标值（原文）", "原句", "原文位置"], head)
    for k, t in enumerate(result.targets, start=3):
        ts.write_row(k, 0, [t.chapter, t.year, t.value, t.sentence, t.where], cell)
    for j, w in enumerate((26, 8, 18, 80, 16)):
        ts.set_column(j, j, w)
    ts.freeze_panes(3, 0)
