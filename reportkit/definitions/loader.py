"""Load plan definitions from a workbook (Chinese headers, English aliases) or YAML.

Both formats go through the same row → model functions, so the same plan written
both ways loads to an equal model. Loading never raises on bad content: problems become
findings (``plan.*`` codes) with the sheet and cell they come from; only an unreadable
file raises :class:`~reportkit.errors.PlanError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PlanError
from ..findings import Finding, Location, Severity, make, register
from . import schema
from .dates import DateError, Resolution, parse_date, parse_due
from .model import (
    PLAN_TYPE_WORDS,
    Aggregation,
    Attribute,
    BaselineSource,
    DataItem,
    EvaluationKind,
    Indicator,
    Kind,
    Plan,
    PlanInfo,
    PlanType,
    Rule,
    Source,
    Task,
    Unit,
    UnitType,
)
from .notation import (
    BracketConventions,
    Direction,
    Notation,
    PlanValue,
    parse_plan_value,
    split_unit,
    usable_number,
)
from .rounds import RoundError, date_round_name, parse_round

register("plan.sheet-missing", Severity.ERROR, "缺少工作表", "规划定义中缺少“{sheet}”工作表",
         "请补充该工作表（可用 reportkit init 生成的模板对照）")
register("plan.header-missing", Severity.ERROR, "缺少表头", "“{sheet}”工作表找不到表头行（需包含“{header}”列）",
         "表头行应位于前 10 行内，列名见模板")
register("plan.column-missing", Severity.ERROR, "缺少必填列", "“{sheet}”工作表缺少必填列“{header}”",
         "请在表头行补充该列")
register("plan.unknown-column", Severity.WARNING, "无法识别的列", "“{sheet}”工作表的列“{header}”无法识别，已忽略",
         "如是必要信息，请改用模板中的列名（见 reportkit init 生成的工作簿）；仅作备注的列可忽略此提示")
register("plan.required", Severity.ERROR, "必填项为空", "{what}的“{header}”不能为空", "请填写该单元格")
register("plan.bad-value", Severity.ERROR, "无法识别的值", "{what}的“{header}”值“{value}”无法识别：{reason}",
         "{expected}")
register("plan.info-missing", Severity.ERROR, "规划信息不全", "规划信息缺少“{header}”",
         "请在“规划信息”工作表中填写“{header}”")

_SPLIT = re.compile(r"[、,，;；/\s]+")


@dataclass
class _Raw:
    """One definition row: field → raw value, with where it came from."""

    values: dict[str, Any]
    source: Source


@dataclass
class _Ctx:
    file: str
    findings: list[Finding] = field(default_factory=list)
    default_year: int | None = None  # the year a date without one (二季度, 年初) falls in

    def add(self, code: str, source: Source | None, fieldname: str = "", **params: Any) -> None:
        loc = Location(file=self.file, sheet=source.sheet if source else None,
                       cell=(source.cell(fieldname) or None) if source and fieldname else None)
        self.findings.append(make(code, loc, **params))


# ---------------------------------------------------------------------------------------
# public API


def load_plan(path: str | Path) -> Plan:
    """Load a plan; raise PlanError if the file is unreadable (content problems are ignored here)."""
    plan, _ = load_plan_with_findings(path)
    return plan


def load_plan_with_findings(path: str | Path) -> tuple[Plan, list[Finding]]:
    p = Path(path)
    if not p.exists():
        raise PlanError(f"找不到规划定义文件：{p}")
    suffix = p.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        sheets = _read_yaml(p)
    elif suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        sheets = _read_workbook(p)
    else:
        raise PlanError(f"不支持的规划定义文件类型：{p.name}（请使用 .xlsx 或 .yaml）")
    return build_plan(sheets, p)


# ---------------------------------------------------------------------------------------
# readers: both produce {sheet key: (sheet title, [rows as _Raw]) or plan mapping}


@dataclass
class _Sheets:
    plan: list[_Raw]  # one _Raw per plan field (key/value rows)
    tables: dict[str, list[_Raw]]
    titles: dict[str, str]
    missing: list[str]
    header_problems: list[tuple[str, str, str]]  # (finding code, sheet title, header)
    unknown_columns: list[tuple[str, str, str]] = field(default_factory=list)  # (sheet, cell, header)


def _read_yaml(p: Path) -> _Sheets:
    import yaml

    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PlanError(f"无法读取 YAML 规划定义 {p.name}：{exc}") from None
    if not isinstance(data, Mapping):
        raise PlanError(f"YAML 规划定义 {p.name} 的顶层应为映射（plan、indicators、units……）")
    top = {_yaml_key(k): v for k, v in data.items()}
    plan_raw: list[_Raw] = []
    unknown: list[tuple[str, str, str]] = []
    pmap = schema.header_map(schema.PLAN_FIELDS)
    plan_section = top.get("plan") or {}
    for k, v in (plan_section.items() if isinstance(plan_section, Mapping) else ()):
        f = pmap.get(schema.norm_header(k))
        if f:
            plan_raw.append(_Raw({f: v}, Source(p.name, "plan", 0, ((f, f"plan.{k}"),))))
        else:
            unknown.append(("plan", f"plan.{k}", str(k)))
    tables: dict[str, list[_Raw]] = {}
    for spec in schema.SHEETS[1:]:
        hmap = schema.header_map(spec.columns)
        rows = []
        for i, entry in enumerate(top.get(spec.key) or [], start=1):
            if not isinstance(entry, Mapping):
                continue
            vals = {hmap[schema.norm_header(k)]: v for k, v in entry.items() if schema.norm_header(k) in hmap}
            unknown.extend((spec.key, f"{spec.key}[{i}].{k}", str(k)) for k in entry
                           if schema.norm_header(k) not in hmap)
            cols = tuple((f, f"{spec.key}[{i}].{f}") for f in vals)
            rows.append(_Raw(vals, Source(p.name, spec.key, 0, cols)))
        tables[spec.key] = rows
    missing = [] if "plan" in top else ["规划信息"]
    titles = {s.key: s.key for s in schema.SHEETS}
    return _Sheets(plan_raw, tables, titles, missing, [], unknown)


def _yaml_key(k: Any) -> str:
    nk = schema.norm_header(k)
    for spec in schema.SHEETS:
        if nk in {schema.norm_header(n) for n in spec.names()}:
            return spec.key
    return str(k)


def _read_workbook(p: Path) -> _Sheets:
    grids = _workbook_grids(p)
    by_norm = {schema.norm_header(n): n for n in grids}
    tables: dict[str, list[_Raw]] = {}
    titles: dict[str, str] = {}
    missing: list[str] = []
    header_problems: list[tuple[str, str, str]] = []
    unknown: list[tuple[str, str, str]] = []
    plan_raw: list[_Raw] = []
    for spec in schema.SHEETS:
        name = next((by_norm[schema.norm_header(n)] for n in spec.names() if schema.norm_header(n) in by_norm), None)
        if name is None:
            if spec.key in {"plan", "indicators", "units"}:
                missing.append(spec.title)
            tables[spec.key] = []
            continue
        titles[spec.key] = name
        grid = grids[name]
        if spec.key == "plan":
            plan_raw = _plan_rows(grid, name, p.name)
        else:
            table = _table_rows(grid, spec, name, p.name)
            tables[spec.key] = table.rows
            header_problems.extend((code, name, header) for code, header in table.problems)
            unknown.extend((name, cell, header) for cell, header in table.unknown)
    return _Sheets(plan_raw, tables, titles, missing, header_problems, unknown)


def _workbook_grids(p: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells, read like a return (bounded in memory and time, whatever the file
    holds); a percent-formatted number reads as the percent typed ("98%", not 0.98)."""
    from ..intake.isolate import IsolationFailed, run_isolated
    from ..intake.sniff import sniff
    from ..intake.workbook import WorkbookReadError, read_workbook

    kind = sniff(p)
    if not kind.readable:
        raise PlanError(f"无法打开规划定义工作簿 {p.name}：文件为空、已损坏、已加密或不是电子表格（{kind.value}）")
    try:
        data = run_isolated(lambda: read_workbook(p, kind, percent_text=True))
    except (WorkbookReadError, IsolationFailed) as exc:
        raise PlanError(f"无法打开规划定义工作簿 {p.name}：{exc}") from None
    return {name: sheet.grid for name, sheet in data.sheets.items()}


def _col_letter(idx: int) -> str:
    s = ""
    idx += 1
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


def _plan_rows(grid: list[list[Any]], sheet: str, file: str) -> list[_Raw]:
    pmap = schema.header_map(schema.PLAN_FIELDS)
    out = []
    for r, row in enumerate(grid, start=1):
        cells = [c for c in row]
        if len(cells) < 2:
            continue
        f = pmap.get(schema.norm_header(cells[0]))
        if f:
            out.append(_Raw({f: cells[1]}, Source(file, sheet, r, ((f, "B"),))))
    return out


@dataclass
class _Table:
    rows: list[_Raw] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (finding code, header)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (cell, header) of columns not understood


def _table_rows(grid: list[list[Any]], spec: schema.SheetSpec, sheet: str, file: str) -> _Table:
    hmap = schema.header_map(spec.columns)
    required = [c for c in spec.columns if c.required]
    header_idx = None
    for i, row in enumerate(grid[:10]):
        hits = [schema.norm_header(c) in hmap for c in row if str(c).strip()]
        if sum(hits) >= 2:
            header_idx = i
            break
    if header_idx is None:
        return _Table(problems=[("plan.header-missing", (required or spec.columns)[0].header)])
    table = _Table()
    colmap: dict[int, str] = {}
    for j, c in enumerate(grid[header_idx]):
        f = hmap.get(schema.norm_header(c))
        if f and f not in colmap.values():
            colmap[j] = f
        elif str(c).strip() and not f:
            table.unknown.append((f"{_col_letter(j)}{header_idx + 1}", str(c).strip()))
    table.problems = [("plan.column-missing", c.header) for c in required if c.field not in colmap.values()]
    cols = tuple((f, _col_letter(j)) for j, f in colmap.items())
    for i in range(header_idx + 1, len(grid)):
        row = grid[i]
        vals = {f: row[j] if j < len(row) else "" for j, f in colmap.items()}
        if _is_blank_or_note(vals):
            continue
        table.rows.append(_Raw(vals, Source(file, sheet, i + 1, cols)))
    return table


_NOTE_PREFIX = ("注", "备注", "说明", "填表说明", "*")


def _is_blank_or_note(vals: Mapping[str, Any]) -> bool:
    texts = [str(v).strip() for v in vals.values() if v is not None and str(v).strip()]
    if not texts:
        return True
    first = str(vals.get("code") or "").strip()
    if first.startswith(_NOTE_PREFIX) and len(texts) == 1:
        return True
    return not first and len(texts) == 1 and texts[0].startswith(_NOTE_PREFIX)


# ---------------------------------------------------------------------------------------
# rows → model


def build_plan(sheets: _Sheets, path: Path) -> tuple[Plan, list[Finding]]:
    ctx = _Ctx(path.name)
    for title in sheets.missing:
        ctx.add("plan.sheet-missing", None, sheet=title)
    for code, title, header in sheets.header_problems:
        ctx.add(code, Source(path.name, title), sheet=title, header=header)
    for title, cell, header in sheets.unknown_columns:
        ctx.findings.append(make("plan.unknown-column", Location(file=path.name, sheet=title, cell=cell),
                                 sheet=title, header=header))
    info = _build_info(sheets.plan, ctx, path)
    ctx.default_year = info.target_year
    units = tuple(u for u in (_build_unit(r, ctx) for r in sheets.tables.get("units", [])) if u)
    resolver = _UnitResolver(units)
    items = tuple(x for x in (_build_item(r, ctx, resolver) for r in sheets.tables.get("items", [])) if x)
    indicators = tuple(
        x for x in (_build_indicator(r, ctx, resolver, info.brackets) for r in sheets.tables.get("indicators", []))
        if x
    )
    tasks = tuple(x for x in (_build_task(r, ctx, resolver) for r in sheets.tables.get("tasks", [])) if x)
    rules = tuple(x for x in (_build_rule(r, ctx) for r in sheets.tables.get("rules", [])) if x)
    plan = Plan(info, indicators, items, units, tasks, rules, path=str(path))
    return plan, ctx.findings


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()[:10]
    return str(v).strip()


def _plan_value_text(v: Any) -> Any:
    """Keep numbers as numbers (so 0.6712 stays exact) and strings as typed."""
    return v if isinstance(v, int | float) and not isinstance(v, bool) else _text(v)


def _what(sheet_title: str, source: Source, code: str) -> str:
    return f"“{sheet_title}”第 {source.row} 行（{code or '无编码'}）" if source.row else f"{sheet_title} {code}"


def _build_info(rows: list[_Raw], ctx: _Ctx, path: Path) -> PlanInfo:
    vals: dict[str, Any] = {}
    srcs: dict[str, Source] = {}
    for r in rows:
        for k, v in r.values.items():
            vals[k] = v
            srcs[k] = r.source
    hdr = {c.field: c.header for c in schema.PLAN_FIELDS}
    plan_type = _plan_type(vals, srcs, ctx)
    # A work plan has one year: no baseline year (the year before is what 逐年提高 is judged
    # against), and its round gives the cut-off.
    optional = {"baseline_year"} | ({"cutoff"} if _text(vals.get("round")) else set()) \
        if plan_type is PlanType.WORK_PLAN else set()
    for c in schema.PLAN_FIELDS:
        if c.required and c.field not in optional and not _text(vals.get(c.field)):
            ctx.add("plan.info-missing", srcs.get(c.field) or Source(path.name, "规划信息"), c.field, header=c.header)

    def num(fieldname: str, default: float, integer: bool = False) -> Any:
        raw = vals.get(fieldname)
        if not _text(raw):
            return default
        try:
            f = float(_text(raw).replace("%", ""))
            if not usable_number(f):
                raise ValueError(f)
            return int(f) if integer else f
        except ValueError:
            ctx.add("plan.bad-value", srcs.get(fieldname), fieldname, what="规划信息", header=hdr[fieldname],
                    value=_text(raw), reason="不是数字", expected="请填写数字")
            return default

    target_year = num("target_year", 2025, True)
    baseline_year = num("baseline_year", target_year - 1 if plan_type is PlanType.WORK_PLAN else 2020, True)
    round_name, round_cutoff = _round(vals, srcs, ctx, target_year)
    cutoff = _date(vals.get("cutoff"), ctx, srcs.get("cutoff"), "评估截止日期") or round_cutoff or dt.date(
        min(target_year, baseline_year + 3), 12, 31)
    if plan_type is PlanType.WORK_PLAN and not round_name:
        round_name = date_round_name(cutoff)
    deadline = _date(vals.get("deadline"), ctx, srcs.get("deadline"), "填报截止日期")
    kind_text = _text(vals.get("evaluation_kind")) or (
        EvaluationKind.ANNUAL if plan_type is PlanType.WORK_PLAN else EvaluationKind.MIDTERM).value
    try:
        ekind = EvaluationKind(kind_text)
    except ValueError:
        ctx.add("plan.bad-value", srcs.get("evaluation_kind"), "evaluation_kind", what="规划信息",
                header="评估类型", value=kind_text, reason="应为 年度监测 / 中期评估 / 总结评估",
                expected="请从 年度监测、中期评估、总结评估 中选择")
        ekind = EvaluationKind.MIDTERM
    partial_text = _text(vals.get("partial_ok")).lower()
    return PlanInfo(
        id=_text(vals.get("id")) or path.stem,
        name=_text(vals.get("name")) or path.stem,
        region=_text(vals.get("region")),
        issuer=_text(vals.get("issuer")),
        lead_agency=_text(vals.get("lead_agency")),
        baseline_year=baseline_year,
        target_year=target_year,
        cutoff=cutoff,
        evaluation_kind=ekind,
        deadline=deadline,
        contact=_text(vals.get("contact")),
        form_version=_text(vals.get("form_version")) or "1",
        tolerance=num("tolerance", 5.0),
        yoy_threshold=num("yoy_threshold", 50.0),
        yoy_min_change=num("yoy_min_change", 3.0),
        partial_ok=partial_text not in schema.NO_WORDS - {""} if partial_text else True,
        brackets=BracketConventions.from_text(_text(vals.get("cumulative_brackets")),
                                              _text(vals.get("new_brackets"))),
        note=_text(vals.get("note")),
        source=Source(path.name, "规划信息"),
        plan_type=plan_type,
        round=round_name,
    )


def _plan_type(vals: dict[str, Any], srcs: dict[str, Source], ctx: _Ctx) -> PlanType:
    text = _text(vals.get("plan_type"))
    if not text:
        return PlanType.PLAN
    found = PLAN_TYPE_WORDS.get(text) or PLAN_TYPE_WORDS.get(text.lower())
    if found is None:
        ctx.add("plan.bad-value", srcs.get("plan_type"), "plan_type", what="规划信息", header="规划类型",
                value=text, reason="应为 规划 / 工作要点", expected="请填写 规划 或 工作要点")
        return PlanType.PLAN
    return found


def _round(vals: dict[str, Any], srcs: dict[str, Source], ctx: _Ctx, year: int) -> tuple[str, dt.date | None]:
    """The 报送期次 (canonical name, cut-off), or ("", None) when not given or unreadable."""
    raw = vals.get("round")
    if not _text(raw):
        return "", None
    try:
        return parse_round(raw if isinstance(raw, dt.date) else _text(raw), year)
    except RoundError as exc:
        ctx.add("plan.bad-value", srcs.get("round"), "round", what="规划信息", header="报送期次",
                value=_text(raw), reason="不是可识别的报送期次", expected=str(exc))
        return "", None


def _date(raw: Any, ctx: _Ctx, source: Source | None, header: str) -> dt.date | None:
    if raw is None or raw == "":
        return None
    try:
        return parse_date(raw)
    except DateError:
        ctx.add("plan.bad-value", source, "cutoff" if header == "评估截止日期" else "deadline", what="规划信息",
                header=header, value=_text(raw), reason="不是日期", expected="请按 2023-12-31 的格式填写日期")
        return None


class _UnitResolver:
    def __init__(self, units: Iterable[Unit]):
        self.units = list(units)
        self.by_key = {}
        for u in self.units:
            self.by_key[u.code] = u.code
            self.by_key[u.name] = u.code

    def one(self, text: str) -> str:
        t = text.strip()
        return self.by_key.get(t, t)

    def many(self, raw: Any, lead: str = "") -> tuple[str, ...]:
        if isinstance(raw, list | tuple):
            tokens = [_text(x) for x in raw]
        else:
            tokens = [t for t in _SPLIT.split(_text(raw)) if t]
        out: list[str] = []
        for t in tokens:
            if t in schema.ALL_DISTRICTS:
                out.extend(u.code for u in self.units if u.type is UnitType.DISTRICT)
            elif t in schema.ALL_DEPARTMENTS:
                out.extend(u.code for u in self.units if u.type is UnitType.DEPARTMENT)
            elif t in schema.LEAD_ONLY:
                if lead:
                    out.append(lead)
            else:
                out.append(self.one(t))
        return tuple(dict.fromkeys(out))


def _vocab(raw: Any, words: Mapping[str, str], r: _Raw, ctx: _Ctx, fieldname: str, sheet: str,
           default: str, expected: str) -> str:
    t = _text(raw)
    if not t:
        return default
    key = schema.norm_header(t)
    for w, v in words.items():
        if schema.norm_header(w) == key:
            return v
    ctx.add("plan.bad-value", r.source, fieldname, what=_what(sheet, r.source, _text(r.values.get("code"))),
            header=_header(fieldname, sheet), value=t, reason="不在可选范围内", expected=f"可填：{expected}")
    return default


def _header(fieldname: str, sheet: str) -> str:
    for spec in schema.SHEETS:
        for c in spec.columns:
            if c.field == fieldname:
                return c.header
    return fieldname


def _number(raw: Any, r: _Raw, ctx: _Ctx, fieldname: str, sheet: str) -> float | None:
    t = _text(raw)
    if not t:
        return None
    try:
        v = float(t.replace(",", "").replace("%", ""))
    except ValueError:
        v = None
    if v is None or not usable_number(v):
        ctx.add("plan.bad-value", r.source, fieldname, what=_what(sheet, r.source, _text(r.values.get("code"))),
                header=_header(fieldname, sheet), value=t, reason="不是数字" if v is None else "超出可处理的数值范围",
                expected="请填写数字或留空")
        return None
    return v


MAX_DECIMALS = 6


def _int(raw: Any, r: _Raw, ctx: _Ctx, fieldname: str, sheet: str, default: int) -> int:
    """A count of decimals: a whole number from 0 to MAX_DECIMALS."""
    v = _number(raw, r, ctx, fieldname, sheet)
    if v is None:
        return default
    if v != int(v) or not 0 <= v <= MAX_DECIMALS:
        ctx.add("plan.bad-value", r.source, fieldname, what=_what(sheet, r.source, _text(r.values.get("code"))),
                header=_header(fieldname, sheet), value=_text(raw), reason="不在可选范围内",
                expected=f"请填写 0 到 {MAX_DECIMALS} 的整数")
        return default
    return int(v)


def _yes(raw: Any) -> bool:
    return _text(raw).lower() in schema.YES_WORDS


def _required(r: _Raw, ctx: _Ctx, sheet: str, *fields: str) -> bool:
    ok = True
    for f in fields:
        if not _text(r.values.get(f)):
            ctx.add("plan.required", r.source, f, what=_what(sheet, r.source, _text(r.values.get("code"))),
                    header=_header(f, sheet))
            ok = False
    return ok


def _build_unit(r: _Raw, ctx: _Ctx) -> Unit | None:
    if not _required(r, ctx, "填报单位", "code", "name"):
        return None
    v = r.values
    utype = _vocab(v.get("type"), schema.UNIT_TYPE_WORDS, r, ctx, "type", "填报单位", "district", "区县 / 部门")
    return Unit(_text(v["code"]), _text(v["name"]), UnitType(utype), _text(v.get("parent")),
                _text(v.get("contact")), source=r.source)


def _build_item(r: _Raw, ctx: _Ctx, units: _UnitResolver) -> DataItem | None:
    if not _required(r, ctx, "数据项", "code", "name"):
        return None
    v = r.values
    name, unit_in_name = split_unit(_text(v["name"]))
    unit = _text(v.get("unit")) or unit_in_name
    agg = _vocab(v.get("aggregation"), schema.AGG_WORDS, r, ctx, "aggregation", "数据项", "sum",
                 "求和 / 平均 / 最大值 / 最小值")
    return DataItem(
        code=_text(v["code"]), name=name if unit == unit_in_name else _text(v["name"]), unit=unit, decimals=_int(v.get("decimals"), r, ctx, "decimals", "数据项", 0), integer=_yes(v.get("integer")),
        lower=_number(v.get("lower"), r, ctx, "lower", "数据项"), upper=_number(v.get("upper"), r, ctx, "upper", "数据项"),
        definition=_text(v.get("definition")), reporters=units.many(v.get("reporters")),
        aggregation=Aggregation(agg), source=r.source,
    )


def _build_indicator(r: _Raw, ctx: _Ctx, units: _UnitResolver, conv: BracketConventions) -> Indicator | None:
    if not _required(r, ctx, "指标", "code", "name"):
        return None
    v = r.values
    raw_name = _text(v["name"])
    name, unit_in_name = split_unit(raw_name)
    unit = _text(v.get("unit"))
    if not unit:
        unit = unit_in_name
    elif unit != unit_in_name:
        name = raw_name  # the brackets are part of the name, not a unit
    baseline = parse_plan_value(_plan_value_text(v.get("baseline")), conv)
    target = parse_plan_value(_plan_value_text(v.get("target")), conv)
    formula = _text(v.get("formula"))
    lead = units.one(_text(v.get("lead_unit"))) if _text(v.get("lead_unit")) else ""
    attribute = _vocab(v.get("attribute"), schema.ATTRIBUTE_WORDS, r, ctx, "attribute", "指标", "预期性",
                       "预期性 / 约束性")
    kind = _vocab(v.get("kind"), schema.KIND_WORDS, r, ctx, "kind", "指标", "", "水平值 / 累计值 / 期间新增 / 比率 / 里程碑")
    agg = _vocab(v.get("aggregation"), schema.AGG_WORDS, r, ctx, "aggregation", "指标", "",
                 "求和 / 公式 / 平均 / 最大值 / 最小值 / 牵头单位填报")
    direction = _vocab(v.get("direction"), schema.DIRECTION_WORDS, r, ctx, "direction", "指标", "",
                       "≥ / ≤ / 持平")
    reporters = units.many(v.get("reporters"), lead)
    resolved_kind = Kind(kind) if kind else _infer_kind(unit, formula, target.notation, baseline.notation, target)
    if agg:
        resolved_agg = Aggregation(agg)
    elif formula:
        resolved_agg = Aggregation.FORMULA
    elif reporters and set(reporters) <= {lead}:
        resolved_agg = Aggregation.LEAD
    else:
        resolved_agg = Aggregation.SUM
    percent = unit in {"%", "％"} or target.percent or baseline.percent
    if not unit and (target.unit or baseline.unit):
        unit = target.unit or baseline.unit  # "6000件以上" with no 单位 column: 件
    source = _vocab(v.get("baseline_source"), schema.BASELINE_SOURCE_WORDS, r, ctx, "baseline_source", "指标",
                    "plan", "规划 / 填报汇总")
    integer_text = _text(v.get("integer"))
    integer = _yes(integer_text) if integer_text else infer_integer(unit, resolved_kind, baseline, target)
    return Indicator(
        code=_text(v["code"]), name=name, unit=unit or ("%" if percent else ""), category=_text(v.get("category")),
        baseline=baseline, target=target, attribute=Attribute(attribute), kind=resolved_kind,
        decimals=_int(v.get("decimals"), r, ctx, "decimals", "指标", 2),
        lower=_number(v.get("lower"), r, ctx, "lower", "指标"), upper=_number(v.get("upper"), r, ctx, "upper", "指标"),
        definition=_text(v.get("definition")), lead_unit=lead, reporters=reporters, aggregation=resolved_agg,
        formula=formula, direction_override=Direction(direction) if direction else None,
        integer=integer, note=_text(v.get("note")), source=r.source,
        baseline_year=_year(v.get("baseline_year"), r, ctx, "baseline_year", target.base_year),
        target_year=_year(v.get("target_year"), r, ctx, "target_year", None),
        due=_text(v.get("due")), baseline_source=BaselineSource(source), parent=_text(v.get("parent")),
    )


def infer_integer(unit: str, kind: Kind, baseline: PlanValue, target: PlanValue) -> bool:
    """A count unit (件, 户) makes an indicator whole-numbered only when the plan's own numbers
    are whole: 每万人口发明专利拥有量 12.5 件 is a ratio, not a count."""
    if kind is Kind.RATE or unit not in schema.COUNT_UNITS:
        return False
    numbers = [x for x in (baseline.value, target.value, target.upper, baseline.upper) if x is not None]
    return all(float(x).is_integer() for x in numbers)


def _year(raw: Any, r: _Raw, ctx: _Ctx, fieldname: str, default: int | None) -> int | None:
    t = _text(raw).removesuffix("年")
    if not t:
        return default
    if re.fullmatch(r"\d{4}", t):
        return int(t)
    ctx.add("plan.bad-value", r.source, fieldname, what=_what("指标", r.source, _text(r.values.get("code"))),
            header=_header(fieldname, "指标"), value=_text(raw), reason="不是年份", expected="请填写四位年份，如 2019")
    return default


def _infer_kind(unit: str, formula: str, tn: Notation, bn: Notation, target: Any) -> Kind:
    if Notation.NEW in (tn, bn):
        return Kind.NEW
    if Notation.CUMULATIVE in (tn, bn):
        return Kind.CUMULATIVE
    if formula or unit in {"%", "％"} or target.percent:
        return Kind.RATE
    return Kind.LEVEL


def _build_task(r: _Raw, ctx: _Ctx, units: _UnitResolver) -> Task | None:
    if not _required(r, ctx, "重点任务", "code", "chapter", "title"):
        return None
    v = r.values
    lead = units.one(_text(v.get("lead_unit"))) if _text(v.get("lead_unit")) else ""
    due_year, due_text = _task_due(v.get("due_year"), r, ctx)
    return Task(
        code=_text(v["code"]), chapter=_text(v["chapter"]), title=_text(v["title"]), section=_text(v.get("section")),
        milestone=_text(v.get("milestone")), due_year=due_year, due=due_text, lead_unit=lead,
        reporters=units.many(v.get("reporters"), lead) or ((lead,) if lead else ()),
        kind=_text(v.get("kind")) or "重点任务", source=r.source,
    )


def _task_due(raw: Any, r: _Raw, ctx: _Ctx) -> tuple[int | None, str]:
    """完成年限 as a year (2023) or finer (2023年二季度, 年初): (year, text when finer)."""
    t = _text(raw)
    if not t:
        return None, ""
    try:
        due = parse_due(raw if isinstance(raw, int | float) else t, ctx.default_year)
    except DateError as exc:
        ctx.add("plan.bad-value", r.source, "due_year", what=_what("重点任务", r.source, _text(r.values.get("code"))),
                header="完成年限", value=t, reason=str(exc), expected="请写成 2023、2023年底前、2023年二季度 或 2023-06-30")
        return None, ""
    return due.date.year, ("" if due.resolution is Resolution.YEAR else t)


def _build_rule(r: _Raw, ctx: _Ctx) -> Rule | None:
    if not _required(r, ctx, "校验规则", "code", "left", "operator", "right"):
        return None
    v = r.values
    sev = _vocab(v.get("severity"), schema.SEVERITY_WORDS, r, ctx, "severity", "校验规则", "error",
                 "强制性 / 核实性 / 提示性")
    op = _text(v["operator"]).replace("≤", "<=").replace("≥", ">=").replace("＝", "=").replace("≠", "!=")
    if op == "=":
        op = "=="
    return Rule(_text(v["code"]), _text(v["left"]), op, _text(v["right"]), sev, _text(v.get("message")),
                source=r.source)
