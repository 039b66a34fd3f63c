"""The Excel summary beside the report (xlsxwriter), written from the report context.

Sheets: 指标完成情况 (status colours, native chart), 状态统计 (chart), 分单位数据 (values by
unit and year), 重点任务, 报送情况, 审核问题. Headers are frozen and widths are computed for
Chinese text (a CJK character counts double).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..evaluation.types import STATUS_ORDER
from ..formatting import clean_text, excel_format, round_half_up
from ..sheettext import new_xlsx
from ..textwidth import display_width
from .context import STATUS_COLORS
from .packages import rewrite_parts
from .xlsx_rows import SheetRows

TASK_COLORS = {"已完成": "C6EFCE", "按进度推进": "DDEBF7", "滞后": "F8CBAD", "未启动": "F8CBAD", "未填报": "E7E6E6",
               "序时推进": "DDEBF7", "逾期未完成": "F8CBAD", "未报送": "E7E6E6"}

Column = tuple[str, Callable[[dict[str, Any]], Any], str]  # header, getter, format key
WRAP_AT = 30  # column width (CJK counted double) beyond which text wraps
LINE_HEIGHT = 14.0  # points per wrapped line at 10 pt
DEFAULT_DECIMALS = 2  # a "num" cell of a row that does not say its decimals


class _Book:
    """A workbook with the few formats every sheet shares."""

    def __init__(self, buf: io.BytesIO) -> None:
        # constant_memory: the cells xlsxwriter holds are streamed to a temporary file as they are
        # written; the tables' data rows are written as XML text (``xlsx_rows``) to another.
        self.buf = buf
        self.wb: Workbook = new_xlsx(buf, constant_memory=True)
        self.rows: list[SheetRows] = []
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        self.fmt = {
            "head": self.wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "text_wrap": True,
                                        "align": "center"}),
            "text": self.wb.add_format({**base, "text_wrap": True}),
            # "pct": a percentage written rounded to one decimal in General format, so 60 shows
            # as 60 and 51.83 as 51.8, as the report's percent() writes them
            "pct": self.wb.add_format(base),
            "int": self.wb.add_format({**base, "num_format": "0"}),
            "title": self.wb.add_format({"font_name": "黑体", "font_size": 14, "bold": True}),
        }
        self.base = base
        self.numbers: dict[int, Format] = {}
        self.status = {s.value: self.wb.add_format({**base, "bg_color": f"#{STATUS_COLORS[s]}", "align": "center"})
                       for s in STATUS_ORDER}
        for label, color in TASK_COLORS.items():
            self.status[label] = self.wb.add_format({**base, "bg_color": f"#{color}", "align": "center"})

    def number_format(self, decimals: int) -> Format:
        """A figure with the decimals of its indicator: 0.8627 shows as 0.8627 (as in the report),
        not as 0.86; Excel rounds the display half up, as :func:`reportkit.formatting.number` does."""
        if decimals not in self.numbers:
            self.numbers[decimals] = self.wb.add_format({**self.base, "num_format": excel_format(decimals)})
        return self.numbers[decimals]

    def table(self, name: str, title: str, columns: Sequence[Column], rows: Iterable[dict[str, Any]],
              status_col: str | None = None) -> Worksheet:
        """A sheet: title, header, one row per row of ``rows`` (read once: it may be a generator,
        whose rows are then never all held at once)."""
        ws = self.wb.add_worksheet(name)
        ws.write(0, 0, clean_text(title), self.fmt["title"])
        values, decimals, widths, measured = self._values(columns, rows)
        for c, (head, _, _) in enumerate(columns):
            ws.write(1, c, head, self.fmt["head"])
        self._data_rows(ws, columns, values, decimals, measured, widths, status_col)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(2, 1)
        ws.autofilter(1, 0, max(len(values), 1) + 1, len(columns) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.repeat_rows(1)
        ws.fit_to_pages(1, 0)
        return ws

    @staticmethod
    def _values(columns: Sequence[Column], rows: Iterable[dict[str, Any]]
                ) -> tuple[list[list[Any]], list[int], list[int], dict[str, int]]:
        """The cells of every row (text without control characters, ``None`` as empty), each row's
        decimals (for its "num" cells; empty when the table has none), the column widths (CJK
        counted double, long text wrapping at ``WRAP_AT``) and each text's width. Texts repeat
        down a table (names, codes, statuses): each is cleaned and measured once."""
        keyed = [(getattr(get, "key", None), get) for _, get, _ in columns]  # _get(key): row.get(key, "")
        numbers = any(key == "num" for _, _, key in columns)
        widest = [0] * len(columns)  # the widest text of each column
        measured: dict[str, int] = {"": 0}  # a cell's text (as given and as cleaned) -> its display width
        cleaned: dict[str, str] = {}
        values = []
        decimals = []
        for row in rows:
            if numbers:
                decimals.append(row.get("decimals", DEFAULT_DECIMALS))
            line = [row.get(key, "") if key is not None else get(row) for key, get in keyed]
            for c, v in enumerate(line):
                if isinstance(v, str):
                    text = cleaned.get(v)
                    if text is None:
                        text = cleaned[v] = clean_text(v)
                        measured[v] = measured[text] = display_width(text)
                    if text is not v:
                        line[c] = text
                    if measured[text] > widest[c]:
                        widest[c] = measured[text]
                elif v is None:
                    line[c] = ""
            values.append(line)
        widths = [display_width(h) + 2 for h, _, _ in columns]
        for c, w in enumerate(widest):
            if w:
                widths[c] = max(widths[c], min(w + 2, WRAP_AT))  # longer text wraps
        return values, decimals, widths, measured

    def _data_rows(self, ws: Worksheet, columns: Sequence[Column], values: list[list[Any]], decimals: list[int],
                   measured: dict[str, int], widths: list[int], status_col: str | None) -> None:
        if not values:
            return
        out = SheetRows(ws, 2, len(columns))
        out.claim(self.fmt["title"], self.fmt["head"])  # the rows above were first in the old cell-by-cell order
        text = self.fmt["text"]
        fixed = [None if head == status_col else self.fmt["text" if key == "num" else key]
                 for head, _, key in columns]
        statuses = [c for c, f in enumerate(fixed) if f is None]
        numbers = [c for c, (_, _, key) in enumerate(columns) if key == "num"]  # in the row's own decimals
        percents = [c for c, (_, _, key) in enumerate(columns) if key == "pct"]
        wrap = [max(w - 1, 1) for w in widths]
        narrow = min(wrap)  # a text no wider than every column's wrap never wraps
        for r, line in enumerate(values):
            # Row heights are not recomputed by every reader for wrapped text: set them.
            lines = 1
            for c, v in enumerate(line):
                if isinstance(v, str):
                    w = measured[v]
                    if w > narrow and w > wrap[c]:
                        lines = max(lines, -(-w // wrap[c]))
            formats = list(fixed)
            for c in statuses:
                formats[c] = self.status.get(line[c], text)
            if numbers:
                number = self.number_format(decimals[r])
                for c in numbers:
                    formats[c] = number
            for c in percents:
                if isinstance(line[c], int | float) and not isinstance(line[c], bool):
                    line[c] = round_half_up(line[c], 1)
            out.add(line, formats, LINE_HEIGHT * min(lines, 15) if lines > 1 else None)
        self.rows.append(out)

    def close(self) -> bytes:
        self.wb.close()
        return rewrite_parts(self.buf.getvalue(), {r.part_name(): r.writer() for r in self.rows})


def _num(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(key) if isinstance(row.get(key), int | float) else ""


def _get(key: str) -> Callable[[dict[str, Any]], Any]:
    def get(row: dict[str, Any]) -> Any:
        return row.get(key, "")
    get.key = key  # type: ignore[attr-defined]  # read by _Book._values, which does the same inline
    return get


INDICATOR_COLUMNS: tuple[Column, ...] = (
    ("编码", _get("code"), "text"), ("指标", _get("name"), "text"), ("单位", _get("unit"), "text"),
    ("属性", _get("attribute"), "text"), ("基期值", _get("baseline"), "text"), ("目标值", _get("target"), "text"),
    ("当前值", _num("current_value"), "num"), ("数据年份", _get("current_year"), "text"),
    ("完成进度(%)", _num("progress_value"), "pct"), ("时间进度(%)", _num("time_progress_value"), "pct"),
    ("状态", _get("status"), "text"), ("预计", _get("projection"), "text"),
    ("预测说明", _get("projection_text"), "text"), ("牵头单位", _get("lead_unit"), "text"),
    ("报送覆盖", _get("coverage"), "text"), ("评估说明", _get("sentence"), "text"),
)


def _indicator_sheet(book: _Book, ctx: Mapping[str, Any]) -> None:
    rows = ctx["indicators"]
    ws = book.table("指标完成情况", f"{ctx['plan']['name']}主要指标完成情况（时间进度 {ctx['plan']['time_progress']}）",
                    INDICATOR_COLUMNS, rows, status_col="状态")
    if not rows:
        return
    chart = book.wb.add_chart({"type": "bar"})
    last = len(rows) + 1
    for col, name in ((8, "完成进度"), (9, "时间进度")):
        chart.add_series({"name": name, "categories": ["指标完成情况", 2, 1, last, 1],
                          "values": ["指标完成情况", 2, col, last, col]})
    chart.set_title({"name": "完成进度与时间进度（%）"})
    chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 720, "height": max(300, 24 * len(rows) + 120)})
    ws.insert_chart(last + 2, 1, chart)


def _status_sheet(book: _Book, ctx: Mapping[str, Any]) -> None:
    rows = ctx["counts"]["by_status"]
    ws = book.table("状态统计", ctx["counts"]["sentence"],
                    (("状态", _get("status"), "text"), ("指标数", _get("count"), "int")), rows, status_col="状态")
    chart = book.wb.add_chart({"type": "column"})
    chart.add_series({"name": "指标数", "categories": ["状态统计", 2, 0, len(rows) + 1, 0],
                      "values": ["状态统计", 2, 1, len(rows) + 1, 1],
                      "points": [{"fill": {"color": f"#{r['color']}"}, "border": {"color": "#595959"}}
                                 for r in rows],
                      "data_labels": {"value": True}})
    chart.set_title({"name": "主要指标完成情况分布"})
    chart.set_legend({"none": True})
    ws.insert_chart(1, 3, chart)


def _year_value(i: int) -> Callable[[dict[str, Any]], Any]:
    """The getter of a row's value in its ``i``-th year (blank when none)."""
    return lambda row: "" if row["raw"][i] is None else row["raw"][i]


def _values_sheet(book: _Book, ctx: Mapping[str, Any]) -> None:
    years = ctx["appendix"]["years"]
    cols: list[Column] = [("指标编码", _get("code"), "text"), ("指标", _get("indicator_name"), "text"),
                          ("填报单位", _get("unit"), "text"), ("基期值", _get("baseline"), "text")]
    for i, y in enumerate(years):
        cols.append((f"{y}年", _year_value(i), "num"))
    cols.append(("完成进度", _get("progress"), "text"))
    cols.append(("说明", _get("note"), "text"))
    book.table("分单位数据", "主要指标分单位数据", cols, ctx["appendix"]["district_values"])


def _task_rows(ctx: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per task and reporting unit (a national plan: some hundred thousand), made as the
    sheet reads them."""
    for t in ctx["tasks"]["items"]:
        base = {"chapter": t["chapter"], "code": t["code"], "title": t["title"], "lead": t["lead_unit"],
                "status": t["status"]}
        for rep in t["reports"] or [{}]:
            yield {**base, "unit": rep.get("unit", ""), "unit_status": rep.get("status", ""),
                   "progress": rep.get("progress", ""), "problems": rep.get("problems", ""),
                   "next_steps": rep.get("next_steps", "")}


TASK_COLUMNS: tuple[Column, ...] = (
    ("编码", _get("code"), "text"), ("章节", _get("chapter"), "text"), ("任务", _get("title"), "text"),
    ("牵头单位", _get("lead"), "text"), ("汇总状态", _get("status"), "text"), ("填报单位", _get("unit"), "text"),
    ("单位填报状态", _get("unit_status"), "text"), ("进展情况", _get("progress"), "text"),
    ("存在问题", _get("problems"), "text"), ("下一步打算", _get("next_steps"), "text"),
)

REPORTING_COLUMNS: tuple[Column, ...] = (
    ("填报单位", _get("unit"), "text"), ("类型", _get("type"), "text"), ("报送情况", _get("reported"), "text"),
    ("报送时间", _get("received_at"), "text"), ("是否按时", _get("timeliness"), "text"),
    ("审核结果", _get("state"), "text"), ("最新报送文件", _get("file"), "text"),
    ("汇总采用文件", _get("used_file"), "text"),
)

NARRATIVE_COLUMNS: tuple[Column, ...] = (
    ("填报单位", _get("unit"), "text"), ("主要成效", _get("achievements"), "text"),
    ("存在问题", _get("problems"), "text"), ("意见建议", _get("suggestions"), "text"),
)

FINDING_COLUMNS: tuple[Column, ...] = (
    ("填报单位", _get("unit"), "text"), ("文件", _get("file"), "text"), ("位置", _get("location"), "text"),
    ("审核类别", _get("severity"), "text"), ("问题编码", _get("code"), "text"), ("问题", _get("message"), "text"),
    ("修改提示", _get("hint"), "text"), ("单位说明", _get("explanation"), "text"),
)


LEDGER_COLUMNS: tuple[Column, ...] = (
    ("任务编码", _get("code"), "text"), ("章节", _get("chapter"), "text"), ("任务", _get("title"), "text"),
    ("完成时限", _get("due"), "text"), ("牵头单位", _get("lead"), "text"), ("配合单位", _get("cooperating"), "text"),
    ("进展状态", _get("status"), "text"), ("上一轮状态", _get("previous"), "text"), ("较上轮", _get("change"), "text"),
    ("单位填报状态", _get("declared"), "text"), ("进展情况", _get("progress"), "text"),
    ("存在问题", _get("problems"), "text"),
)
UNIT_TALLY_COLUMNS: tuple[Column, ...] = (
    ("责任单位", _get("name"), "text"), ("任务数", _get("total"), "int"), ("已完成", _get("done"), "int"),
    ("序时推进", _get("on_schedule"), "int"), ("滞后", _get("lagging"), "int"), ("逾期", _get("overdue"), "int"),
    ("未启动", _get("not_started"), "int"), ("未报送", _get("unreported"), "int"),
)


def _bulletin_sheets(book: _Book, bulletin: Mapping[str, Any]) -> None:
    """A work plan's round: the 督办台账 and the per-responsible-unit table, first."""
    book.table("督办台账", f"{bulletin['round']}督办台账（{bulletin['ledger_note']}）", LEDGER_COLUMNS,
               bulletin["ledger"], status_col="进展状态")
    book.table("分单位统计", f"{bulletin['round']}分责任单位统计", UNIT_TALLY_COLUMNS, bulletin["units"])


def summary_workbook(ctx: Mapping[str, Any]) -> bytes:
    """The summary workbook as bytes (the caller writes it atomically)."""
    buf = io.BytesIO()
    book = _Book(buf)
    if ctx.get("bulletin"):
        _bulletin_sheets(book, ctx["bulletin"])
    _indicator_sheet(book, ctx)
    _status_sheet(book, ctx)
    _values_sheet(book, ctx)
    book.table("重点任务", ctx["tasks"]["summary"], TASK_COLUMNS, _task_rows(ctx), status_col="汇总状态")
    book.table("单位总体情况", "各单位报送的总体情况（原文）", NARRATIVE_COLUMNS, ctx["narrative"])
    book.table("报送情况", ctx["appendix"]["reporting_note"], REPORTING_COLUMNS, ctx["appendix"]["reporting"])
    book.table("审核问题", ctx["appendix"]["validation_note"], FINDING_COLUMNS, ctx["appendix"]["findings"])
    return book.close()
