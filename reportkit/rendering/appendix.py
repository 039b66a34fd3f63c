"""Appendix tables: values by reporting unit and year, and who reported when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..evaluation.types import Evaluation, IndicatorResult
from ..intake.types import STATE_LABELS
from . import formatting as fmt

if TYPE_CHECKING:
    from .context import ReportInputs, Submission


def _indicator_rows(r: IndicatorResult, years: list[int], names: dict[str, str]) -> list[dict[str, Any]]:
    ind = r.indicator
    notes = {e.unit: e.text for e in r.explanations if e.text.strip()}
    label = ind.label
    rollups = r.rollups_by_year
    total = {
        # A figure only the lead unit reports is that unit's; otherwise the total over the units.
        "indicator": label, "indicator_name": label, "code": ind.code,
        "unit": "合计" if r.units else names.get(ind.lead_unit, ind.lead_unit) or "合计",
        "unit_code": "",
        "cells": [fmt.indicator_value(ind, rollups[y].value) if y in rollups else fmt.NONE_TEXT for y in years],
        "raw": [rollups[y].value if y in rollups else None for y in years],
        "note": f"{ind.aggregation.label}；报送 {r.coverage}" if r.rollups else "暂无数据",
        "baseline": ind.baseline.display(),
        "progress": _progress(r.progress, r.status.value),
        "total": True,
    }
    rows = [total]
    for u in r.units:
        by_year = u.values_by_year
        rows.append({
            "indicator": "", "indicator_name": label, "code": ind.code, "unit": u.unit_name or names.get(u.unit, u.unit),
            "unit_code": u.unit,
            "cells": [fmt.indicator_value(ind, by_year.get(y)) for y in years],
            "raw": [by_year.get(y) for y in years],
            "note": notes.get(u.unit, ""),
            "baseline": fmt.indicator_value(ind, u.baseline),
            "progress": _progress(u.progress, u.status.value),
            "total": False,
        })
    return rows


def _progress(progress: float | None, status: str) -> str:
    """``51.7%（滞后）``; just the status when no progress could be computed."""
    return status if progress is None else f"{fmt.percent(progress)}（{status}）"


def values_rows(ev: Evaluation, years: list[int], names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per indicator (its plan-level total) followed by one row per reporting unit."""
    out: list[dict[str, Any]] = []
    for r in ev.indicators:
        out.extend(_indicator_rows(r, years, names))
    return out


def _derived_submissions(inputs: ReportInputs) -> list[Submission]:
    from .context import Submission

    subs = []
    for ret, included in [*((r, True) for r in inputs.returns), *((r, False) for r in inputs.excluded)]:
        if ret.unit:
            subs.append(Submission(unit=ret.unit, file=_file(ret.path), received_at=ret.received_at,
                                   state=ret.state, included=included))
    return subs


def reporting_rows(inputs: ReportInputs, names: dict[str, str]) -> list[dict[str, Any]]:
    """Every expected unit, reported or not, in plan order, with its latest return."""
    subs = list(inputs.submissions) if inputs.submissions is not None else _derived_submissions(inputs)
    by_unit: dict[str, Submission] = {}
    for s in subs:
        by_unit.setdefault(s.unit, s)
    plan = inputs.plan
    expected = list(inputs.evaluation.coverage.expected) or [u.code for u in plan.reporting_units()]
    extra = [code for code in by_unit if code not in expected]
    rows = []
    for code in [*expected, *extra]:
        unit = plan.unit(code)
        s = by_unit.get(code)
        rows.append({
            "unit": names.get(code, code),
            "unit_code": code,
            "type": unit.type.label if unit else fmt.NONE_TEXT,
            "reported": ("已报送" if s.included else "已报送（未纳入汇总）") if s else "未报送",
            "received_at": fmt.datetime_text(s.received_at) if s else fmt.NONE_TEXT,
            "state": STATE_LABELS.get(s.state, s.state) if s else fmt.NONE_TEXT,
            "file": s.file if s else fmt.NONE_TEXT,
            "resubmissions": str(s.resubmissions) if s else "0",
            "included": bool(s and s.included),
        })
    return rows


def _file(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
