import dataclasses
import datetime as dt

import pytest

from reportkit.definitions import load_plan
from reportkit.definitions.model import PlanInfo
from reportkit.definitions.notation import parse_plan_value
from reportkit.scaffold import example_plan_path


@pytest.mark.parametrize(
    "cutoff, elapsed, progress",
    [
        (dt.date(2023, 12, 31), 3.0, 60.0),
        (dt.date(2023, 6, 30), 2.5, 50.0),
        (dt.date(2021, 12, 31), 1.0, 20.0),
        (dt.date(2025, 12, 31), 5.0, 100.0),
        (dt.date(2020, 12, 31), 0.0, 0.0),
    ],
)
def test_time_progress(cutoff, elapsed, progress):
    info = PlanInfo(id="p", name="p", baseline_year=2020, target_year=2025, cutoff=cutoff)
    assert info.elapsed_years == pytest.approx(elapsed)
    assert info.time_progress == pytest.approx(progress)


def test_years_units_report():
    info = PlanInfo(id="p", name="p", baseline_year=2020, target_year=2025, cutoff=dt.date(2023, 6, 30))
    assert info.years == [2021, 2022, 2023]
    assert info.form_years == [2020, 2021, 2022, 2023]  # the baseline year heads the form
    assert info.period_label == "2023年中期评估"


def test_fingerprint_names_the_changed_indicator():
    plan = load_plan(example_plan_path("ezhou"))
    changed_ind = dataclasses.replace(plan.indicators[0], target=parse_plan_value("21"))
    changed = dataclasses.replace(plan, indicators=(changed_ind, *plan.indicators[1:]))
    assert plan.fingerprint() != changed.fingerprint()
    before, after = plan.fingerprint_parts(), changed.fingerprint_parts()
    assert [k for k in before if before[k] != after[k]] == [plan.indicators[0].code]
    # the fingerprint does not depend on where the plan was loaded from
    assert load_plan(example_plan_path("ezhou")).fingerprint() == plan.fingerprint()


# Forms already issued carry these: a change in how the fingerprint is computed would make every
# return collected with them "made from outdated definitions".
ISSUED = {"dinghu": "b414cdae3b0430cc", "ezhou": "8dd7cb5625bff9b2", "zhongshan": "68f27d7260abbc9d"}


@pytest.mark.parametrize("example", sorted(ISSUED))
def test_fingerprints_of_the_bundled_plans_do_not_change(example: str):
    assert load_plan(example_plan_path(example)).fingerprint() == ISSUED[example]
