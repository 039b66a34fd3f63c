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


# A whole return filled with whatever a person might type into any cell -----------------------

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import openpyxl  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402

from reportkit.checks import validate_return  # noqa: E402
from reportkit.definitions import load_plan  # noqa: E402
from reportkit.forms.writer import write_form  # noqa: E402
from reportkit.scaffold import example_plan_path  # noqa: E402

PLAN = load_plan(example_plan_path("ezhou"))
TYPED = (st.text(max_size=15) | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**12, 10**12)
         | st.dates(min_value=dt.date(1900, 1, 1)) | st.sampled_from(["=1/0", "=A1+1", "—", "不适用", "", None]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 12), st.integers(1, 16), TYPED), min_size=1, max_size=25),
       st.lists(st.tuples(st.integers(1, 30), st.integers(1, 10), TYPED), max_size=10))
def test_a_return_filled_with_anything_gives_findings_not_exceptions(indicator_cells, task_cells):
    with tempfile.TemporaryDirectory() as tmp:
        form = write_form(PLAN, "echeng", Path(tmp) / "form.xlsx").path
        wb = openpyxl.load_workbook(form)
        for sheet, cells in (("指标数据", indicator_cells), ("重点任务", task_cells)):
            ws = wb[sheet]
            for row, col, value in cells:
                if isinstance(value, str):
                    value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
                cell = ws.cell(row, col)
                if not isinstance(cell, openpyxl.cell.cell.MergedCell):  # title rows are merged
                    cell.value = value
        filled = Path(tmp) / "filled.xlsx"
        wb.save(filled)
        data = validate_return(PLAN, filled)
    assert "check.crashed" not in {f.code for f in data.findings}, [f.message for f in data.findings
                                                                   if f.code == "check.crashed"]
    assert all(o.value is None or math.isfinite(o.value) for o in data.observations)
