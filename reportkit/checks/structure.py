"""Rows matched by code: moved, inserted, deleted, unknown or duplicated rows, and edits to
the locked cells (name, baseline, target, pre-filled years)."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from functools import lru_cache

from ..findings import Severity, register
from ..forms import layout as L
from ..intake.form import norm
from ..intake.rows import IndicatorRow, a1
from ..intake.values import display, parse_input
from .cells import report_years
from .context import CheckContext

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

register("row.moved", INFO, "行顺序变动", "编码 {code}（{name}）的行位置有变动（现在第 {row} 行），已按编码识别。",
         "无需处理；今后请不要调整行顺序。")
register("row.inserted", INFO, "插入了行", "{what}，已按编码识别数据。", "请不要在填报表中插入行。")
register("row.uncoded-data", W, "无编码行中的数据", "第 {row} 行没有编码，但填有数据“{value}”，该行数据未被采用。",
         "如需报送该数据，请填到对应编码的行中，并删除插入的行。")
register("row.code-retyped", INFO, "编码写法不同",
         "第 {row} 行的编码“{value}”与下发的“{code}”写法不同（大小写、全角或空格），已按 {code} 识别。",
         "请不要修改编码列。")
register("row.deleted", E, "缺少指标行", "找不到编码 {code}（{name}）所在的行，该指标的数据缺失。",
         "请使用下发的填报表，不要删除行；如已删除，请重新填写下发的原表。")
register("row.unknown-code", W, "未知编码", "第 {row} 行的编码“{code}”不在本单位的填报范围内，该行数据未被采用。",
         "请核对编码是否被改动；不要在表中自行增加指标行。")
register("row.duplicate-code", E, "编码重复", "编码 {code} 出现在多行（第 {rows} 行），只采用第 {used} 行。",
         "请删除重复的行，只保留一行。")
register("cell.locked-edited", E, "锁定内容被修改",
         "{what}被修改：下发时为“{expected}”，现为“{value}”。该内容由规划确定，不能由填报单位修改。",
         "请恢复为“{expected}”；如认为规划数据有误，请在“说明”中写明并与牵头部门联系。")

register("column.year-missing", E, "缺少年份列", "“{sheet}”表头中找不到“{header}”列，{year}年的数据无法读取。",
         "请使用下发的填报表，不要删除年份列或修改其表头文字。")
register("column.year-duplicate", E, "年份列重复", "表头中有多个“{header}”列（{cells}），只读取了 {used} 列。",
         "请删除多余的列，或把表头改回下发时的年份。")
register("column.year-order", W, "年份列顺序变动", "年份列的顺序与下发表样不同（现为 {order}），已按表头文字读取各年数据。",
         "请核对各年数据是否填在对应年份的表头下；今后请不要调整列的顺序。")

_LOCKED_FIELDS = (("baseline", L.BASELINE_HEADER, E), ("target", L.TARGET_HEADER, E), ("name", L.NAME_HEADER, INFO))


def check_rows(ctx: CheckContext) -> None:
    table = ctx.content.indicators
    if table is None:
        return
    expected = ctx.form_codes
    _header_shift(ctx)
    _canonical_codes(ctx, table.rows, expected)
    seen = _duplicates(ctx, table.rows)
    for row in seen.values():
        if row.code not in expected:
            ctx.add("row.unknown-code", ctx.cell_loc(a1(row.row, _code_col(ctx)), row.code),
                    row=row.row + 1, code=row.code)
    for code in expected:
        if code not in seen and code in ctx.specs:
            ctx.add("row.deleted", ctx.loc(sheet=ctx.indicator_sheet, indicator=code), code=code,
                    name=ctx.specs[code].name)
    _moved(ctx, [r for r in seen.values() if r.code in expected], expected)
    _inserted(ctx, table.uncoded_with_data, table.empty_inside)


@lru_cache(maxsize=1 << 14)
def code_key(code: str) -> str:
    """The form a code is compared in: full-width folded, spaces dropped, upper case (the same
    codes recur in every return: remembered)."""
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def _canonical_codes(ctx: CheckContext, rows: list[IndicatorRow], expected: list[str]) -> None:
    """A code retyped as "a01" or "Ａ０１" still names row A01: read it as A01, and say so."""
    known = {code_key(c): c for c in [*expected, *ctx.specs]}
    for row in rows:
        code = known.get(code_key(row.code))
        if code is not None and code != row.code and row.code not in known.values():
            ctx.add("row.code-retyped", ctx.cell_loc(a1(row.row, _code_col(ctx)), code), row=row.row + 1,
                    value=row.code, code=code)
            row.code = code


def _code_col(ctx: CheckContext) -> int:
    t = ctx.content.sheets.indicators
    col = t.col(L.CODE_HEADER) if t else None
    return col or 0


def _header_shift(ctx: CheckContext) -> None:
    table = ctx.content.sheets.indicators
    assert table is not None
    shift = table.header_row + 1 - L.INDICATOR_HEADER_ROW
    if shift > 0:
        what = f"表头上方插入了 {shift} 行（表头现在第 {table.header_row + 1} 行，原在第 {L.INDICATOR_HEADER_ROW} 行）"
        ctx.add("row.inserted", ctx.loc(sheet=ctx.indicator_sheet, cell=f"A{table.header_row + 1}"), what=what)


def _duplicates(ctx: CheckContext, rows: list[IndicatorRow]) -> dict[str, IndicatorRow]:
    by_code: dict[str, list[IndicatorRow]] = {}
    for r in rows:
        by_code.setdefault(r.code, []).append(r)
    for code, group in by_code.items():
        if len(group) > 1:
            used = _best_duplicate(group)
            ctx.add("row.duplicate-code", ctx.cell_loc(a1(group[1].row, _code_col(ctx)), code), code=code,
                    rows="、".join(str(r.row + 1) for r in group), used=used.row + 1)
            by_code[code] = [used]
    return {code: group[0] for code, group in by_code.items()}


def _best_duplicate(group: list[IndicatorRow]) -> IndicatorRow:
    """The copy with the most typed inputs (ties: the first)."""
    return max(group, key=lambda r: sum(parse_input(c.raw).kind.value != "blank" for c in r.cells.values()))


def _moved(ctx: CheckContext, rows: list[IndicatorRow], expected: list[str]) -> None:
    """Rows outside the longest run kept in the original order were moved."""
    order = {code: i for i, code in enumerate(expected)}
    ranks = [order[r.code] for r in rows]
    keep = _longest_increasing(ranks)
    for i, r in enumerate(rows):
        if i not in keep:
            name = ctx.specs[r.code].name if r.code in ctx.specs else r.fixed.get(L.NAME_HEADER, "")
            ctx.add("row.moved", ctx.cell_loc(a1(r.row, _code_col(ctx)), r.code), code=r.code, name=name,
                    row=r.row + 1)


def _longest_increasing(seq: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(seq)
    for i, v in enumerate(seq):
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_idx.append(i)
        else:
            tails[k], tail_idx[k] = v, i
        prev[i] = tail_idx[k - 1] if k else -1
    out: set[int] = set()
    i = tail_idx[-1] if tail_idx else -1
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out


def _inserted(ctx: CheckContext, uncoded: list[int], empty: list[int]) -> None:
    table = ctx.content.indicators
    assert table is not None
    for r in uncoded:
        values = [display(table.table.sheet.cell(r, c)) for c in table.table.year_columns.values()]
        ctx.add("row.uncoded-data", ctx.loc(sheet=ctx.indicator_sheet, cell=f"A{r + 1}"), row=r + 1,
                value="、".join(v for v in values if v.strip()))
    if empty:
        rows = "、".join(str(r + 1) for r in empty)
        ctx.add("row.inserted", ctx.loc(sheet=ctx.indicator_sheet, cell=f"A{empty[0] + 1}"),
                what=f"指标表中插入了空行（第 {rows} 行）")


def check_locked(ctx: CheckContext) -> None:
    table = ctx.content.indicators
    meta = ctx.content.meta
    if table is None or meta is None:
        return
    locked = ctx.locked
    for row in table.rows:
        for key, header, severity in _LOCKED_FIELDS:
            expected = locked.get(row.code, {}).get(key)
            actual = row.fixed.get(header, "")
            col = table.table.col(header)
            if expected is None or col is None or _same_value(expected, actual):
                continue
            ctx.add("cell.locked-edited", ctx.cell_loc(a1(row.row, col), row.code), severity=severity,
                    value=actual, what=f"{row.code} 的{header}", expected=expected)
    _prefilled(ctx)


def _prefilled(ctx: CheckContext) -> None:
    table = ctx.content.indicators
    assert table is not None and ctx.content.meta is not None
    by_code = {r.code: r for r in table.rows}
    for (code, year), value in ctx.prefilled.items():
        row = by_code.get(code)
        cell = row.cells.get(year) if row else None
        if cell is None or _same_value(value, cell.raw):
            continue
        ctx.add("cell.locked-edited", ctx.cell_loc(cell.address, code, year), value=display(cell.raw),
                what=f"{code} 已确认的{year}年数据", expected=display(value))


def _same_text(a: str, b: str) -> bool:
    return " ".join(str(a).split()) == " ".join(str(b).split())


def _same_value(expected: object, raw: object) -> bool:
    if type(expected) is type(raw) and expected == raw:  # the cell as locked (the usual case)
        return True
    e, r = parse_input(expected), parse_input(raw)
    if e.value is not None and r.value is not None:
        return abs(e.value - r.value) <= 1e-9 * max(1.0, abs(e.value))
    return _same_text(display(expected), display(raw))


def check_columns(ctx: CheckContext) -> None:
    """The year columns the form was made with: each present once, left to right."""
    table = ctx.content.sheets.indicators
    if table is None:
        return
    years = report_years(ctx)
    header = table.sheet.grid[table.header_row]
    found: dict[int, list[int]] = {}
    for c, text in enumerate(header):
        year = L.parse_year_header(norm(text))
        if year is not None:
            found.setdefault(year, []).append(c)
    row = table.header_row
    for year in years:
        if year not in table.year_columns:
            ctx.add("column.year-missing", ctx.loc(sheet=ctx.indicator_sheet, cell=f"A{row + 1}", year=year),
                    sheet=ctx.indicator_sheet, header=L.year_header(year), year=year)
    for year, cols in found.items():
        if len(cols) > 1:
            cells = "、".join(a1(row, c) for c in cols)
            ctx.add("column.year-duplicate", ctx.loc(sheet=ctx.indicator_sheet, cell=a1(row, cols[1]), year=year),
                    header=L.year_header(year), cells=cells, used=a1(row, table.year_columns[year]))
    present = sorted((c, y) for y, c in table.year_columns.items() if y in years)
    if [y for _, y in present] != sorted(y for _, y in present):
        order = "、".join(f"{a1(row, c)} {L.year_header(y)}" for c, y in present)
        ctx.add("column.year-order", ctx.loc(sheet=ctx.indicator_sheet, cell=a1(row, present[0][0])), order=order)
