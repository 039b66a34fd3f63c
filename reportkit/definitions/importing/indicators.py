"""Find the main indicator table(s) of a plan and read every row as printed.

The table looks the same in almost every plan: 序号, 类别 (merged down), 指标名称 (the unit
in brackets or in its own column), 基期值 and 目标值 (often with year sub-headers), 属性.
It comes either as a real table (Word, HTML, PDF; merged cells already expanded by the
reader) or as text with one cell per line (a web page copied to text). Values are kept
exactly as printed; a cell that cannot be read with confidence is left blank and said so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..notation import BracketConventions, parse_plan_value, split_unit
from ..schema import ATTRIBUTE_WORDS
from .sources import Document, Paragraph, Table, clean

VALUE_ROLES = ("category", "name", "unit", "baseline", "target", "attribute")

_HEADER_WORDS: dict[str, str] = {
    "序号": "seq", "编号": "seq", "序": "seq",
    "类别": "category", "指标类别": "category", "领域": "category", "分类": "category", "类型": "category",
    "一级指标": "category", "指标类型": "category",
    "主要指标": "name", "指标名称": "name", "指标": "name", "指标内容": "name", "名称": "name",
    "具体指标": "name", "二级指标": "name", "指标项": "name",
    "单位": "unit", "计量单位": "unit", "指标单位": "unit",
    "基期值": "baseline", "基期": "baseline", "基期数": "baseline", "现状值": "baseline", "基准值": "baseline",
    "基数": "baseline", "现状": "baseline", "基期年": "baseline",
    "目标值": "target", "规划值": "target", "规划目标": "target", "目标": "target", "预期目标": "target",
    "规划目标值": "target", "目标年": "target",
    "属性": "attribute", "指标属性": "attribute", "性质": "attribute", "指标性质": "attribute",
}
_YEAR = re.compile(r"^(?:(?:19|20)\d\d)年?(?:基期值|基期|现状值|目标值|目标|规划值|末|底)?$")
_UNIT_CHARS = set("万亿千百十个件户项家人批次元%％‰/／张份台套座条起次年月日天口只辆吨公斤千克米平方公里亩株头部所宗例篇名位标准册")
_SEQ = re.compile(r"^\d{1,3}$")
_HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[、.．])\s*")


@dataclass
class IndicatorRow:
    """One row of the indicator table as printed, with what could not be read."""

    seq: str
    values: dict[str, str]  # role → text as it goes into the workbook
    printed: dict[str, str]  # role → text exactly as printed (the name with its bracketed unit)
    row_text: str  # the whole row as printed, cells joined by " | "
    where: str
    doubts: dict[str, str] = field(default_factory=dict)  # role → why it is blank or unsure


@dataclass
class IndicatorTable:
    where: str
    title: str
    rows: list[IndicatorRow]
    years: tuple[int, ...]  # years printed in the header (base year, target year)
    skipped: list[str] = field(default_factory=list)  # rows that could not be read, as printed


def header_role(text: str) -> str | None:
    s = clean(text).replace(" ", "")
    s = re.sub(r"[（(][^）)]*[)）]$", "", s)  # "基期值（2020年）" → 基期值
    if s in _HEADER_WORDS:
        return _HEADER_WORDS[s]
    for word in ("基期", "现状"):
        if s.startswith(word) or s.endswith(word + "值"):
            return "baseline"
    for word in ("目标", "规划值"):
        if word in s and len(s) <= 8:
            return "target"
    return None


def header_year(text: str) -> int | None:
    s = clean(text).replace(" ", "")
    m = re.search(r"((?:19|20)\d\d)", s)
    if m and (_YEAR.match(s) or re.fullmatch(r"[^\d]{0,6}[（(]?(?:19|20)\d\d年?[)）]?[^\d]{0,4}", s)):
        return int(m.group(1))
    return None


def looks_like_unit(text: str) -> bool:
    s = clean(text).replace(" ", "")
    return 0 < len(s) <= 8 and all(ch in _UNIT_CHARS for ch in s)


def attribute_of(text: str) -> str | None:
    return ATTRIBUTE_WORDS.get(clean(text).replace(" ", ""))


def find_tables(doc: Document, conventions: BracketConventions) -> list[IndicatorTable]:
    """Every indicator table in the document: real tables first, then cell-per-line text."""
    found: list[IndicatorTable] = []
    paragraphs: list[Paragraph] = []
    title = ""
    previous: _Header | None = None  # the header a table continued on the next page goes on with
    for block in doc.blocks:
        if isinstance(block, Table):
            if block.carry and previous is not None and found and found[-1].rows:
                _finish_row(found[-1].rows[-1], previous, block.carry)
            last = found[-1].rows[-1].values.get("category", "") if found and found[-1].rows else ""
            t, previous = _from_grid(block.one_line(), title, conventions, previous, last)
            if t is not None:
                found.append(t)
        else:
            paragraphs.append(block)
            if "指标" in block.text and len(clean(block.text)) <= 40 and not clean(block.text).startswith("序号"):
                title = clean(block.text)
    found.extend(_from_lines(paragraphs, conventions))
    _check_numbering(found)
    _check_trailing_rows(found, paragraphs)
    return found


def _check_trailing_rows(tables: list[IndicatorTable], paragraphs: list[Paragraph]) -> None:
    """Rows printed as text after the last row read ("13 药品抽检合格率 % 98 ≥99 预期性" on the
    next page of a PDF whose table was not found there): say they were not read."""
    seqs = [int(r.seq) for t in tables for r in t.rows if r.seq.isdigit()]
    if not seqs:
        return
    expected = max(seqs) + 1
    lost: list[str] = []
    for p in paragraphs:
        text = clean(p.text)
        words = text.split(" ")
        if words[0] == str(expected) and len(words) >= 3 and attribute_of(words[-1]):
            lost.append(f"{text}（{p.where}）")
            expected += 1
    if lost:
        tables[-1].skipped.extend(lost)


def _finish_row(row: IndicatorRow, header: _Header, carry: tuple[tuple[int, str], ...]) -> None:
    """Append the text a page break cut off ("生产领域区级工业" + "产品质量监督抽查覆盖率")."""
    for j, text in carry:
        role = header.roles[j] if j < len(header.roles) else None
        if role in {"name", "category"}:
            row.values[role] = row.values.get(role, "") + text
            row.printed[role] = row.printed.get(role, "") + text
            row.row_text += f"（接下页：{text}）"
    if not row.values.get("unit"):
        name, unit = split_unit(row.values["name"])
        if unit:  # "(%)" was the part of the name on the next page
            row.values["name"], row.values["unit"] = name, unit
            row.doubts.pop("unit", None)


def _check_numbering(tables: list[IndicatorTable]) -> None:
    """Rows numbered 1, 2, 4: say that row 3 was not read rather than lose it silently. A number
    is accounted for by a row reported as unreadable or by an unnumbered row in its place."""
    reported = {int(m.group(1)) for t in tables for text in t.skipped if (m := re.match(r"(\d{1,3}) \|", text))}
    missing: list[int] = []
    last, unnumbered = 0, 0
    for row in (r for t in tables for r in t.rows):
        if not row.seq.isdigit():
            unnumbered += 1
            continue
        n = int(row.seq)
        gap = [k for k in range(last + 1, n) if k not in reported]
        missing.extend(gap[unnumbered:])
        last, unnumbered = max(last, n), 0
    if missing and tables:
        tables[-1].skipped.append(f"序号 {'、'.join(map(str, missing))} 的行（表中序号不连续，可能在跨页处或无法识别的表格中）")


# ----------------------------------------------------------------------------- real tables


def _header_rows(rows: Sequence[Sequence[str]]) -> tuple[int, list[str | None], list[int | None]] | None:
    """(index of the first data row, role per column, year per column) or None if no header."""
    for i, row in enumerate(rows[:6]):
        roles = [header_role(c) for c in row]
        # "主要指标" over 类别 and 名称 in a table without lines: the text sits over the first
        # column and the second header slot is empty.
        roles = [r or ("name" if j and roles[j - 1] == "name" and not clean(row[j]) else None)
                 for j, r in enumerate(roles)]
        if "name" not in roles or sum(1 for r in set(roles) if r) < 3:
            continue
        years = [header_year(c) for c in row]
        start = i + 1
        # A second header row: year sub-headers under 基期值/目标值, or 2020年/2025年 alone.
        while start < len(rows) and _is_subheader(rows[start]):
            for j, cell in enumerate(rows[start]):
                if j < len(roles):
                    roles[j] = roles[j] if roles[j] and roles[j] not in {"baseline", "target"} else (
                        header_role(cell) or roles[j])
                    years[j] = header_year(cell) or years[j]
            start += 1
        return start, _resolve_roles(roles, years), years
    return None


def _is_subheader(row: Sequence[str]) -> bool:
    cells = [clean(c) for c in row if clean(c)]
    if not cells or any(_SEQ.match(c) for c in cells[:1]):
        return False
    return all(header_year(c) or header_role(c) for c in cells) and any(header_year(c) for c in cells)


def _resolve_roles(roles: list[str | None], years: list[int | None]) -> list[str | None]:
    out = list(roles)
    # Columns headed only by a year: the first is the baseline, the last the target.
    year_cols = [j for j, r in enumerate(out) if r is None and years[j]]
    if year_cols and "baseline" not in out and "target" not in out:
        out[year_cols[0]] = "baseline"
        if len(year_cols) > 1:
            out[year_cols[-1]] = "target"
    # 基期值/目标值 spanning several year columns: keep the first baseline and the last target.
    for role, pick in (("baseline", 0), ("target", -1)):
        cols = [j for j, r in enumerate(out) if r == role]
        for j in cols:
            if j != cols[pick]:
                out[j] = None
    # "主要指标" spanning 类别 and 名称: the left columns are the category.
    names = [j for j, r in enumerate(out) if r == "name"]
    for j in names[:-1]:
        out[j] = "category" if "category" not in out[:j] else None
    return out


@dataclass(frozen=True)
class _Header:
    roles: tuple[str | None, ...]
    years: tuple[int | None, ...]


def _from_grid(table: Table, title: str, conv: BracketConventions, previous: _Header | None,
               category: str = "") -> tuple[IndicatorTable | None, _Header | None]:
    """Rows of one real table; ``category`` is the last category of the table before, which a
    table continued on a new page goes on with until its merged category cell ends."""
    header = _header_rows(table.rows)
    if header is not None:
        start, roles, years = header
    elif previous is not None and table.rows and len(table.rows[0]) == len(previous.roles):
        start, roles, years = 0, list(previous.roles), list(previous.years)  # continued without its header
    else:
        return None, None
    if "baseline" not in roles and "target" not in roles:
        return None, None
    result = IndicatorTable(table.where, title, [], _table_years(roles, years))
    for i in range(start, len(table.rows)):
        cells = [clean(c) for c in table.rows[i]]
        if not any(cells):
            continue
        if _is_note(cells[0]):
            continue  # a note row spanning the table (备注)
        if len({c for c in cells if c}) == 1 and len(cells) > 2 and not _SEQ.match(cells[0]):
            # A group heading spanning the row ("一、市场主体"): the category of the rows below.
            category = _HEADING_NUMBER.sub("", next(c for c in cells if c))
            continue
        by_role = {r: cells[j] for j, r in enumerate(roles) if r and j < len(cells)}
        category = by_role.get("category") or category
        by_role["category"] = category
        row = _make_row(by_role, " | ".join(cells), table.row_where(i), conv)
        if row is None:
            result.skipped.append(" | ".join(cells))
        else:
            result.rows.append(row)
    if header is None and not result.rows:
        return None, None
    return (result if result.rows or result.skipped else None), _Header(tuple(roles), tuple(years))


def _table_years(roles: Sequence[str | None], years: Sequence[int | None]) -> tuple[int, ...]:
    b = next((years[j] for j, r in enumerate(roles) if r == "baseline" and years[j]), None)
    t = next((years[j] for j, r in enumerate(roles) if r == "target" and years[j]), None)
    if b is None or t is None:
        ys = sorted({y for y in years if y})
        b, t = (ys[0], ys[-1]) if len(ys) >= 2 else (b, t)
    return tuple(y for y in (b, t) if y)


def _is_note(text: str) -> bool:
    return clean(text).startswith(("注", "备注", "说明", "资料来源", "数据来源"))


# ----------------------------------------------------------------------------- one cell per line


def _from_lines(paragraphs: list[Paragraph], conv: BracketConventions) -> list[IndicatorTable]:
    tables: list[IndicatorTable] = []
    i = 0
    while i < len(paragraphs):
        if header_role(paragraphs[i].text) == "seq":
            parsed = _lines_table(paragraphs, i, conv)
            if parsed is not None:
                table, i = parsed
                tables.append(table)
                continue
        i += 1
    return tables


def _lines_table(ps: list[Paragraph], at: int, conv: BracketConventions) -> tuple[IndicatorTable, int] | None:
    headers: list[str] = []
    j = at
    while j < len(ps) and len(headers) < 16:
        text = clean(ps[j].text)
        if text and (header_role(text) or header_year(text)):
            headers.append(text)
            j += 1
        elif not text and headers:
            j += 1  # an empty header slot
        else:
            break
    roles = [header_role(h) for h in headers]
    years = [header_year(h) for h in headers]
    top = [r for r in roles if r]
    if "name" not in top or len(set(top)) < 3:
        return None
    year_list = [y for y in years if y]
    order = _printed_order(roles, years)
    if "baseline" not in order or "target" not in order:
        return None
    title = _title_before(ps, at)
    table = IndicatorTable(ps[at].where, title, [], (year_list[0], year_list[-1]) if len(year_list) >= 2 else ())
    chunks, end = _row_chunks(ps, j, "attribute" in order)
    category = ""
    for chunk in chunks:
        row = _line_row(chunk, order, conv)
        if row is None:
            table.skipped.append(" | ".join(clean(p.text) or "（空）" for p in chunk))
            continue
        if "category" in row.values or "category" in row.printed:
            category = row.values.get("category") or category
        row.values["category"] = category
        table.rows.append(row)
    if not table.rows:
        return None
    return table, end


def _printed_order(roles: list[str | None], years: list[int | None]) -> list[str]:
    """Column roles in printed order. Years stand for 基期值/目标值 when those words are not
    printed (序号 主要指标 2020年 2025年 属性); under them they are only sub-headers."""
    by_year = "baseline" not in roles and "target" not in roles
    order: list[str] = []
    for role, year in zip(roles, years, strict=True):
        if role is None and year and by_year:
            role = "target" if "baseline" in order else "baseline"
        if role and role != "seq" and role not in order:
            order.append(role)
    # An attribute printed before the values would split rows wrongly: only trailing 属性 is read.
    return order if "attribute" not in order or order[-1] == "attribute" else []


def _title_before(ps: list[Paragraph], at: int) -> str:
    for k in range(at - 1, max(-1, at - 4), -1):
        text = clean(ps[k].text)
        if "指标" in text and len(text) <= 40:
            return text
    return ""


def _row_chunks(ps: list[Paragraph], start: int, has_attribute: bool) -> tuple[list[list[Paragraph]], int]:
    """Split the cells after the header into rows: each row ends with its 属性 when the table has
    one, otherwise a row starts at the next 序号."""
    chunks: list[list[Paragraph]] = []
    current: list[Paragraph] = []
    expected = 1
    k = start
    while k < len(ps):
        text = clean(ps[k].text)
        if _ends_table(text) and not current:
            break
        if _ends_table(text):
            break
        if not has_attribute and _SEQ.match(text) and int(text) == expected + 1 and current:
            chunks.append(current)
            current = []
            expected += 1
        current.append(ps[k])
        k += 1
        if has_attribute and attribute_of(text):
            chunks.append(current)
            current = []
            if not _row_follows(ps, k):
                break
    if current and not has_attribute:
        chunks.append(current)
    return chunks, k


def _row_follows(ps: list[Paragraph], k: int) -> bool:
    """Another table row starts at ``k``: an attribute word comes within the next few cells,
    before anything that ends the table."""
    for p in ps[k:k + 10]:
        text = clean(p.text)
        if _ends_table(text):
            return False
        if attribute_of(text):
            return True
    return False


def _ends_table(text: str) -> bool:
    if _is_note(text):
        return True
    if re.match(r"^(第[一二三四五六七八九十百]+[章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])", text):
        return True
    return len(text) > 60


def _line_row(chunk: list[Paragraph], order: list[str], conv: BracketConventions) -> IndicatorRow | None:
    cells = [clean(p.text) for p in chunk]
    seq = ""
    if cells and _SEQ.match(cells[0]):
        seq, cells = cells[0], cells[1:]
    elif cells and not cells[0] and len(cells) > len(order):
        cells = cells[1:]  # an empty 序号 cell: an unnumbered row
    if "attribute" in order:
        if not cells or not attribute_of(cells[-1]):
            return None
    mid_roles = [r for r in order if r not in {"attribute", "category"}]
    tail = cells[:-1] if "attribute" in order else cells
    assigned = _assign(tail, mid_roles)
    if assigned is None:
        return None
    if "attribute" in order:
        assigned["attribute"] = cells[-1]
    row = _make_row(assigned, " | ".join(c or "（空）" for c in ([seq] if seq else []) + cells), chunk[0].where, conv)
    if row is not None:
        row.seq = seq
    return row


def _assign(cells: list[str], roles: list[str]) -> dict[str, str] | None:
    """Cells of one row (without 序号 and 属性) to roles, allowing a leading category cell and
    an empty unit cell that the text does not show."""
    n, m = len(cells), len(roles)
    if n == m + 1:
        return {"category": cells[0], **dict(zip(roles, cells[1:], strict=True))}
    if n == m:
        out = dict(zip(roles, cells, strict=True))
        if "unit" in roles and out["unit"] and not looks_like_unit(out["unit"]) and roles.index("unit") > 0:
            # "类别 | 名称 | 基期 | 目标" with the unit cell left out: the second cell is the name.
            k = roles.index("unit")
            shifted = [r for r in roles if r != "unit"]
            out = {"category": cells[0], **dict(zip(shifted, cells[1:], strict=True)), "unit": ""}
            if k != 1:
                return None
        return out
    if n == m - 1 and "unit" in roles:
        shifted = [r for r in roles if r != "unit"]
        return {**dict(zip(shifted, cells, strict=True)), "unit": ""}
    return None


# ----------------------------------------------------------------------------- one row


def _make_row(by_role: dict[str, str], row_text: str, where: str, conv: BracketConventions) -> IndicatorRow | None:
    printed = {r: clean(by_role.get(r, "")) for r in VALUE_ROLES if r in by_role}
    raw_name = printed.get("name", "")
    if not raw_name or _SEQ.match(raw_name):
        return None
    seq = clean(by_role.get("seq", ""))
    values = {"category": "", **printed}
    doubts: dict[str, str] = {}
    name, unit_in_name = split_unit(raw_name)
    if not printed.get("unit") and unit_in_name:
        values["name"], values["unit"] = name, unit_in_name
    elif not printed.get("unit"):
        values["unit"] = ""
        doubts["unit"] = "规划表中没有写单位"
    for role, label in (("baseline", "基期值"), ("target", "目标值")):
        text = printed.get(role, "")
        parsed = parse_plan_value(text, conv)
        if parsed.error:
            values[role] = ""
            doubts[role] = f"无法识别{label}“{text}”，未填入"
        elif not text:
            doubts[role] = f"规划表中{label}为空"
    attr = printed.get("attribute")
    if attr is not None:
        word = attribute_of(attr)
        values["attribute"] = word or ""
        if not word:
            doubts["attribute"] = f"无法识别属性“{attr}”，未填入" if attr else "规划表中属性为空"
    else:
        values["attribute"] = ""
        doubts["attribute"] = "规划表中没有“属性”列"
    return IndicatorRow(seq, values, printed, row_text, where, doubts)
