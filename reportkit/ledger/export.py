"""Export the ledger's values as CSV or XLSX for use elsewhere.

By default one row per value of the return each unit's figures come from (the newest
return without errors, per plan and period); ``everything`` exports every return ever
collected, with its state and whether it is the current one.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..definitions.model import Plan
from ..errors import UsageError
from ..fileio import write_via_temp
from ..sheettext import csv_text, new_xlsx
from ..textwidth import display_width
from .records import state_has_errors, state_label

if TYPE_CHECKING:
    from ..project import Project
    from .ledger import Ledger

HEADERS = ("单位编码", "单位名称", "指标编码", "指标名称", "年份", "数值", "原始填写", "来源文件", "接收时间")
EXTRA_HEADERS = ("审核状态", "是否现用")
WIDTH_SAMPLE = 2000  # rows measured for column widths


def export_project(project: Project, path: Path, *, everything: bool = False) -> int:
    """``reportkit export``: the project's ledger values (each unit's return used for the summary, or
    ``everything``) written to ``path`` (.csv or .xlsx) with the project's plan; the number of values."""
    from ..definitions.loader import load_plan
    from .ledger import Ledger

    project.check_output(path, "导出文件")
    plan = load_plan(project.plan_path)
    with Ledger.for_project(project) as ledger:
        return export_values(ledger, path, plan, everything=everything)


def export_values(ledger: Ledger, path: Path, plan: Plan | None, *, everything: bool = False) -> int:
    """Write the values to ``path`` (.csv or .xlsx, written atomically); return the row count."""
    writer = _WRITERS.get(Path(path).suffix.lower())
    if writer is None:
        raise UsageError(f"导出文件 {path} 的扩展名应为 .csv 或 .xlsx。")
    headers = HEADERS + (EXTRA_HEADERS if everything else ())
    rows = [_row(r, plan, everything) for r in _value_rows(ledger.conn, plan, everything)]
    write_via_temp(Path(path), lambda tmp: writer(tmp, headers, rows))
    return len(rows)


def _selected_ids(conn: sqlite3.Connection, plan: Plan | None) -> list[int]:
    """The newest return without errors per plan, unit and period."""
    from .ledger import plan_period

    chosen: dict[tuple[str, str, str], int] = {}
    for r in conn.execute("SELECT id, plan_id, unit, period, state FROM submissions "
                          "WHERE unit IS NOT NULL ORDER BY received_at, id"):
        if state_has_errors(r["state"]):
            continue
        if plan is not None and (r["plan_id"], r["period"]) != (plan.info.id, plan_period(plan)):
            continue
        chosen[(r["plan_id"], r["unit"], r["period"])] = r["id"]
    return sorted(chosen.values())


def _value_rows(conn: sqlite3.Connection, plan: Plan | None, everything: bool) -> list[sqlite3.Row]:
    sql = ("SELECT o.unit, s.unit_name, o.code, o.year, o.value, o.raw, s.file_name, s.received_at, "
           "s.state, s.superseded_by FROM observations o JOIN submissions s ON s.id = o.submission_id")
    if everything:
        return conn.execute(sql + " ORDER BY s.received_at, s.id, o.seq").fetchall()
    ids = _selected_ids(conn, plan)
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return conn.execute(sql + f" WHERE s.id IN ({marks}) ORDER BY s.received_at, s.id, o.seq", ids).fetchall()


def _row(r: sqlite3.Row, plan: Plan | None, everything: bool) -> tuple[Any, ...]:
    unit_name = r["unit_name"] or (plan.unit_name(r["unit"]) if plan else r["unit"])
    row: tuple[Any, ...] = (r["unit"], unit_name, r["code"], _code_name(plan, r["code"]), r["year"],
                            r["value"], r["raw"], r["file_name"], r["received_at"].replace("T", " "))
    if everything:
        row += (state_label(r["state"]), "是" if r["superseded_by"] is None else "否")
    return row


def _code_name(plan: Plan | None, code: str) -> str:
    if plan is None:
        return ""
    found = plan.indicator(code) or plan.item(code)
    return found.name if found else ""


def _write_csv(path: Path, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    # utf-8 with BOM: Excel and WPS open it with Chinese intact.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows([csv_text(v) for v in row] for row in rows)


def _write_xlsx(path: Path, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    wb = new_xlsx(path, constant_memory=True)
    ws = wb.add_worksheet("台账数据")
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sample = rows[:WIDTH_SAMPLE]
    for j, h in enumerate(headers):
        ws.set_column(j, j, min(60, max(_width(h), *(_width(r[j]) for r in sample), 4) + 2))
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, headers, bold)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if isinstance(v, int | float):
                ws.write_number(i, j, v)
            elif v is not None:
                ws.write_string(i, j, str(v))
    if rows:
        ws.autofilter(0, 0, len(rows), len(headers) - 1)
    wb.close()


def _width(value: Any) -> int:
    return display_width("" if value is None else str(value))


_WRITERS: dict[str, Callable[[Path, tuple[str, ...], list[tuple[Any, ...]]], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
}
