import pytest

from reportkit.definitions.formula import FormulaError, find_cycle, parse_formula


def test_rate_formula_over_items():
    f = parse_formula("合格批次 / 抽检批次 * 100")
    assert f.names == ("合格批次", "抽检批次")
    assert f.evaluate({"合格批次": 985, "抽检批次": 1000}) == pytest.approx(98.5)


def test_per_capita_formula_with_chinese_operators_and_quoted_names():
    f = parse_formula("「高价值 发明专利数」 ÷ 常住人口 × 10000")
    assert f.names == ("高价值 发明专利数", "常住人口")
    assert f.evaluate({"高价值 发明专利数": 250, "常住人口": 1_000_000}) == pytest.approx(2.5)


def test_missing_item_or_zero_denominator_gives_none():
    f = parse_formula("a / b")
    assert f.evaluate({"a": 1}) is None
    assert f.evaluate({"a": 1, "b": 0}) is None


@pytest.mark.parametrize(
    "text",
    ['__import__("os").system("echo hi")', "a ** 2", "a +", "open(1)", "a.b", "[a]", "a if b else c", "", "a < b"],
)
def test_refusals(text):
    with pytest.raises(FormulaError):
        parse_formula(text)


def test_cycle_detection():
    assert find_cycle({"A": ("B",), "B": ("C",), "C": ("A",)}) == ["A", "B", "C", "A"]
    assert find_cycle({"A": ("B",), "B": ()}) is None
    assert find_cycle({"A": ("A",)}) == ["A", "A"]


def test_a_compiled_formula_computes_what_evaluate_computes():
    f = parse_formula("-(a - b) / c * 100 + +d - 2")
    compiled = f.compiled()
    for values, expected in [({"a": 1, "b": 3, "c": 4, "d": 1.5}, 49.5), ({"a": 1, "b": 3, "c": 0, "d": 1}, None),
                             ({"a": 1, "b": 3, "c": 4}, None), ({"a": 2, "b": 2, "c": 1, "d": -1}, -3.0)]:
        assert compiled(values) == f.evaluate(values) == (pytest.approx(expected) if expected is not None else None)
    assert parse_formula("a").compiled()({"a": 7}) == 7.0 and isinstance(parse_formula("a").compiled()({"a": 7}), float)
