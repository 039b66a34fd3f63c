"""The 总体情况 sheet: labels in column A, free text in tall wrapped cells in column B."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from .layout import NARRATIVE_FIELDS, SHEET_NARRATIVE
from .sheetsetup import add_validation, print_setup, protect
from .styles import Styles

FIRST = 2  # 0-based row of the first field
LABEL_WIDTH = 14
TEXT_WIDTH = 110
LONG_HEIGHT = 170
SHORT_HEIGHT = 24

_GUIDANCE = {
    "achievements": "概述本单位规划实施以来的主要做法和成效，可分条目填写，建议 800 字以内。",
    "problems": "规划实施中存在的主要困难和问题，指标滞后的原因。",
    "suggestions": "对规划后半期实施、指标或任务调整的意见建议。",
    "filled_by": "填报人姓名。",
    "phone": "填报人联系电话（手机或座机）。",
    "filled_on": "填报日期，如 2024-01-15。",
}
_LONG = {"achievements", "problems", "suggestions"}


def write_narrative_sheet(wb: Workbook, st: Styles, unit_name: str, title: str) -> None:
    ws = wb.add_worksheet(SHEET_NARRATIVE)
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, 1, TEXT_WIDTH)
    ws.merge_range(0, 0, 0, 1, title, st.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, 1, "请在浅黄色单元格中用文字填写（单元格内换行：Excel 按 Alt+Enter，WPS 同样适用）。",
                   st.subtitle)
    ws.set_row(1, 22)
    for offset, (key, label) in enumerate(NARRATIVE_FIELDS):
        r = FIRST + offset
        ws.write_string(r, 0, label, st.label)
        ws.write_blank(r, 1, None, st.input_text)
        ws.set_row(r, LONG_HEIGHT if key in _LONG else SHORT_HEIGHT)
        add_validation(ws, r, 1, r, 1, {
            "validate": "any",
            "input_title": label,
            "input_message": f"填报单位：{unit_name}\n{_GUIDANCE.get(key, '')}",
        })
    print_setup(ws, unit_name, SHEET_NARRATIVE)
    protect(ws)
