"""Per-district progress from the districts' own 2020 values, typed in the baseline-year
column of their forms: form → filled return → validation → evaluation.

Baseline year 2020, target year 2025, cut-off 2023-12-31: 时间进度 = 3/5 = 60%, tolerance ±5.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from fixtures.plans import INDICATORS, ITEMS, UNITS, changed, only, small_plan
from openpyxl import load_workbook

from reportkit.checks.run import validate_return
from reportkit.definitions.model import Aggregation, Kind, Plan
from reportkit.definitions.notation import parse_plan_value as v
from reportkit.evaluation import Status, evaluate
from reportkit.forms import layout as L
from reportkit.forms.writer import write_form
from reportkit.intake.types import ReturnData

DISTRICTS = ("D01", "D02")


def build_plan() -> Plan:
    """The shared small plan cut down to two districts and two indicators: A01 becomes a summed
    level (10 → 20) so its target is shared out by baseline, A02 (a rate recomputed from the
    summed items) gets baseline 98; both are reported by the two districts only."""
    indicators = changed(only(INDICATORS, "A01", "A02"), "A01", baseline=v("10"), target=v("20"),
                         kind=Kind.LEVEL, aggregation=Aggregation.SUM, reporters=DISTRICTS, lead_unit=None)
    indicators = changed(indicators, "A02", baseline=v("98"), lead_unit=None)
    items = changed(changed(ITEMS, "I01", reporters=DISTRICTS), "I02", reporters=DISTRICTS)
    return small_plan(indicators=indicators, items=items, units=only(UNITS, *DISTRICTS), tasks=())


PLAN = build_plan()
VALUES: dict[str, dict[tuple[str, int], float]] = {
    # A01: D01 4 + D02 6 = the city's 2020 baseline 10
    "D01": {("A01", 2020): 4, ("A01", 2021): 5, ("A01", 2022): 6, ("A01", 2023): 7,
            ("I01", 2020): 980, ("I02", 2020): 1000, ("I01", 2021): 985, ("I02", 2021): 1000,
            ("I01", 2022): 592, ("I02", 2022): 600, ("I01", 2023): 594, ("I02", 2023): 600},
    "D02": {("A01", 2020): 6, ("A01", 2021): 6.5, ("A01", 2022): 7.2, ("A01", 2023): 8,
            ("I01", 2020): 1940, ("I02", 2020): 2000, ("I01", 2021): 1950, ("I02", 2021): 2000,
            ("I01", 2022): 1955, ("I02", 2022): 2000, ("I01", 2023): 1960, ("I02", 2023): 2000},
}


def filled_return(unit: str, values: Mapping[tuple[str, int], float], tmp: Path) -> ReturnData:
    form = write_form(PLAN, unit, tmp / f"{unit}-form.xlsx").path
    wb = load_workbook(form)
    ws = wb[L.SHEET_INDICATORS]
    cols = {str(c.value): c.column for c in ws[L.INDICATOR_HEADER_ROW] if c.value is not None}
    rows = {str(ws.cell(r, 1).value): r for r in range(L.INDICATOR_FIRST_DATA_ROW, ws.max_row + 1)}
    for (code, year), value in values.items():
        ws.cell(rows[code], cols[L.year_header(year)]).value = value
    out = tmp / f"{unit}.xlsx"
    wb.save(out)
    return validate_return(PLAN, out)


def test_each_district_judged_from_its_own_baseline_and_share(tmp_path: Path) -> None:
    returns = [filled_return(u, VALUES[u], tmp_path) for u in DISTRICTS]
    assert all(r.findings == [] for r in returns)  # baselines given: not even the info note
    k1, k2 = evaluate(PLAN, returns).indicators

    # Plan level, unchanged: roll-ups for the reported years only, against the plan baseline.
    # 2023: 7 + 8 = 15; (15 − 10) / (20 − 10) = 50% → 滞后 (50 − 60 = −10 points).
    assert [r.year for r in k1.rollups] == [2021, 2022, 2023]
    assert k1.baseline == 10 and k1.current == 15
    assert k1.progress == pytest.approx(50.0) and k1.status is Status.LAGGING

    # Summed count: the target is shared out by the unit's share of the baseline (unit_target).
    # D01: share 4/10 = 40% → target 20 × 40% = 8; (7 − 4) / (8 − 4) = 75% → 快于预期 (+15 points).
    # D02: share 6/10 = 60% → target 20 × 60% = 12; (8 − 6) / (12 − 6) = 33.3% → 滞后 (−26.7 points).
    a, b = k1.units
    assert (a.unit, a.baseline, a.target) == ("D01", 4, pytest.approx(8.0))
    assert a.progress == pytest.approx(75.0) and a.status is Status.AHEAD
    assert "目标按基期占比40%分解" in a.reason
    assert (b.unit, b.baseline, b.target) == ("D02", 6, pytest.approx(12.0))
    assert b.progress == pytest.approx(100 / 3) and b.status is Status.LAGGING
    assert [y for y, _ in a.values] == [2021, 2022, 2023]  # the baseline is not a reported year

    # A rate: the plan target for every unit, from the unit's own 2020 rate.
    # D01: 980/1000 = 98% → 594/600 = 99% meets ≥99 → 提前实现.
    # D02: 1940/2000 = 97% → 1960/2000 = 98%; (98 − 97) / (99 − 97) = 50% → 滞后.
    # City (recomputed from summed items, not averaged): 2554/2600 = 98.23%; (98.23 − 98)/(99 − 98) = 23%.
    ra, rb = k2.units
    assert ra.baseline == pytest.approx(98.0) and ra.status is Status.ACHIEVED
    assert rb.baseline == pytest.approx(97.0) and rb.progress == pytest.approx(50.0)
    assert rb.status is Status.LAGGING
    assert k2.baseline == 98 and k2.current == pytest.approx(2554 / 2600 * 100)
    assert k2.progress == pytest.approx((2554 / 2600 * 100 - 98) / (99 - 98) * 100)


def test_a_district_without_its_baseline_cannot_be_judged(tmp_path: Path) -> None:
    b_values = {k: val for k, val in VALUES["D02"].items() if k[1] != 2020}
    returns = [filled_return("D01", VALUES["D01"], tmp_path), filled_return("D02", b_values, tmp_path)]
    assert [f.code for f in returns[1].findings] == ["value.baseline-missing"]
    assert returns[1].state == "accepted"
    k1, k2 = evaluate(PLAN, returns).indicators
    a, b = k1.units
    assert a.progress == pytest.approx(75.0)
    assert b.progress is None and b.status is Status.UNKNOWN and "本单位无2020年基期数据" in b.reason
    assert k2.units[1].status is Status.UNKNOWN
    assert k1.progress == pytest.approx(50.0)  # the plan-level result does not depend on it
