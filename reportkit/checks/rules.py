"""The plan's cross-item rules (合格批次 ≤ 抽检批次), per unit and year."""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable

from ..definitions.formula import Formula, FormulaError, parse_formula
from ..definitions.model import Plan, Rule
from ..definitions.schema import SEVERITY_WORDS
from ..findings import Severity, register
from ..intake.values import format_number as fmt
from .context import CheckContext

register("rule.failed", Severity.ERROR, "审核规则未通过",
         "{year}年不满足审核规则 {rule}：{left}（{left_value}）应{op}{right}（{right_value}）。{message}",
         "请核对并更正相关数据；如认为规则不适用，请与牵头部门联系。")
OP_LABELS = {"<=": "≤", "≤": "≤", "<": "<", ">=": "≥", "≥": "≥", ">": ">", "==": "=", "=": "=", "!=": "≠", "≠": "≠"}

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, "≤": operator.le, "<": operator.lt, ">=": operator.ge, "≥": operator.ge,
    ">": operator.gt, "==": operator.eq, "=": operator.eq, "!=": operator.ne, "≠": operator.ne,
}
_TOLERANCE = 1e-9


def check_rules(ctx: CheckContext) -> None:
    if not ctx.plan.rules:
        return  # nothing to check: the values are not indexed for rules that do not exist
    values = _values_by_year(ctx)
    cells = {(o.code, o.year): o.cell for o in ctx.observations}
    for rule in ctx.plan.rules:
        parsed = _parse(rule)
        if parsed is None:
            continue
        left, right, op = parsed
        codes = [_code(ctx.plan, n) for n in (*left.names, *right.names)]
        if not any(c in ctx.specs for c in codes):
            continue
        for year, by_name in sorted(values.items()):
            _apply(ctx, rule, left, right, op, year, by_name, cells, codes)


def _parse(rule: Rule) -> tuple[Formula, Formula, Callable[[float, float], bool]] | None:
    op = OPERATORS.get(rule.operator.strip())
    try:
        return (parse_formula(rule.left), parse_formula(rule.right), op) if op else None
    except FormulaError:
        return None  # `reportkit plan check` reports broken rules


def _code(plan: Plan, name: str) -> str:
    x = plan.indicator(name) or plan.item(name)
    if x is not None:
        return x.code
    return next((i.code for i in plan.indicators if i.name == name), name)


def _values_by_year(ctx: CheckContext) -> dict[int, dict[str, float | None]]:
    out: dict[int, dict[str, float | None]] = defaultdict(dict)
    for o in ctx.observations:
        out[o.year][o.code] = o.value
        x = ctx.plan.indicator(o.code) or ctx.plan.item(o.code)
        if x is not None:
            out[o.year][x.name] = o.value
    return out


def _apply(ctx: CheckContext, rule: Rule, left: Formula, right: Formula,
           op: Callable[[float, float], bool], year: int, by_name: dict[str, float | None],
           cells: dict[tuple[str, int], str], codes: list[str]) -> None:
    a, b = left.evaluate(by_name), right.evaluate(by_name)
    if a is None or b is None or _holds(op, a, b):
        return
    first = next((c for c in codes if (c, year) in cells), codes[0])
    severity = Severity(SEVERITY_WORDS.get(str(rule.severity).strip(), "error"))
    ctx.add("rule.failed", ctx.cell_loc(cells.get((first, year), ""), first, year), severity=severity,
            value=f"{fmt(a)} {rule.operator} {fmt(b)}", rule=rule.code, op=f" {OP_LABELS[rule.operator.strip()]} ",
            year=year, left=_label(ctx.plan, left), right=_label(ctx.plan, right), left_value=fmt(a),
            right_value=fmt(b),
            message=rule.message)


def _label(plan: Plan, formula: Formula) -> str:
    """The expression with codes shown as names: ``D04`` → ``食品评价性抽检合格批次``."""
    if len(formula.names) == 1 and formula.text.strip() in formula.names:
        x = plan.indicator(formula.text.strip()) or plan.item(formula.text.strip())
        return x.name if x else formula.text
    return formula.text


def _holds(op: Callable[[float, float], bool], a: float, b: float) -> bool:
    if op(a, b):
        return True
    # tolerate float noise on equality-type comparisons
    return abs(a - b) <= _TOLERANCE * max(1.0, abs(a), abs(b)) and op in (operator.le, operator.ge, operator.eq)
