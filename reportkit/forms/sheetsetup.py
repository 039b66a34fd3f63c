"""Page setup, protection and data-validation helpers shared by the form sheets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .layout import SHEET_PASSWORD
from .styles import FONT
from .text import header_footer_text, truncate

if TYPE_CHECKING:  # reached from the checks (through forms.meta), which write no workbook
    from xlsxwriter.worksheet import Worksheet

A4 = 9
TITLE_LIMIT = 32  # Excel's limits on validation titles and messages (xlsxwriter returns -2 beyond)
MESSAGE_LIMIT = 255

# Units may resize columns and rows (long 说明 text) but not insert or delete rows or
# columns: intake matches rows by code, and a shifted grid is the commonest breakage.
PROTECTION: dict[str, bool] = {
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "format_columns": True,
    "format_rows": True,
    "format_cells": False,
    "insert_rows": False,
    "delete_rows": False,
    "insert_columns": False,
    "delete_columns": False,
    "insert_hyperlinks": False,
    "sort": False,
    "autofilter": False,
    "pivot_tables": False,
    "objects": False,
    "scenarios": False,
}


def print_setup(ws: Worksheet, unit_name: str, title: str, *, repeat_row: int | None = None) -> None:
    """A4 landscape, one page wide, header with the unit and sheet, footer with page numbers."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.center_horizontally()
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    font = f'&"{FONT},Regular"&10'
    ws.set_header(f"&L{font}{header_footer_text(unit_name)}&R{font}{header_footer_text(title)}",
                  {"margin": 0.3})
    ws.set_footer(f"&C{font}第 &P 页，共 &N 页", {"margin": 0.3})


def protect(ws: Worksheet) -> None:
    ws.protect(SHEET_PASSWORD, dict(PROTECTION))


def add_validation(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
                   options: dict[str, Any]) -> None:
    """``data_validation`` with titles and messages cut to Excel's limits; fails loudly otherwise."""
    opts = dict(options)
    for key, limit in (("input_title", TITLE_LIMIT), ("error_title", TITLE_LIMIT),
                       ("input_message", MESSAGE_LIMIT), ("error_message", MESSAGE_LIMIT)):
        if key in opts:
            opts[key] = truncate(str(opts[key]), limit)
    result = ws.data_validation(first_row, first_col, last_row, last_col, opts)
    if result != 0:
        raise RuntimeError(f"data validation rejected on {ws.name} ({result}): {opts}")
