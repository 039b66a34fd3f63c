"""The bundled example returns show the whole validation flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.checks.run import validate_paths
from reportkit.data.examples.make_returns import NOT_REPORTED, all_values, make_returns, project_plan
from reportkit.definitions.model import Aggregation
from reportkit.evaluation.rollup import compute


@pytest.mark.parametrize("example", ["ezhou", "dinghu"])
def test_example_returns_flow(example: str, tmp_path: Path) -> None:
    files = make_returns(example, tmp_path)
    plan = project_plan(example)
    run = validate_paths(plan, [tmp_path])
    assert len(files) == len(plan.reporting_units()) - 1
    assert run.missing_units == [NOT_REPORTED[example]]
    states = [r.state for r in run.returns]
    assert states.count("has-errors") == 1
    assert states.count("has-warnings") == 1
    assert states.count("accepted-with-explanations") >= 1
    codes = {f.code for f in run.findings}
    assert {"rule.failed", "value.yoy-jump", "value.no-data"} <= codes
    broken = next(r for r in run.returns if r.state == "has-errors")
    assert [f.code for f in broken.findings] == ["rule.failed"]
    assert run.has_errors


@pytest.mark.parametrize("example", ["ezhou", "dinghu"])
def test_example_baseline_year_values_add_up_to_the_plan_baseline(example: str) -> None:
    plan = project_plan(example)
    year = plan.info.baseline_year
    by_unit = all_values(plan)
    summed = [i for i in plan.indicators if not i.computed and i.aggregation is Aggregation.SUM
              and len(plan.indicator_reporters(i)) > 1 and i.baseline.value is not None]
    assert summed
    for ind in summed:  # the districts' own 2020 values add up to the city's baseline
        total = sum(by_unit[u][(ind.code, year)] for u in plan.indicator_reporters(ind))
        assert total == pytest.approx(ind.baseline.value, abs=10 ** -ind.decimals / 2), ind.code
    rates = [i for i in plan.indicators if i.computed and i.baseline.value is not None]
    assert rates
    for ind in rates:  # the summed 2020 items give the city's baseline rate, to one unit of the numerator
        num, den = plan.formula_items(ind)
        n = sum(by_unit[u][(num.code, year)] for u in num.reporters)
        d = sum(by_unit[u][(den.code, year)] for u in den.reporters)
        assert compute(plan, ind, {num.code: n + 1, den.code: d}) >= ind.baseline.value >= \
            compute(plan, ind, {num.code: n - 1, den.code: d}), ind.code


@pytest.mark.parametrize("example", ["ezhou", "dinghu"])
def test_example_returns_give_their_baseline_year(example: str, tmp_path: Path) -> None:
    make_returns(example, tmp_path)
    run = validate_paths(project_plan(example), [tmp_path])
    assert "value.baseline-missing" not in {f.code for f in run.findings}
    assert all(any(o.year == 2020 and o.value is not None for o in r.observations)
               for r in run.returns if r.observations)
