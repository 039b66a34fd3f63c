"""Rows written as XML text are the rows xlsxwriter itself writes, cell for cell."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from reportkit.rendering.packages import rewrite_parts
from reportkit.rendering.xlsx_rows import SheetRows
from reportkit.sheettext import new_xlsx

TRICKY = [" 前导空格", "尾随空格 ", "A<&>B \"引号\"", "_x0041_ 字面", "控制\x01字符\x1f", "换行\n文字", "\ufffe非字符",
          "长" * 40000, "<r>看似富文本</r>", "", "=1+1", "0012"]
NUMBERS = [0, -3, 12.5, 1e20, 1 / 3, 123456789012345678, -0.0]


def _rows() -> list[tuple[list[object], float | None]]:
    rows: list[tuple[list[object], float | None]] = []
    for i, text in enumerate(TRICKY):
        rows.append(([text, NUMBERS[i % len(NUMBERS)], True, f"第{i}行"], 28.0 if i % 3 == 0 else None))
    rows.append((["十五磅", 1, False, "x"], 15.0))
    return rows


def _book(fast: bool) -> bytes:
    buf = io.BytesIO()
    wb = new_xlsx(buf, constant_memory=True)
    fmts = [wb.add_format({"bold": True}), wb.add_format({"num_format": "0.00"}), wb.add_format({"italic": True})]
    ws = wb.add_worksheet("表")
    ws.write(0, 0, "标题", fmts[0])
    for c in range(4):
        ws.write(1, c, f"列{c}", fmts[0])
    rows = _rows()
    cell_formats = [fmts[2], fmts[1], fmts[2], fmts[2]]
    if fast:
        out = SheetRows(ws, 2, 4)
        out.claim(fmts[0])
        for values, height in rows:
            out.add(values, cell_formats, height)
        wb.close()
        return rewrite_parts(buf.getvalue(), {out.part_name(): out.writer()})
    for r, (values, height) in enumerate(rows, start=2):
        if height is not None:
            ws.set_row(r, height)
        for c, value in enumerate(values):
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, c, value, cell_formats[c])
            else:
                ws.write_string(r, c, str(value), cell_formats[c])
    wb.close()
    return buf.getvalue()


def test_rows_as_text_equal_xlsxwriters_own_cells() -> None:
    slow, fast = _book(fast=False), _book(fast=True)
    with zipfile.ZipFile(io.BytesIO(slow)) as a, zipfile.ZipFile(io.BytesIO(fast)) as b:
        assert a.namelist() == b.namelist()
        sheet_a, sheet_b = a.read("xl/worksheets/sheet1.xml"), b.read("xl/worksheets/sheet1.xml")
        # xlsxwriter writes "<r>…</r>" as rich text, unescaped; here it stays the text it is.
        rich = "<is><r>看似富文本</r></is>".encode()
        assert sheet_a.replace(rich, "<is><t>&lt;r&gt;看似富文本&lt;/r&gt;</t></is>".encode()) == sheet_b
        assert a.read("xl/styles.xml") == b.read("xl/styles.xml")
    ws = load_workbook(io.BytesIO(fast))["表"]
    assert ws["A3"].value == " 前导空格" and ws["A5"].value == "A<&>B \"引号\""
    assert ws["B4"].value == -3 and ws["A11"].value == "<r>看似富文本</r>"
    assert ws.row_dimensions[3].height == 27.75 and ws.dimensions == f"A1:D{len(_rows()) + 2}"


def test_a_summary_table_reads_its_rows_once_so_they_may_be_generated() -> None:
    """A table of a generator (the summary's task sheet: a row per task and unit, made as read)
    is the table of the same rows in a list, byte for byte."""
    from reportkit.rendering.summary_xlsx import _Book, _get, _num

    rows = [{"name": name, "v": v, "decimals": d, "state": s} for name, v, d, s in
            [("甲区", 98.25, 1, "滞后"), ("乙区\x01", 0.8627, 4, "已完成"), ("长" * 40, None, 2, "未填报")]]
    columns = (("名称", _get("name"), "text"), ("值", _num("v"), "num"), ("状态", _get("state"), "text"))

    def sheet(given: object) -> bytes:
        buf = io.BytesIO()
        book = _Book(buf)
        book.table("表", "标题", columns, given, status_col="状态")  # type: ignore[arg-type]
        with zipfile.ZipFile(io.BytesIO(book.close())) as z:
            return z.read("xl/worksheets/sheet1.xml")

    listed = sheet(rows)
    assert sheet(r for r in rows) == listed
    assert b'<dimension ref="A1:C5"/>' in listed and b"<t>\xe4\xb9\x99\xe5\x8c\xba</t>" in listed  # 乙区, cleaned
