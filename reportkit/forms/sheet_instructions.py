"""The 填报说明 sheet: what to fill, by when, whom to ask, the rules and the colour legend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..definitions.model import Plan
from .layout import (
    NO_DATA_MARK,
    ROW_KIND_INDICATOR,
    SHEET_INDICATORS,
    SHEET_INSTRUCTIONS,
    SHEET_NARRATIVE,
    SHEET_TASKS,
    year_header,
)
from .rows import FormRow
from .sheetsetup import print_setup, protect
from .styles import LEGEND, Styles, legend_format
from .text import wrapped_lines

LABEL_WIDTH = 16
TEXT_WIDTH = 100
LINE_HEIGHT = 15


@dataclass(frozen=True)
class Instructions:
    unit_code: str
    unit_name: str
    title: str
    rows: tuple[FormRow, ...]
    task_count: int


def write_instruction_sheet(wb: Workbook, st: Styles, plan: Plan, spec: Instructions) -> None:
    ws = wb.add_worksheet(SHEET_INSTRUCTIONS)
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, 1, TEXT_WIDTH)
    ws.merge_range(0, 0, 0, 1, spec.title, st.title)
    ws.set_row(0, 36)
    r = _write_pairs(ws, st, 2, _facts(plan, spec))
    r = _write_section(ws, st, r + 1, "一、填报内容", _contents(plan, spec))
    r = _write_section(ws, st, r + 1, "二、填报规则", _rules(plan))
    r = _write_legend(wb, ws, st, r + 1)
    feeds = [row for row in spec.rows if row.feeds]
    if feeds:
        _write_feeds(ws, st, r + 1, feeds)
    print_setup(ws, spec.unit_name, SHEET_INSTRUCTIONS)
    ws.fit_to_pages(1, 0)
    ws.activate()
    protect(ws)


def _facts(plan: Plan, spec: Instructions) -> list[tuple[str, str]]:
    info = plan.info
    unit = plan.unit(spec.unit_code)
    contact = info.contact or (unit.contact if unit else "") or "请见报送通知"
    return [
        ("填报单位", f"{spec.unit_name}（编码 {spec.unit_code}）"),
        ("规划名称", info.name),
        ("报送期次" if info.is_work_plan else "评估类型", f"{info.period_label}（数据截至 {_date(info.cutoff)}）"),
        ("报送截止", _date(info.deadline) if info.deadline else "请按报送通知要求的时间报送"),
        ("联系人", contact),
        ("表样版本", f"{info.form_version}（请使用本表填报，勿使用旧版表格）"),
    ]


def _contents(plan: Plan, spec: Instructions) -> list[str]:
    years = plan.info.years
    span = f"{years[0]}年至{years[-1]}年" if years else "各年度"
    indicators = sum(1 for r in spec.rows if r.kind_label == ROW_KIND_INDICATOR)
    items = len(spec.rows) - indicators
    first = (f"1. “{SHEET_INDICATORS}”：本单位负责填报的 {indicators} 项指标和 {items} 项基础数据项，"
             f"逐年填写 {span} 的数据；计算类指标（如比率、人均值）不直接填写，由汇总后的数据项计算。"
             if spec.rows else f"1. “{SHEET_INDICATORS}”：本单位本次无需填报指标数据。")
    lines = [first, *_baseline_lines(plan, spec)] if spec.rows else [first]
    lines += [
        (f"2. “{SHEET_TASKS}”：本单位牵头或参与的 {spec.task_count} 项重点任务，填写进展情况、完成状态、存在问题和下一步打算。"
         if spec.task_count else f"2. “{SHEET_TASKS}”：本单位本次无需填报重点任务。"),
        f"3. “{SHEET_NARRATIVE}”：{'工作要点落实' if plan.info.is_work_plan else '规划实施'}的主要成效、存在问题、"
        "意见建议，以及填报人和联系电话。",
    ]
    if plan.info.cutoff.month != 12 or plan.info.cutoff.day != 31:
        lines.append(f"4. {plan.info.cutoff_year}年数据填写截至 {_date(plan.info.cutoff)} 的数据。")
    return lines


def _baseline_lines(plan: Plan, spec: Instructions) -> list[str]:
    """What the baseline-year column asks of this unit: its own values, or nothing to do."""
    year = plan.info.baseline_year
    shared = [r.code for r in spec.rows if not r.baseline_locked]
    locked = [r.code for r in spec.rows if r.baseline_locked]
    lines = []
    if shared and plan.info.is_work_plan:
        lines.append(f"   “{year_header(year)}”列为上年数：请按与{year + 1}年相同的口径填写本单位{year}年全年的数值，"
                     "用于判断“逐年提高”“同比提高”等目标（上一轮已报送并通过审核的数值会预先填入并锁定）。")
    elif shared:
        lines.append(f"   “{year_header(year)}”列为规划基期年：请按与其他年份相同的口径填写本单位{year}年的数值"
                     "（区县填本区县的数，不是全市数），"
                     "用于计算本单位的完成进度、分析各单位对全市指标的影响；"
                     "未填写的不影响报送，但无法评估本单位进度。")
    if locked:
        lines.append(f"   本单位单独填报全市数的指标（{'、'.join(locked)}），{year}年基期值已按规划预先填入并锁定，"
                     "无需填写；如认为有误，请在“说明”栏注明。")
    return lines


def _rules(plan: Plan) -> list[str]:
    return [
        "1. 只在浅黄色单元格中填写；灰色和浅蓝色单元格已锁定，不能修改。选中单元格可看到填写提示（单位、口径、取值范围）。",
        "2. 数值只填数字：不带单位，不加千分位逗号，不用全角数字；百分数只填数值，98.5 表示 98.5%，不要填 0.985 或“98.5%”。",
        f"3. 某项数据确实不存在或无法统计时，填“{NO_DATA_MARK}”（破折号），并在同一行“说明”栏写明原因；"
        "不要留空，也不要用 0 代替。",
        f"4. 数值超出合理范围，或与上年相比变动超过 {plan.info.yoy_threshold:g}% 时，请在“说明”栏说明原因，否则审核时将要求补充说明。",
        "5. “累计值”指标填截至当年年末的累计数；“期间新增”指标填当年新增数；里程碑指标已实现填 1、未实现填 0。",
        "6. 请勿插入或删除行列，勿修改工作表名称和“编码”列；工作表已设保护（无密码）以防误操作，请勿撤销保护。",
        "7. 回收时依据表内的识别信息确认填报单位和表样版本，文件名可以修改，但请勿把内容复制到其他表格中填报。",
        "8. 可用 Microsoft Excel 或 WPS 表格填写，保存为 .xlsx 格式报送。",
    ]


def _write_pairs(ws: Worksheet, st: Styles, r: int, pairs: list[tuple[str, str]]) -> int:
    for label, text in pairs:
        ws.write_string(r, 0, label, st.text_bold)
        ws.write_string(r, 1, text, st.text)
        ws.set_row(r, wrapped_lines(text, TEXT_WIDTH) * LINE_HEIGHT + 4)
        r += 1
    return r


def _write_section(ws: Worksheet, st: Styles, r: int, heading: str, lines: list[str]) -> int:
    ws.write_string(r, 0, heading, st.section)
    ws.set_row(r, 22)
    for line in lines:
        r += 1
        ws.merge_range(r, 0, r, 1, line, st.text)
        ws.set_row(r, wrapped_lines(line, LABEL_WIDTH + TEXT_WIDTH) * LINE_HEIGHT + 4)
    return r + 1


def _write_legend(wb: Workbook, ws: Worksheet, st: Styles, r: int) -> int:
    ws.write_string(r, 0, "三、颜色说明", st.section)
    ws.set_row(r, 22)
    for colour, name, meaning in LEGEND:
        r += 1
        ws.write_string(r, 0, name, legend_format(wb, colour))
        ws.write_string(r, 1, meaning, st.text)
        ws.set_row(r, 20)
    return r + 1


def _write_feeds(ws: Worksheet, st: Styles, r: int, rows: list[FormRow]) -> int:
    ws.write_string(r, 0, "四、数据项用途", st.section)
    ws.set_row(r, 22)
    r += 1
    ws.merge_range(r, 0, r, 1, "以下数据项由各单位填报，汇总后用于计算相应指标（比率类指标不直接填写、不取平均）：", st.text)
    for row in rows:
        r += 1
        ws.write_string(r, 0, row.code, st.text_bold)
        text = f"{row.name}（{row.unit}）→ {'；'.join(row.feeds)}" if row.unit else f"{row.name} → {'；'.join(row.feeds)}"
        ws.write_string(r, 1, text, st.text)
        ws.set_row(r, wrapped_lines(text, TEXT_WIDTH) * LINE_HEIGHT + 4)
    return r + 1


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
