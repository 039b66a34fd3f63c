"""Reading one input cell as typed: what the parser sees, never an exception."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportkit.intake.values import ValueKind, parse_input, same_unit


@pytest.mark.parametrize(("raw", "value", "flag"), [
    (98.5, 98.5, None),
    (3.0, 3.0, None),
    ("98.5", 98.5, "as_text"),
    ("  98.5 ", 98.5, "spaces"),
    ("９８．５", 98.5, "fullwidth"),
    ("1,234,567.5", 1234567.5, "thousands"),
    ("98%", 98.0, "percent_sign"),
    ("98.5％", 98.5, "percent_sign"),
    ("-3.5", -3.5, "as_text"),
])
def test_numbers(raw: object, value: float, flag: str | None) -> None:
    p = parse_input(raw)
    assert p.kind is ValueKind.NUMBER
    assert p.value == pytest.approx(value)
    if flag:
        assert getattr(p, flag) is True


def test_unit_after_number() -> None:
    p = parse_input("3.2万户")
    assert (p.kind, p.value, p.unit) == (ValueKind.NUMBER, 3.2, "万户")
    assert same_unit("万户", "万户") and same_unit("万", "万户")
    assert not same_unit("户", "万户") and not same_unit("个", "万户")


@pytest.mark.parametrize("raw", ["—", "——", "/", "无", "不适用", " - ", "／", "暂无"])
def test_no_data_marks(raw: str) -> None:
    assert parse_input(raw).kind is ValueKind.NO_DATA


@pytest.mark.parametrize("raw", ["", "   ", None, "\u3000"])
def test_blank(raw: object) -> None:
    assert parse_input(raw).kind is ValueKind.BLANK


@pytest.mark.parametrize("raw", ["约3.2", "3.2左右", "12.5.3", "abc", "1e999", True, float("nan"), "5%万"])
def test_not_a_number(raw: object) -> None:
    assert parse_input(raw).kind is ValueKind.INVALID


def test_dates() -> None:
    assert parse_input(dt.date(2023, 5, 1)).kind is ValueKind.DATE
    assert parse_input(dt.datetime(2023, 5, 1, 8, 0)).kind is ValueKind.DATE


@given(st.one_of(st.text(), st.floats(), st.integers(), st.booleans(), st.none(), st.dates()))
def test_never_raises(raw: object) -> None:
    p = parse_input(raw)
    assert p.kind in ValueKind
    if p.kind is ValueKind.NUMBER:
        assert p.value is not None


def test_a_number_cell_parses_to_the_same_value_as_the_plain_constructor_makes() -> None:
    from reportkit.intake.values import ParsedValue, ValueKind, display, parse_input

    for raw in (1.5, 3.0, -0.0, 98.5, 7, 12345678.0, 1e-7, 999999999999999.0):
        made = ParsedValue(ValueKind.NUMBER, float(raw), display(raw))
        got = parse_input(raw)
        assert got == made and hash(got) == hash(made) and vars(got) == vars(made) and got.is_number
    assert parse_input(1e15).kind is ValueKind.OUT_OF_RANGE and parse_input(float("inf")).kind is ValueKind.INVALID
    assert parse_input(True).kind is ValueKind.INVALID
