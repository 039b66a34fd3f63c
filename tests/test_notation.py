import pytest

from reportkit.definitions.notation import (
    BracketConventions,
    Direction,
    Notation,
    parse_plan_value,
    split_unit,
)

F, C, E = Direction.FLOOR, Direction.CEILING, Direction.EXACT
P, CU, N = Notation.PLAIN, Notation.CUMULATIVE, Notation.NEW


@pytest.mark.parametrize(
    "text, value, direction, notation, percent",
    [
        ("〔3.12〕", 3.12, E, CU, False),
        ("[25]", 25.0, E, CU, False),
        ("〈5〉", 5.0, E, N, False),
        ("（5）", 5.0, E, N, False),
        ("(5)", 5.0, E, N, False),
        ("≥99", 99.0, F, P, False),
        (">=99", 99.0, F, P, False),
        ("≥95%", 95.0, F, P, True),
        ("≤2", 2.0, C, P, False),
        ("5.5", 5.5, E, P, False),
        ("0.6712", 0.6712, E, P, False),
        ("—", None, E, P, False),
        ("-", None, E, P, False),
        ("/", None, E, P, False),
        ("", None, E, P, False),
        (None, None, E, P, False),
        ("〈0〉", 0.0, E, N, False),
        ("９８．５", 98.5, E, P, False),
        ("≥ 90", 90.0, F, P, False),
        ("〔≥3〕", 3.0, F, CU, False),
        ("90%以上", 90.0, F, P, True),
        ("控制在10以内", 10.0, C, P, False),
        (11.59, 11.59, E, P, False),
        ("1,234.5", 1234.5, E, P, False),
    ],
)
def test_plan_notation(text, value, direction, notation, percent):
    v = parse_plan_value(text)
    assert v.ok
    assert v.value == value
    assert v.direction is direction
    assert v.notation is notation
    assert v.percent is percent


@pytest.mark.parametrize("text", ["abc", "约5", "≥", "〔x〕", "10-6", "十三五期间", "在“十三五”的基础上翻一番"])
def test_unparseable_values_are_errors_not_exceptions(text):
    v = parse_plan_value(text)
    assert v.value is None
    assert v.error and text in v.error


def test_plan_can_swap_bracket_meanings():
    # A plan whose note says （） is cumulative and [] is new-in-period.
    conv = BracketConventions.from_text("（）", "[]")
    assert parse_plan_value("（5）", conv).notation is Notation.CUMULATIVE
    assert parse_plan_value("[5]", conv).notation is Notation.NEW
    # defaults are kept when the plan leaves the cells empty
    assert BracketConventions.from_text("", None) == BracketConventions()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("全市市场主体数量(万户)", ("全市市场主体数量", "万户")),
        ("每万人口高价值发明专利拥有量(件)", ("每万人口高价值发明专利拥有量", "件")),
        ("食品安全评价性抽检合格率（%）", ("食品安全评价性抽检合格率", "%")),
        ("期末市场主体总量", ("期末市场主体总量", "")),
    ],
)
def test_unit_in_name_is_split(name, expected):
    assert split_unit(name) == expected
