"""``reportkit plan check``: lint a plan and report every problem at once.

Each check is a small function returning findings; :func:`check_plan` runs them all.
Loading problems (unreadable cells, missing sheets) come from the loader; these are the
semantic checks on the loaded model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PlanError
from ..findings import Finding, Location, Severity, count_by_severity, make, register
from .dates import DateError, parse_due
from .formula import FormulaError, find_cycle, parse_formula
from .loader import load_plan_with_findings
from .model import Aggregation, BaselineSource, DataItem, Indicator, Kind, Plan, Rule, Source, Task, Unit
from .notation import Direction, Notation, normalise
from .schema import PLAN_FIELDS

register("plan.duplicate-code", Severity.ERROR, "编码重复", "编码“{code}”在{what}中重复出现（另见第 {other} 行）",
         "每个指标、数据项、单位、任务的编码必须唯一")
register("plan.bad-baseline", Severity.ERROR, "基期值无法识别", "指标 {code}“{name}”的基期值“{value}”无法识别",
         "按规划原文填写，如 11.59、〔1.89〕、≥95%，无基期值写“—”")
register("plan.bad-target", Severity.ERROR, "目标值无法识别", "指标 {code}“{name}”的目标值无法识别：{reason}",
         "改写成可识别的形式（如 ≥95%、6000件以上、稳定在85%以上、翻一番、年均增长7%、6-10）；"
         "规划确无数值目标的，目标值写“—”，在备注中照录原文")
register("plan.no-target", Severity.WARNING, "缺少目标值", "指标 {code}“{name}”没有目标值，只能报告数值、无法评估进度",
         "如规划确无量化目标，可在备注中说明；里程碑类指标请把类型填为“里程碑”")
register("plan.floor-below-baseline", Severity.INFO, "基期已达到下限目标",
         "指标 {code}“{name}”的目标“{target}”是下限（≥），基期值 {baseline} 已达到，将按各年是否保持达标评估",
         "如指标实际是越小越好，请把目标写成“≤”")
register("plan.ceiling-above-baseline", Severity.INFO, "基期已达到上限目标",
         "指标 {code}“{name}”的目标“{target}”是上限（≤），基期值 {baseline} 已在上限以内，将按各年是否保持在上限以内评估",
         "如指标实际是越大越好，请把目标写成“≥”")
register("plan.value-unit", Severity.WARNING, "数值中的单位与单位列不一致",
         "指标 {code}“{name}”的{what}“{value}”带有单位“{inner}”，与单位列“{unit}”不一致",
         "把单位列改为“{inner}”，或把{what}中的单位去掉、按单位列换算")
register("plan.kind-notation", Severity.ERROR, "类型与目标写法矛盾",
         "指标 {code}“{name}”的类型为“{kind}”，但{what}“{value}”是{notation}，汇总时会重复计算或漏算",
         "{fix}")
register("plan.integer-numbers", Severity.WARNING, "整数标记与规划数值矛盾",
         "指标 {code}“{name}”标为只能填整数，但规划数值 {value} 不是整数（每万人口、每千人等比率不是件数）",
         "把“整数”列改为“否”")
register("plan.base-year-conflict", Severity.ERROR, "基期年与目标写法矛盾",
         "指标 {code}“{name}”的目标“{value}”以 {text_year} 年为基础，但“基期年”填的是 {year}",
         "把“基期年”改为 {text_year}，基期值填 {text_year} 年的数值")
register("plan.relative-no-baseline", Severity.WARNING, "相对目标缺少基期值",
         "指标 {code}“{name}”的目标“{value}”是相对基期的目标，但规划没有基期值，评估时无法换算成数值",
         "填写基期值，或把“基期值来源”填为“填报汇总”，用各单位填报的 {year} 年数据汇总作基期值")
register("plan.bad-due", Severity.ERROR, "完成时限无法识别", "指标 {code}“{name}”的完成时限无法识别：{reason}",
         "写成 2023年底前、2023年二季度、2023年6月、2023-06-30 或 2023")
register("plan.unknown-parent-indicator", Severity.ERROR, "上级指标不存在",
         "指标 {code}“{name}”的上级指标“{parent}”不在“指标”表中", "填写所属指标的编码，或留空")
register("plan.own-years", Severity.ERROR, "指标年份有误",
         "指标 {code}“{name}”的基期年 {baseline} 不早于目标年 {target}，或评估截止日期早于其基期年末",
         "核对该指标的“基期年”“目标年”")
register("plan.rate-bounds", Severity.ERROR, "百分比界限超出 0–100",
         "指标 {code}“{name}”单位为 %，但合理范围 {lower}–{upper} 超出 0–100",
         "百分比指标的合理下限、上限应在 0 到 100 之间")
register("plan.bounds-inverted", Severity.ERROR, "合理下限大于上限", "{code}“{name}”的合理下限 {lower} 大于上限 {upper}",
         "交换或更正下限、上限")
register("plan.bad-formula", Severity.ERROR, "公式无法解析", "指标 {code}“{name}”的计算公式有误：{reason}",
         "公式只能使用数据项名称或编码、数字、+ - * / 和括号，如 合格批次 / 抽检批次 * 100")
register("plan.formula-unknown-item", Severity.ERROR, "公式引用了不存在的数据项",
         "指标 {code}“{name}”的公式引用了“{item}”，但“数据项”表中没有这个数据项",
         "在“数据项”表中添加“{item}”，或改正公式中的名称")
register("plan.formula-not-item", Severity.ERROR, "公式引用了指标",
         "指标 {code}“{name}”的公式引用了指标“{item}”；公式只能引用数据项，各单位填报数据项后再汇总计算",
         "把“{item}”的组成数据项列入“数据项”表，并在公式中引用它们")
register("plan.formula-cycle", Severity.ERROR, "公式循环引用", "指标公式之间存在循环引用：{cycle}",
         "检查这些指标的计算公式，去掉循环")
register("plan.unknown-unit", Severity.ERROR, "单位不存在", "{what}引用的单位“{unit}”不在“填报单位”表中",
         "在“填报单位”表中添加该单位，或改用已有单位的编码或名称")
register("plan.no-reporter", Severity.ERROR, "没有填报单位", "指标 {code}“{name}”没有任何单位填报",
         "填写“填报单位”（如“全部区县”），或填写牵头单位并把汇总方式设为“牵头单位填报”")
register("plan.item-no-reporter", Severity.ERROR, "数据项没有填报单位", "数据项 {code}“{name}”没有任何单位填报",
         "在“填报单位”列填写单位编码或名称（如“全部区县”）")
register("plan.lead-without-lead", Severity.ERROR, "缺少牵头单位",
         "指标 {code}“{name}”的汇总方式为“牵头单位填报”，但没有填写牵头单位", "填写牵头单位")
register("plan.years", Severity.ERROR, "规划期有误", "规划的基期年 {baseline} 不早于目标年 {target}", "检查基期年与目标年")
register("plan.cutoff", Severity.ERROR, "评估截止日期超出规划期",
         "评估截止日期 {cutoff} 不在规划期 {baseline}–{target} 年内", "检查评估截止日期")
register("plan.unknown-parent", Severity.WARNING, "上级单位不存在", "单位 {code}“{name}”的上级单位“{parent}”不在“填报单位”表中",
         "填写已有单位的编码或名称，或留空")
register("plan.rule-bad", Severity.ERROR, "校验规则有误", "校验规则 {code} 的{side}“{expr}”有误：{reason}",
         "规则两边只能使用数据项或指标的编码/名称、数字、+ - * / 和括号")
register("plan.rule-operator", Severity.ERROR, "校验规则运算符有误", "校验规则 {code} 的运算符“{op}”无法识别",
         "可用 <= < >= > == !=")
register("plan.no-indicators", Severity.ERROR, "没有指标", "规划定义中没有任何指标", "在“指标”工作表中填写指标")
register("plan.placeholder", Severity.WARNING, "仍是模板中的示例内容",
         "{what}仍是模板中的示例内容：{values}",
         "把“××”等示例内容改为本地规划的实际名称、单位和指标，再生成填报表")

PLACEHOLDER = "××"  # what the template plan (reportkit init) writes where a place or office is named

RULE_OPERATORS = ("<=", "<", ">=", ">", "==", "!=")


def lint_plan(path: str | Path) -> tuple[Plan, list[Finding]]:
    """Load and check a plan; return the plan and every finding (loading and semantic)."""
    plan, findings = load_plan_with_findings(path)
    return plan, findings + check_plan(plan)


@dataclass(frozen=True)
class PlanCheck:
    """What ``reportkit plan check`` reports: the plan file's findings, errors first."""

    plan: Plan
    path: Path
    findings: tuple[Finding, ...]

    @property
    def counts(self) -> dict[str, int]:
        return count_by_severity(list(self.findings))

    @property
    def has_errors(self) -> bool:
        return self.counts["error"] > 0

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan.info.name, "path": str(self.path), "counts": self.counts,
                "findings": [f.to_dict() for f in self.findings]}


def check_plan_file(path: str | Path) -> PlanCheck:
    """Load and check the plan at ``path``: every finding, sorted for reading."""
    plan, findings = lint_plan(path)
    return PlanCheck(plan, Path(path), tuple(sort_findings(findings)))


SHOWN_ERRORS = 10


def require_clean_plan(path: str | Path, stopped: str) -> tuple[Plan, list[Finding]]:
    """The plan and its findings, or :class:`PlanError` listing its errors: ``stopped`` says
    what does not happen (``不能生成填报表``)."""
    plan, findings = lint_plan(path)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        lines = [f"  - {f.location.describe() or '规划定义'}：{f.message}" for f in errors[:SHOWN_ERRORS]]
        more = f"\n  ……另有 {len(errors) - SHOWN_ERRORS} 个错误" if len(errors) > SHOWN_ERRORS else ""
        raise PlanError(f"规划定义有 {len(errors)} 个错误，{stopped}。"
                        "请先修改规划定义（可运行 reportkit plan check 查看全部问题）：\n" + "\n".join(lines) + more)
    return plan, findings


def check_plan(plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    for check in CHECKS:
        out.extend(check(plan))
    return out


def _loc(source: Source, fieldname: str = "", **extra: object) -> Location:
    return Location(file=source.file or None, sheet=source.sheet or None,
                    cell=(source.cell(fieldname) or None) if fieldname else None, **extra)  # type: ignore[arg-type]


def _check_frame(plan: Plan) -> Iterator[Finding]:
    i = plan.info
    if i.baseline_year >= i.target_year:
        yield make("plan.years", _loc(i.source), baseline=i.baseline_year, target=i.target_year)
    elif not (i.baseline_year < i.cutoff.year <= i.target_year):
        yield make("plan.cutoff", _loc(i.source), cutoff=i.cutoff.isoformat(), baseline=i.baseline_year,
                   target=i.target_year)
    if not plan.indicators:
        yield make("plan.no-indicators", _loc(i.source))


def _check_duplicates(plan: Plan) -> Iterator[Finding]:
    groups: tuple[tuple[str, tuple[Indicator | DataItem | Unit | Task | Rule, ...]], ...] = (
        ("指标和数据项", (*plan.indicators, *plan.items)), ("填报单位", plan.units), ("重点任务", plan.tasks),
        ("校验规则", plan.rules))
    for what, rows in groups:
        first: dict[str, Source] = {}
        for row in rows:
            src: Source = row.source
            if row.code in first:
                yield make("plan.duplicate-code", _loc(src, "code", indicator=row.code), code=row.code, what=what,
                           other=first[row.code].row or "?")
            else:
                first[row.code] = src


def _check_values(plan: Plan) -> Iterator[Finding]:
    for ind in plan.indicators:
        loc_b = _loc(ind.source, "baseline", indicator=ind.code)
        loc_t = _loc(ind.source, "target", indicator=ind.code)
        if ind.baseline.error:
            yield make("plan.bad-baseline", loc_b, code=ind.code, name=ind.name, value=ind.baseline.text)
        if ind.target.error:
            yield make("plan.bad-target", loc_t, code=ind.code, name=ind.name, value=ind.target.text,
                       reason=ind.target.error)
        elif ind.target.is_blank and ind.kind is not Kind.MILESTONE:
            yield make("plan.no-target", loc_t, code=ind.code, name=ind.name)
        yield from _check_direction(ind, loc_t)
        yield from _check_written_forms(plan, ind)


def _check_written_forms(plan: Plan, ind: Indicator) -> Iterator[Finding]:
    """What the printed forms imply against the other columns: units inside values, 〈〉 against
    the kind, the integer flag against the plan's numbers, 在2019年基础上 against 基期年."""
    named: dict[str, Any] = {"code": ind.code, "name": ind.name}
    for fieldname, what, pv in (("baseline", "基期值", ind.baseline), ("target", "目标值", ind.target)):
        loc = _loc(ind.source, fieldname, indicator=ind.code)
        if pv.unit and ind.unit and _unit_key(pv.unit) != _unit_key(ind.unit):
            yield make("plan.value-unit", loc, what=what, value=pv.text, inner=pv.unit, unit=ind.unit, **named)
        if ind.kind is Kind.CUMULATIVE and pv.notation is Notation.NEW:
            yield make("plan.kind-notation", loc, kind=ind.kind.label, what=what, value=pv.text,
                       notation="规划期新增数（〈〉），按年相加", fix="把类型改为“期间新增”，或按规划备注核对括号含义", **named)
        if ind.kind is Kind.NEW and pv.notation is Notation.CUMULATIVE:
            yield make("plan.kind-notation", loc, kind=ind.kind.label, what=what, value=pv.text,
                       notation="累计数（〔〕），取年末数", fix="把类型改为“累计值”，或按规划备注核对括号含义", **named)
    numbers = [x for x in (ind.baseline.value, ind.target.value, ind.target.upper) if x is not None]
    odd = [x for x in numbers if not float(x).is_integer()]
    if ind.integer and odd:
        yield make("plan.integer-numbers", _loc(ind.source, "integer", indicator=ind.code),
                   value=_fmt(odd[0]), **named)
    text_year = ind.target.base_year
    if text_year and plan.base_year(ind) != text_year:
        yield make("plan.base-year-conflict", _loc(ind.source, "baseline_year", indicator=ind.code),
                   value=ind.target.text, text_year=text_year, year=plan.base_year(ind), **named)
    if ind.target.relative.value and ind.baseline.value is None and ind.baseline_source is BaselineSource.PLAN:
        yield make("plan.relative-no-baseline", _loc(ind.source, "baseline_source", indicator=ind.code),
                   value=ind.target.text, year=plan.base_year(ind), **named)
    if ind.due:
        try:
            parse_due(ind.due, plan.goal_year(ind))
        except DateError as exc:
            yield make("plan.bad-due", _loc(ind.source, "due", indicator=ind.code), reason=str(exc), **named)
    if ind.parent and (plan.indicator(ind.parent) is None or ind.parent == ind.code):
        yield make("plan.unknown-parent-indicator", _loc(ind.source, "parent", indicator=ind.code),
                   parent=ind.parent, **named)
    base, goal = plan.base_year(ind), plan.goal_year(ind)
    if (ind.baseline_year or ind.target_year) and (base >= goal or plan.info.cutoff.year <= base):
        yield make("plan.own-years", _loc(ind.source, "baseline_year", indicator=ind.code), baseline=base,
                   target=goal, **named)


def _unit_key(unit: str) -> str:
    return normalise(unit).replace("²", "2").lower()


def _check_direction(ind: Indicator, loc: Location) -> Iterator[Finding]:
    b, t = ind.baseline.value, ind.target.value
    if b is None or t is None or ind.kind is Kind.NEW or ind.notation is Notation.NEW:
        return
    if ind.target.direction is Direction.FLOOR and t < b:
        yield make("plan.floor-below-baseline", loc, code=ind.code, name=ind.name, target=ind.target.text,
                   baseline=ind.baseline.text)
    if ind.target.direction is Direction.CEILING and t > b:
        yield make("plan.ceiling-above-baseline", loc, code=ind.code, name=ind.name, target=ind.target.text,
                   baseline=ind.baseline.text)


def _check_bounds(plan: Plan) -> Iterator[Finding]:
    rows: tuple[Indicator | DataItem, ...] = (*plan.indicators, *plan.items)
    for row in rows:
        lo, hi = row.lower, row.upper
        if lo is not None and hi is not None and lo > hi:
            yield make("plan.bounds-inverted", _loc(row.source, "lower", indicator=row.code), code=row.code,
                       name=row.name, lower=lo, upper=hi)
        percent = row.unit.strip() in {"%", "％"}
        if percent and ((lo is not None and lo < 0) or (hi is not None and hi > 100)):
            yield make("plan.rate-bounds", _loc(row.source, "upper", indicator=row.code), code=row.code,
                       name=row.name, lower=_fmt(lo), upper=_fmt(hi))


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return str(int(v)) if v == int(v) else str(v)


def _check_formulas(plan: Plan) -> Iterator[Finding]:
    indicator_names = {i.code: i.code for i in plan.indicators} | {i.name: i.code for i in plan.indicators}
    graph: dict[str, tuple[str, ...]] = {}
    for ind in plan.indicators:
        if not ind.formula:
            continue
        loc = _loc(ind.source, "formula", indicator=ind.code)
        try:
            f = parse_formula(ind.formula)
        except FormulaError as exc:
            yield make("plan.bad-formula", loc, code=ind.code, name=ind.name, reason=str(exc))
            continue
        refs = []
        for name in f.names:
            if plan.item(name):
                continue
            if name in indicator_names:
                refs.append(indicator_names[name])
                continue
            yield make("plan.formula-unknown-item", loc, code=ind.code, name=ind.name, item=name)
        graph[ind.code] = tuple(refs)
    cycle = find_cycle(graph)
    in_cycle = set(cycle or ())
    if cycle:
        first = plan.indicator(cycle[0])
        yield make("plan.formula-cycle", _loc(first.source, "formula", indicator=first.code) if first else None,
                   cycle=" → ".join(cycle))
    for code, deps in graph.items():
        owner = plan.indicator(code)
        for ref in deps:
            if owner and code not in in_cycle:
                yield make("plan.formula-not-item", _loc(owner.source, "formula", indicator=code), code=code,
                           name=owner.name, item=ref)


def _check_units(plan: Plan) -> Iterator[Finding]:
    def unknown(codes: tuple[str, ...], what: str, source: Source, fieldname: str, code: str) -> Iterator[Finding]:
        for c in codes:
            if c and plan.unit(c) is None:
                yield make("plan.unknown-unit", _loc(source, fieldname, indicator=code), what=what, unit=c)

    for ind in plan.indicators:
        what = f"指标 {ind.code}“{ind.name}”"
        yield from unknown((ind.lead_unit,), what, ind.source, "lead_unit", ind.code)
        yield from unknown(ind.reporters, what, ind.source, "reporters", ind.code)
    for it in plan.items:
        yield from unknown(it.reporters, f"数据项 {it.code}“{it.name}”", it.source, "reporters", it.code)
    for t in plan.tasks:
        what = f"任务 {t.code}“{t.title}”"
        yield from unknown((t.lead_unit,), what, t.source, "lead_unit", t.code)
        yield from unknown(tuple(c for c in t.reporters if c != t.lead_unit), what, t.source, "reporters", t.code)
    for u in plan.units:
        if u.parent and plan.unit(u.parent) is None and u.parent not in {plan.info.lead_agency, plan.info.region}:
            yield make("plan.unknown-parent", _loc(u.source, "parent"), code=u.code, name=u.name, parent=u.parent)


def _check_reporters(plan: Plan) -> Iterator[Finding]:
    for ind in plan.indicators:
        if ind.computed:
            continue
        if ind.aggregation is Aggregation.LEAD and not ind.lead_unit:
            yield make("plan.lead-without-lead", _loc(ind.source, "lead_unit", indicator=ind.code), code=ind.code,
                       name=ind.name)
        elif not plan.indicator_reporters(ind):
            yield make("plan.no-reporter", _loc(ind.source, "reporters", indicator=ind.code), code=ind.code,
                       name=ind.name)
    for it in plan.items:
        if not it.reporters:
            yield make("plan.item-no-reporter", _loc(it.source, "reporters", indicator=it.code), code=it.code,
                       name=it.name)


def _check_rules(plan: Plan) -> Iterator[Finding]:
    rows: tuple[Indicator | DataItem, ...] = (*plan.items, *plan.indicators)
    known = {x.code for x in rows} | {x.name for x in rows}
    for rule in plan.rules:
        if rule.operator not in RULE_OPERATORS:
            yield make("plan.rule-operator", _loc(rule.source, "operator"), code=rule.code, op=rule.operator)
        for side, fieldname, expr in (("左式", "left", rule.left), ("右式", "right", rule.right)):
            try:
                f = parse_formula(expr)
            except FormulaError as exc:
                yield make("plan.rule-bad", _loc(rule.source, fieldname), code=rule.code, side=side, expr=expr,
                           reason=str(exc))
                continue
            for name in f.names:
                if name not in known:
                    yield make("plan.rule-bad", _loc(rule.source, fieldname), code=rule.code, side=side, expr=expr,
                               reason=f"“{name}”不是已定义的数据项或指标")


def _check_placeholders(plan: Plan) -> Iterator[Finding]:
    """An unedited template plan: the ××市 names ``reportkit init`` writes are still there."""
    info = plan.info
    fields = [f"{c.header}“{getattr(info, c.field)}”" for c in PLAN_FIELDS
              if isinstance(getattr(info, c.field, None), str) and PLACEHOLDER in getattr(info, c.field)]
    if fields:
        yield make("plan.placeholder", _loc(info.source), what="规划信息", values="、".join(fields))
    rows = [("填报单位", u.code, u.name, u.source) for u in plan.units]
    values: tuple[Indicator | DataItem, ...] = (*plan.indicators, *plan.items)
    rows += [("指标", i.code, i.name, i.source) for i in values]
    rows += [("重点任务", t.code, t.title, t.source) for t in plan.tasks]
    for what, code, name, source in rows:
        if PLACEHOLDER in name:
            yield make("plan.placeholder", _loc(source, "name", indicator=code), what=f"{what} {code} 的名称",
                       values=f"“{name}”")


CHECKS: tuple[Callable[[Plan], Iterator[Finding]], ...] = (
    _check_frame, _check_duplicates, _check_values, _check_bounds, _check_formulas, _check_units,
    _check_reporters, _check_rules, _check_placeholders,
)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity.rank, f.location.sheet or "", f.location.cell or ""))


__all__ = ["check_plan", "lint_plan", "sort_findings", "Severity"]
