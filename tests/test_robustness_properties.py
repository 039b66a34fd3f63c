"""Whatever a unit or a coordinator types, parsing gives a value or a finding, never an exception."""

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.definitions.formula import FormulaError, parse_formula
from reportkit.definitions.notation import parse_plan_value
from reportkit.intake.values import parse_input

CELL_TEXT = st.text(alphabet=st.sampled_from(list("0123456789.,-+%％—／/ 　万户件个约无〔〕〈〉()（）≥≤<>=e９８．\t\n\x0b")),
                    max_size=12) | st.text(max_size=20)
CELLS = (CELL_TEXT | st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.booleans()
         | st.dates(min_value=dt.date(1900, 1, 1)) | st.none())


@settings(max_examples=400, deadline=None)
@given(CELLS)
def test_any_cell_parses_without_raising(raw):
    parsed = parse_input(raw)
    value = getattr(parsed, "value", None)
    assert value is None or (isinstance(value, float) and math.isfinite(value))


@settings(max_examples=400, deadline=None)
@given(CELL_TEXT | st.floats(allow_nan=False, allow_infinity=False) | st.none())
def test_any_plan_value_parses_or_reports(raw):
    v = parse_plan_value(raw)
    assert (v.value is None) or isinstance(v.value, float)
    assert v.error is None or v.value is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_formula_parser_accepts_or_refuses_cleanly(text):
    try:
        f = parse_formula(text)
    except FormulaError:
        return
    assert f.evaluate({name: 2.0 for name in f.names}) is None or isinstance(f.evaluate({n: 2.0 for n in f.names}),
                                                                              float)
