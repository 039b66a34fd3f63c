"""The bundled example returns show the whole validation flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.checks.run import validate_paths
from reportkit.data.examples.make_returns import NOT_REPORTED, make_returns, project_plan


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
