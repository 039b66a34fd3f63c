"""Cell formats of a return form. The colours are explained in the legend on 填报说明."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # reached from the checks (through forms.meta), which write no workbook
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook

FONT = "宋体"
FONT_SIZE = 11
TITLE_SIZE = 16

INPUT_FILL = "#FFF2CC"  # light yellow: to be filled in
LOCKED_FILL = "#EDEDED"  # grey: definitions, locked
PREFILLED_FILL = "#DDEBF7"  # light blue: an earlier year already known, locked
HEADER_FILL = "#D9E1F2"  # column headers

LEGEND = (
    (INPUT_FILL, "浅黄色", "需要填写的单元格（可编辑）"),
    (LOCKED_FILL, "灰色", "规划定义内容，已锁定，不能修改"),
    (PREFILLED_FILL, "浅蓝色", "已掌握的往年数据，已预先填入并锁定；如有错误请在“说明”栏注明"),
)

_BORDER: dict[str, Any] = {"border": 1, "border_color": "#808080", "valign": "vcenter"}


@dataclass(frozen=True)
class Styles:
    title: Format
    subtitle: Format
    header: Format
    locked: Format
    locked_wrap: Format
    locked_center: Format
    prefilled: Format
    input_number: Format
    input_text: Format
    input_center: Format
    text: Format
    text_bold: Format
    section: Format
    label: Format


def make_styles(wb: Workbook) -> Styles:
    def fmt(**props: Any) -> Format:
        return wb.add_format({"font_name": FONT, "font_size": FONT_SIZE, **props})

    locked = {**_BORDER, "bg_color": LOCKED_FILL, "locked": True}
    inputs = {**_BORDER, "bg_color": INPUT_FILL, "locked": False}
    return Styles(
        title=fmt(bold=True, font_size=TITLE_SIZE, align="center", valign="vcenter", text_wrap=True),
        subtitle=fmt(valign="vcenter", text_wrap=True),
        header=fmt(**_BORDER, bold=True, bg_color=HEADER_FILL, align="center", text_wrap=True),
        locked=fmt(**locked),
        locked_wrap=fmt(**locked, text_wrap=True),
        locked_center=fmt(**locked, align="center", text_wrap=True),
        prefilled=fmt(**_BORDER, bg_color=PREFILLED_FILL, locked=True),
        input_number=fmt(**inputs),
        input_text=fmt(**inputs, text_wrap=True, num_format="@"),
        input_center=fmt(**inputs, align="center"),
        text=fmt(text_wrap=True, valign="top"),
        text_bold=fmt(bold=True, valign="top"),
        section=fmt(bold=True, font_size=13, valign="vcenter"),
        label=fmt(**locked, bold=True, align="center", text_wrap=True),
    )


def legend_format(wb: Workbook, colour: str) -> Format:
    return wb.add_format({**_BORDER, "bg_color": colour, "font_name": FONT, "font_size": FONT_SIZE})
