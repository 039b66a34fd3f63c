"""Feedback a unit can act on: an annotated copy of its own workbook.

The received file is never opened for writing: its bytes are copied to a temporary file
in the output folder, the copy is annotated with openpyxl (problem cells filled red or
orange, a comment on each, a 审核意见 sheet listing every finding) and moved into place.
Data validations, sheet protection and the hidden metadata sheet survive the round trip.
Files openpyxl cannot open (legacy .xls, damaged files) get a workbook with the list only.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..fileio import safe_file_name, write_via_temp
from ..findings import Finding, Severity
from ..intake.types import ReturnData
from ..sheettext import append_text_row, clean

if TYPE_CHECKING:  # openpyxl is imported where a copy is annotated: a build never loads it
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

FEEDBACK_SHEET = "审核意见"
AUTHOR = "审核意见"
FILL_COLORS = {
    Severity.ERROR: "FFC7CE",  # red: must be fixed
    Severity.WARNING: "FFD8A8",  # orange: explain or fix
}
EXPLAINED_COLOR = "E2EFDA"  # green: explained, accepted


@cache
def _fill(color: str) -> PatternFill:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color)
HEADERS = ("序号", "审核类别", "状态", "工作表", "单元格", "指标/任务", "年份", "问题", "修改建议")
WIDTHS = (6, 10, 10, 12, 9, 12, 8, 60, 50)


def status_label(f: Finding) -> str:
    if f.severity is Severity.ERROR:
        return "须修改"
    if f.severity is Severity.WARNING:
        return "已说明" if f.explained else "须修改或说明"
    return "提示"


def feedback_name(data: ReturnData) -> str:
    name = data.meta.unit_name if data.meta and data.meta.unit_name else Path(data.path).stem
    return safe_file_name(name, "-审核意见.xlsx", fallback="未识别")


def write_feedback(data: ReturnData, out_dir: Path, name: str | None = None) -> Path:
    """Write the annotated copy of one return into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (name or feedback_name(data))
    write_via_temp(target, lambda tmp: _annotate_copy(data, Path(data.path), tmp))
    return target


def _annotate_copy(data: ReturnData, source: Path, tmp: Path) -> None:
    from openpyxl import Workbook, load_workbook

    wb = None
    if _is_ooxml(source):
        try:
            shutil.copyfile(source, tmp)
            wb = load_workbook(tmp)
        except Exception:  # noqa: BLE001 - fall back to a list-only workbook
            wb = None
    if wb is None:
        wb = Workbook()
        wb.remove(wb.active)
    else:
        _mark_cells(wb, data.findings)
    _findings_sheet(wb, data)
    wb.save(tmp)


def _is_ooxml(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _mark_cells(wb: Workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        sheet, cell = f.location.sheet, f.location.cell
        if sheet and sheet in wb.sheetnames and cell and _is_a1(cell):
            by_cell.setdefault((sheet, cell), []).append(f)
    for (sheet, cell), group in by_cell.items():
        ws = wb[sheet]
        _mark_one(ws, cell, group)


def _is_a1(cell: str) -> bool:
    from openpyxl.utils.cell import coordinate_from_string

    try:
        coordinate_from_string(cell)
    except ValueError:
        return False
    return True


def _mark_one(ws: Worksheet, address: str, group: list[Finding]) -> None:
    worst = min(group, key=lambda f: (f.severity.rank, f.explained))
    target = ws[address]
    if type(target).__name__ == "MergedCell":
        return
    if worst.severity in FILL_COLORS:
        explained = worst.explained and worst.severity is Severity.WARNING
        target.fill = _fill(EXPLAINED_COLOR if explained else FILL_COLORS[worst.severity])
    lines = [f"【{f.severity.label}·{status_label(f)}】{f.message}" + (f"\n修改建议：{f.hint}" if f.hint else "")
             for f in group]
    old = target.comment.text + "\n" if target.comment else ""
    text = clean(old + "\n".join(lines))[:3000]
    from openpyxl.comments import Comment

    comment = Comment(text, AUTHOR)
    comment.width, comment.height = 320, min(60 + 18 * text.count("\n") + len(text) // 2, 400)
    target.comment = comment


def _findings_sheet(wb: Workbook, data: ReturnData) -> None:
    if FEEDBACK_SHEET in wb.sheetnames:
        wb.remove(wb[FEEDBACK_SHEET])
    ws = wb.create_sheet(FEEDBACK_SHEET, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    unit = data.meta.unit_name if data.meta else Path(data.path).name
    append_text_row(ws, [f"{unit} 填报表审核意见（文件：{Path(data.path).name}）"])
    append_text_row(ws, [_summary_line(data)])
    append_text_row(ws, HEADERS)
    for i, f in enumerate(data.findings, 1):
        loc = f.location
        append_text_row(ws, [i, f.severity.label, status_label(f), loc.sheet or "", loc.cell or "",
                             loc.indicator or "", loc.year or "", f.message,
                             f.hint + (f"（已说明：{f.explanation}）" if f.explained else "")])
    _style_findings_sheet(ws, len(data.findings))


def _summary_line(data: ReturnData) -> str:
    errors = sum(f.severity is Severity.ERROR for f in data.findings)
    warn = [f for f in data.findings if f.severity is Severity.WARNING]
    open_warn = sum(not f.explained for f in warn)
    return (f"共 {len(data.findings)} 条：强制性 {errors} 条（须修改），核实性 {len(warn)} 条"
            f"（其中 {len(warn) - open_warn} 条已在“说明”栏解释，{open_warn} 条须修改或在“说明”栏写明原因），"
            "提示性的无须处理。表中红色单元格须修改，橙色单元格须核实，绿色为已说明。修改后请重新报送整个文件。")


def _style_findings_sheet(ws: Worksheet, n: int) -> None:
    from openpyxl.styles import Alignment, Font

    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.row_dimensions[2].height = 48
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[chr(64 + i)].width = width
        ws.cell(3, i).font = Font(bold=True)
        ws.cell(3, i).fill = _fill("D9E1F2")
    for r in range(4, 4 + n):
        for c in (8, 9):
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
        sev = ws.cell(r, 2).value
        color = {"强制性": FILL_COLORS[Severity.ERROR], "核实性": FILL_COLORS[Severity.WARNING]}.get(str(sev))
        if color is not None:
            ws.cell(r, 2).fill = _fill(color)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
