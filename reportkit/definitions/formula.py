"""Safe arithmetic formulas over data items: ``合格批次 / 抽检批次 * 100``.

Parsed with Python's ``ast`` in ``eval`` mode and walked by hand: only numbers, item
names (any identifier, CJK included, or a 「name」/`name` quoted name), + - * / and
parentheses are allowed. Nothing is ever evaluated by Python itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_QUOTED = re.compile(r"「([^」]+)」|`([^`]+)`|\{([^{}]+)\}")
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """The formula text is not a valid arithmetic expression over item names."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    names: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...]  # placeholder -> real name for quoted names

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """Compute with the given item values; ``None`` if an item is missing or a division by zero."""
        return self.compiled()(values)

    def compiled(self) -> Evaluator:
        """:meth:`evaluate` as a function, the tree walked once: for evaluating one formula over
        many units and years."""
        return _compile(self.tree, dict(self.aliases))


def parse_formula(text: str) -> Formula:
    if not text or not str(text).strip():
        raise FormulaError("公式为空")
    src = str(text).strip()
    src = (src.replace("×", "*").replace("÷", "/").replace("（", "(").replace("）", ")")
           .replace("＋", "+").replace("－", "-").replace("＊", "*").replace("／", "/"))
    aliases: list[tuple[str, str]] = []

    def repl(m: re.Match[str]) -> str:
        name = next(g for g in m.groups() if g)
        placeholder = f"_q{len(aliases)}_"
        aliases.append((placeholder, name.strip()))
        return placeholder

    src = _QUOTED.sub(repl, src)
    try:
        tree = ast.parse(src, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"公式“{text}”无法解析（第 {exc.offset or 0} 个字符附近）") from None
    names: list[str] = []
    real = dict(aliases)
    _check(tree, text, names, real)
    return Formula(str(text).strip(), tree, tuple(dict.fromkeys(names)), tuple(aliases))


def _check(node: ast.AST, text: str, names: list[str], real: dict[str, str]) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        _check(node.left, text, names, real)
        _check(node.right, text, names, real)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, text, names, real)
    elif isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return
    elif isinstance(node, ast.Name):
        names.append(real.get(node.id, node.id))
    else:
        raise FormulaError(f"公式“{text}”含不允许的内容（只允许数据项名称、数字、+ - * / 和括号）")


Evaluator = Callable[[Mapping[str, float | None]], float | None]


def _compile(node: ast.expr, real: dict[str, str]) -> Evaluator:
    """The function computing ``node`` from item values: ``None`` when a value it needs is
    missing or a divisor is zero."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            return lambda values: number

        def not_a_number(values: Mapping[str, float | None]) -> float | None:
            raise FormulaError(f"公式中的常量“{value!r}”不是数字")
        return not_a_number
    if isinstance(node, ast.Name):
        key = real.get(node.id, node.id)

        def name(values: Mapping[str, float | None]) -> float | None:
            v = values.get(key)
            return None if v is None else float(v)
        return name
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand, real)
        if not isinstance(node.op, ast.USub):
            return operand

        def negative(values: Mapping[str, float | None]) -> float | None:
            v = operand(values)
            return None if v is None else -v
        return negative
    assert isinstance(node, ast.BinOp)
    left, right = _compile(node.left, real), _compile(node.right, real)
    op = type(node.op)

    def binary(values: Mapping[str, float | None]) -> float | None:
        a, b = left(values), right(values)
        if a is None or b is None:
            return None
        if op is ast.Add:
            return a + b
        if op is ast.Sub:
            return a - b
        if op is ast.Mult:
            return a * b
        if b == 0:
            return None
        return a / b
    return binary


def find_cycle(graph: Mapping[str, tuple[str, ...]]) -> list[str] | None:
    """Return one dependency cycle (as a list of names, first repeated last) or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in graph.get(n, ()):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m in graph and state.get(m) is None:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for node in graph:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None
