"""Appendix tables: values by reporting unit and year, and who reported when."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from .. import formatting as fmt
from ..definitions.model import Plan
from ..evaluation.types import Evaluation, IndicatorResult
from ..findings import Finding
from ..intake.types import STATE_LABELS

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
        "decimals": ind.decimals,  # the Excel summary shows "raw" with these decimals, as "cells" do
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
            "decimals": ind.decimals,
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


def _timeliness(received_at: str, deadline: dt.date | None) -> str:
    if deadline is None or not received_at:
        return ""
    try:
        day = dt.date.fromisoformat(received_at[:10])
    except ValueError:
        return ""
    return "on-time" if day <= deadline else "late"


def _derived_submissions(inputs: ReportInputs) -> list[Submission]:
    from .context import Submission

    deadline = getattr(inputs.plan.info, "deadline", None)
    subs = []
    for ret, included in [*((r, True) for r in inputs.returns), *((r, False) for r in inputs.excluded)]:
        if ret.unit:
            subs.append(Submission(unit=ret.unit, file=_file(ret.path), received_at=ret.received_at,
                                   state=ret.state, included=included,
                                   timeliness=_timeliness(ret.received_at, deadline)))
    return subs


def submissions_of(inputs: ReportInputs) -> list[Submission]:
    """Each unit's collection record: from the ledger, else derived from the returns."""
    return list(inputs.submissions) if inputs.submissions is not None else _derived_submissions(inputs)


TIMELINESS = {"on-time": "按时", "late": "逾期", "": "—"}


def _reported(s: Submission | None, excluded_reason: str) -> str:
    """``已报送`` / ``已报送，因……未纳入汇总`` / ``已报送，采用上一版`` / ``未报送``."""
    if s is None:
        return "未报送"
    if s.used_file:
        return "已报送（最新一版未通过审核，采用上一版）"
    if not s.included:
        return f"已报送，因{excluded_reason}未纳入汇总"
    return "已报送"


def reporting_rows(inputs: ReportInputs, names: dict[str, str]) -> list[dict[str, Any]]:
    """Every expected unit, reported or not, in plan order, with its latest return."""
    subs = submissions_of(inputs)
    by_unit: dict[str, Submission] = {}
    for sub in subs:
        by_unit.setdefault(sub.unit, sub)
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
            "reported": _reported(s, "存在强制性审核问题"),
            "received_at": fmt.datetime_text(s.received_at) if s else fmt.NONE_TEXT,
            "timeliness": TIMELINESS.get(s.timeliness, "—") if s else "—",
            "state": STATE_LABELS.get(s.state, s.state) if s else fmt.NONE_TEXT,
            "file": s.file if s else fmt.NONE_TEXT,
            "used_file": (s.used_file or s.file) if s and (s.included or s.used_file) else fmt.NONE_TEXT,
            "resubmissions": str(s.resubmissions) if s else "0",
            "included": bool(s and s.included),
        })
    return rows


_RULE_CODE = re.compile(r"审核规则\s*[A-Za-z][A-Za-z0-9_-]*\s*[：:]")
_FILE_NAME = re.compile(r"[^\s“”\"'（）()]+\.(?:xlsx|xlsm|xls|et|ods|csv)", re.IGNORECASE)


_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}\d{2,}(?![A-Za-z0-9])\s*")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?")


def plain_message(message: str) -> str:
    """A finding's message in plain words: no rule or item codes (审核规则 R02： → 审核规则：,
    ``C01 计算指标1`` → ``计算指标1``), no file names, dates instead of timestamps."""
    text = _RULE_CODE.sub("审核规则：", message)
    text = _FILE_NAME.sub("填报表", text)
    text = _TIMESTAMP.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)
    text = _CODE.sub("", text)
    text = re.sub(r"、(?:\s*、)+", "、", text)  # a list that held only codes
    return re.sub(r"([：:（(])\s*、", r"\1", text).replace("、 等", "等").replace("、等", "等")


def finding_location(f: Finding, plan: Plan) -> str:
    """In plain words: ``有效注册商标量，2022年`` / ``重点任务“…”`` / ``填报表``; no cell codes."""
    loc = f.location
    what = ""
    code = loc.indicator or ""
    if code:
        ind, item = plan.indicator(code), plan.item(code)
        task = next((t for t in plan.tasks if t.code == code), None)
        what = (ind.name if ind else item.name if item else fmt.quoted(task.title) if task else "")
    parts = [p for p in (what, f"{loc.year}年" if loc.year else "") if p]
    if parts:
        return "，".join(parts)
    sheet = (loc.sheet or "").strip()
    return sheet if sheet and not sheet.startswith("_") else "填报表"


def _file(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
