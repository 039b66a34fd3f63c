"""Evaluation results: the values the report, the summary workbook and ``--json`` read.

Everything here is a frozen dataclass with ``to_dict()`` (JSON-ready: plain str, int,
float, bool, None, lists and dicts). Percentages are in percent (``60.0`` means 60%),
gaps in percentage points.

Conventions the readers can rely on:

* ``IndicatorResult.current`` is the value compared with the target: the latest year's
  value, except for new-in-period (〈〉) indicators, where it is the sum of the yearly
  amounts reported so far.
* ``IndicatorResult.rollups`` holds one plan-level :class:`RollUp` per reported year
  (ascending); ``rollups_by_year`` maps year → roll-up.
* A partial roll-up (some expected units missing) is never silently smaller: it has
  ``partial=True``, a coverage label such as ``4/5`` and the list of missing units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..definitions.dates import Due
from ..definitions.model import Attribute, Indicator, PlanInfo, Task
from ..formatting import round_half_up
from ..intake.types import TaskReport


class Status(StrEnum):
    """Evaluation status of an indicator (the national 14th FYP mid-term wording)."""

    ACHIEVED = "提前实现"
    AHEAD = "快于预期"
    ON_TRACK = "基本符合预期"
    LAGGING = "滞后"
    UNKNOWN = "无法评估"
    NOT_DUE = "未到期"  # a milestone not done and not yet due
    MET = "已实现"  # final evaluation (or the indicator's own target year has passed): target met
    NOT_MET = "未实现"  # final evaluation: target not met

    @property
    def key(self) -> str:
        return _STATUS_KEYS[self]

    @property
    def label(self) -> str:
        return self.value


_STATUS_KEYS = {
    Status.ACHIEVED: "achieved",
    Status.AHEAD: "ahead",
    Status.ON_TRACK: "on_track",
    Status.LAGGING: "lagging",
    Status.UNKNOWN: "unknown",
    Status.NOT_DUE: "not_due",
    Status.MET: "met",
    Status.NOT_MET: "not_met",
}

STATUS_ORDER: tuple[Status, ...] = (
    Status.MET, Status.ACHIEVED, Status.AHEAD, Status.ON_TRACK, Status.NOT_DUE, Status.LAGGING, Status.NOT_MET,
    Status.UNKNOWN,
)


class ProgressMethod(StrEnum):
    """How 完成进度 was computed for one indicator."""

    FLOOR = "floor"  # (current − baseline) / (target − baseline)
    CEILING = "ceiling"  # reduction achieved / reduction planned
    NEW = "new"  # sum of yearly amounts so far / target
    MAINTAIN = "maintain"  # target already met at baseline: still met or not
    TARGET_ONLY = "target_only"  # no baseline: met or not
    FLAT = "flat"  # target equal to its baseline: still met or not
    MILESTONE = "milestone"  # done (1) or not, judged by its due date
    GROWTH = "growth"  # average yearly growth achieved against the growth required
    RANGE = "range"  # within a range target (6-10) or not
    NONE = "none"  # not computable

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    ProgressMethod.FLOOR: "（当前值−基期值）÷（目标值−基期值）",
    ProgressMethod.CEILING: "已实现降幅÷规划降幅",
    ProgressMethod.NEW: "规划期累计新增÷目标值",
    ProgressMethod.MAINTAIN: "基期已达标，按是否保持达标评估",
    ProgressMethod.TARGET_ONLY: "无基期值，按是否达到目标评估",
    ProgressMethod.FLAT: "目标值与基期值相同，按是否保持评估",
    ProgressMethod.MILESTONE: "里程碑：按完成时限判断是否完成",
    ProgressMethod.GROWTH: "已实现年均增速与规划年均增速比较",
    ProgressMethod.RANGE: "是否处于目标区间内",
    ProgressMethod.NONE: "无法计算",
}


def _round(v: float | None, digits: int = 4) -> float | None:
    """JSON numbers rounded as every text shows them (half up): 98.25 → 98.3, never 98.2."""
    return round_half_up(v, digits)


class MilestoneState(StrEnum):
    DONE = "已完成"
    NOT_DUE = "未到期"
    OVERDUE = "逾期未完成"


@dataclass(frozen=True)
class MilestoneResult:
    """A milestone judged by its due date at the cut-off (never by the schedule share)."""

    due: Due
    state: MilestoneState
    timing: str = ""  # for a done milestone: 提前 / 按期 / 逾期 (done after the due year)
    done_year: int | None = None  # the first year reported as done

    @property
    def label(self) -> str:
        """已完成（提前）/ 未到期 / 逾期未完成."""
        return f"{self.state.value}（{self.timing}）" if self.timing else self.state.value

    def to_dict(self) -> dict[str, Any]:
        return {"due": self.due.to_dict(), "due_label": self.due.label, "state": self.state.value,
                "timing": self.timing, "label": self.label, "done_year": self.done_year}


@dataclass(frozen=True)
class BaselineOrigin:
    """Where the baseline an indicator is judged from came from."""

    value: float | None
    year: int
    source: str  # "plan" (as printed) / "returns" (the units' base-year figures combined)
    text: str = ""  # Chinese, for the report: 基期值为各单位填报的2020年数据合计（5/5个单位）
    coverage: str = ""  # n/m units, for a baseline from the returns

    def to_dict(self) -> dict[str, Any]:
        return {"value": _round(self.value, 6), "year": self.year, "source": self.source, "text": self.text,
                "coverage": self.coverage}


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a number came from: reporting units, years and source file names."""

    units: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    files: tuple[str, ...] = ()

    @classmethod
    def merge(cls, parts: Iterable[Provenance]) -> Provenance:
        units: dict[str, None] = {}
        years: set[int] = set()
        files: dict[str, None] = {}
        for p in parts:
            units.update(dict.fromkeys(p.units))
            years.update(p.years)
            files.update(dict.fromkeys(p.files))
        return cls(tuple(units), tuple(sorted(years)), tuple(files))

    @property
    def empty(self) -> bool:
        return not (self.units or self.years or self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"units": list(self.units), "years": list(self.years), "files": list(self.files)}


@dataclass(frozen=True, slots=True)
class RollUp:
    """One indicator or item, one year, at plan level."""

    code: str
    year: int
    value: float | None
    aggregation: str  # Aggregation value used (sum / formula / mean / max / min / lead)
    covered: tuple[str, ...] = ()  # unit codes whose values went in
    expected: tuple[str, ...] = ()  # unit codes expected to report
    missing: tuple[str, ...] = ()  # expected units without a value
    components: tuple[tuple[str, float | None], ...] = ()  # formula items: name → summed value
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    @property
    def coverage(self) -> str:
        return f"{len(self.covered)}/{len(self.expected)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "year": self.year,
            "value": _round(self.value, 6),
            "aggregation": self.aggregation,
            "covered": list(self.covered),
            "expected": list(self.expected),
            "missing": list(self.missing),
            "partial": self.partial,
            "coverage": self.coverage,
            "components": {k: _round(v, 6) for k, v in self.components},
            "provenance": self.provenance.to_dict(),
        }


@dataclass(frozen=True)
class Projection:
    """A projection to the target year, always worded as a projection (预计)."""

    method: str  # "linear" / "compound" / "none"
    reason: str  # why this method (Chinese)
    year: int
    value: float | None
    will_meet: bool | None
    text: str  # e.g. 预计2025年可达20.6万户，能够完成规划目标
    points: tuple[tuple[int, float], ...] = ()  # (year, value) the projection was fitted on
    decimals: int | None = None  # decimals to show it with (more than the indicator's when rounding
    # would make a miss look like the target, e.g. 8.96 against a target of 9)

    @property
    def method_label(self) -> str:
        return {"linear": "线性外推", "compound": "按年均增长率外推"}.get(self.method, "未预测")

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "method_label": self.method_label,
            "reason": self.reason,
            "year": self.year,
            "value": _round(self.value, 6),
            "will_meet": self.will_meet,
            "text": self.text,
            "points": [[y, _round(v, 6)] for y, v in self.points],
            "decimals": self.decimals,
        }


@dataclass(frozen=True)
class Explanation:
    """A unit's 说明 text on one indicator or item row."""

    unit: str
    unit_name: str
    code: str
    text: str
    data_source: str = ""
    years: tuple[int, ...] = ()  # the years the text names ("2022年口径调整"); () = the whole row

    def explains(self, year: int | None) -> bool:
        """Is this 说明 about ``year``? A text that names years explains only those years, so
        "2022年统计口径调整" is not quoted as the reason for the 2023 figure."""
        return not self.years or year in self.years

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "unit_name": self.unit_name, "code": self.code,
                "text": self.text, "data_source": self.data_source, "years": list(self.years)}


@dataclass(frozen=True, slots=True)
class UnitIndicatorResult:
    """The same numbers as :class:`IndicatorResult` for one reporting unit."""

    unit: str
    unit_name: str
    values: tuple[tuple[int, float | None], ...] = ()  # (year, value) ascending
    current: float | None = None
    current_year: int | None = None
    progress: float | None = None  # 完成进度 (%)
    gap: float | None = None  # 完成进度 − 时间进度 (percentage points)
    status: Status = Status.UNKNOWN
    reason: str = ""
    provenance: Provenance = field(default_factory=Provenance)
    baseline: float | None = None  # the unit's own baseline-year value
    target: float | None = None  # what the unit is judged against (its share of a summed target)

    @property
    def values_by_year(self) -> dict[int, float | None]:
        return dict(self.values)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "values": {str(y): _round(v, 6) for y, v in self.values},
            "current": _round(self.current, 6),
            "current_year": self.current_year,
            "progress": _round(self.progress, 2),
            "gap": _round(self.gap, 2),
            "status": self.status.value,
            "status_key": self.status.key,
            "reason": self.reason,
            "provenance": self.provenance.to_dict(),
            "baseline": _round(self.baseline, 6),
            "target": _round(self.target, 6),
        }


def indicator_dict(ind: Indicator) -> dict[str, Any]:
    """The plan definition of an indicator, as much as a reader of the result needs."""
    return {
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "label": ind.label,
        "category": ind.category,
        "attribute": ind.attribute.value,
        "kind": ind.kind.value,
        "kind_label": ind.kind.label,
        "baseline": ind.baseline.display(),
        "target": ind.target.display(),
        "direction": ind.direction.value,
        "notation": ind.notation.value,
        "decimals": ind.decimals,
        "lead_unit": ind.lead_unit,
        "aggregation": ind.aggregation.value,
        "aggregation_label": ind.aggregation.label,
        "formula": ind.formula,
        "definition": ind.definition,
    }


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    rollups: tuple[RollUp, ...] = ()  # plan level, one per reported year, ascending
    current: float | None = None  # compared with the target (〈〉: sum so far)
    current_year: int | None = None
    baseline: float | None = None
    target: float | None = None
    progress: float | None = None  # 完成进度 (%), may exceed 100 or be negative
    time_progress: float = 0.0  # 时间进度 (%)
    gap: float | None = None  # 完成进度 − 时间进度 (percentage points)
    status: Status = Status.UNKNOWN
    reason: str = ""  # why 无法评估, or how the status was judged
    method: ProgressMethod = ProgressMethod.NONE
    projection: Projection | None = None
    units: tuple[UnitIndicatorResult, ...] = ()  # per reporting unit (district-reported)
    explanations: tuple[Explanation, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    baseline_year: int | None = None  # the indicator's own baseline year (or the plan's)
    target_year: int | None = None  # the indicator's own target year (or the plan's)
    baseline_origin: BaselineOrigin | None = None
    milestone: MilestoneResult | None = None
    final: bool = False  # judged achieved / not achieved (总结评估, or its target year has passed)
    maintained: bool = False  # the target must hold every year (稳定在, 保持, 确保不发生)
    years_checked: tuple[int, ...] = ()  # maintained: the years judged
    broken_years: tuple[int, ...] = ()  # maintained: the years that did not meet the target
    growth_required: float | None = None  # 年均增长7%: 7.0 (%)
    growth_achieved: float | None = None  # average yearly growth from the baseline to current (%)
    target_note: str = ""  # how a relative target was resolved: 基期值 3000 翻一番，即 6000
    parts: tuple[str, ...] = ()  # codes of the sub-indicators (分指标) of this indicator
    parent: str = ""  # code of the indicator this one is a part of

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def alert(self) -> bool:
        """预警: a binding (约束性) indicator that lags, is overdue or was not achieved."""
        return self.indicator.attribute is Attribute.BINDING and self.status in (Status.LAGGING, Status.NOT_MET)

    @property
    def current_explanations(self) -> tuple[Explanation, ...]:
        """The 说明 texts that explain the value judged (its year), not other years'."""
        return tuple(e for e in self.explanations if e.explains(self.current_year))

    @property
    def attention(self) -> str:
        """Why a binding indicator needs attention although it is not lagging: it could not be
        evaluated (the reason says why). '' otherwise."""
        if self.indicator.attribute is Attribute.BINDING and self.status is Status.UNKNOWN:
            return self.reason
        return ""

    @property
    def rollups_by_year(self) -> dict[int, RollUp]:
        return {r.year: r for r in self.rollups}

    @property
    def current_rollup(self) -> RollUp | None:
        return self.rollups_by_year.get(self.current_year) if self.current_year else None

    @property
    def partial(self) -> bool:
        r = self.current_rollup
        return bool(r and r.partial)

    @property
    def coverage(self) -> str:
        r = self.current_rollup
        return r.coverage if r else f"0/{len(self.rollups[0].expected) if self.rollups else 0}"

    @property
    def missing(self) -> tuple[str, ...]:
        r = self.current_rollup
        return r.missing if r else ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": indicator_dict(self.indicator),
            "rollups": [r.to_dict() for r in self.rollups],
            "current": _round(self.current, 6),
            "current_year": self.current_year,
            "baseline": _round(self.baseline, 6),
            "target": _round(self.target, 6),
            "progress": _round(self.progress, 2),
            "time_progress": _round(self.time_progress, 2),
            "gap": _round(self.gap, 2),
            "status": self.status.value,
            "status_key": self.status.key,
            "reason": self.reason,
            "method": self.method.value,
            "method_label": self.method.label,
            "alert": self.alert,
            "partial": self.partial,
            "coverage": self.coverage,
            "missing": list(self.missing),
            "projection": self.projection.to_dict() if self.projection else None,
            "units": [u.to_dict() for u in self.units],
            "explanations": [e.to_dict() for e in self.explanations],
            "provenance": self.provenance.to_dict(),
            "baseline_year": self.baseline_year,
            "target_year": self.target_year,
            "baseline_origin": self.baseline_origin.to_dict() if self.baseline_origin else None,
            "milestone": self.milestone.to_dict() if self.milestone else None,
            "final": self.final,
            "maintained": self.maintained,
            "years_checked": list(self.years_checked),
            "broken_years": list(self.broken_years),
            "growth_required": _round(self.growth_required, 4),
            "growth_achieved": _round(self.growth_achieved, 4),
            "target_note": self.target_note,
            "attention": self.attention,
            "current_explanations": [e.to_dict() for e in self.current_explanations],
            "parts": list(self.parts),
            "parent": self.parent,
        }


@dataclass(frozen=True)
class UnitTaskReport:
    """One unit's row on one task, with the unit's name and source file."""

    report: TaskReport
    unit_name: str
    file: str = ""

    def to_dict(self) -> dict[str, Any]:
        r = self.report
        return {
            "unit": r.unit, "unit_name": self.unit_name, "file": self.file,
            "progress": r.progress, "status": r.status, "problems": r.problems,
            "next_steps": r.next_steps,
        }


@dataclass(frozen=True)
class TaskResult:
    """One task merged over the units that reported it."""

    task: Task
    reports: tuple[UnitTaskReport, ...] = ()
    status: str = ""  # merged 完成状态 ("" if nobody reported); 滞后 when overdue and not done
    missing: tuple[str, ...] = ()  # expected units without a report
    due: Due | None = None  # the task's deadline, at the resolution it was written
    overdue: bool = False  # due by the cut-off and not reported done (computed, not self-declared)
    declared_status: str = ""  # the status the units declared, before the deadline was applied

    @property
    def reported(self) -> bool:
        return bool(self.reports)

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        """(unit name, stated problem) for every report that names one."""
        return tuple((r.unit_name, r.report.problems) for r in self.reports if r.report.problems.strip())

    def to_dict(self) -> dict[str, Any]:
        t = self.task
        return {
            "code": t.code, "chapter": t.chapter, "section": t.section, "title": t.title,
            "kind": t.kind, "milestone": t.milestone, "due_year": t.due_year,
            "due": self.due.to_dict() if self.due else None, "overdue": self.overdue,
            "declared_status": self.declared_status,
            "lead_unit": t.lead_unit, "status": self.status, "reported": self.reported,
            "missing": list(self.missing),
            "problems": [{"unit_name": u, "text": p} for u, p in self.problems],
            "reports": [r.to_dict() for r in self.reports],
        }


@dataclass(frozen=True)
class TaskSummary:
    results: tuple[TaskResult, ...] = ()  # plan order
    by_chapter: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # chapter → status → n
    by_lead: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # lead unit → status → n
    counts: Mapping[str, int] = field(default_factory=dict)  # status → n over all tasks

    @property
    def lagging(self) -> tuple[TaskResult, ...]:
        return tuple(r for r in self.results if r.status in LAGGING_TASK_STATUSES)

    @property
    def unreported(self) -> tuple[TaskResult, ...]:
        return tuple(r for r in self.results if not r.reported)

    def to_dict(self) -> dict[str, Any]:
        return {
            "results": [r.to_dict() for r in self.results],
            "by_chapter": {k: dict(v) for k, v in self.by_chapter.items()},
            "by_lead": {k: dict(v) for k, v in self.by_lead.items()},
            "counts": dict(self.counts),
            "lagging": [r.task.code for r in self.lagging],
            "unreported": [r.task.code for r in self.unreported],
        }


TASK_STATUSES: tuple[str, ...] = ("已完成", "按进度推进", "滞后", "未启动")
LAGGING_TASK_STATUSES: frozenset[str] = frozenset({"滞后", "未启动"})
UNREPORTED_TASK_STATUS = "未填报"


@dataclass(frozen=True)
class ReportingCoverage:
    """Which units returned a form and which did not."""

    expected: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)  # unit code → source file name
    unit_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{len(self.returned)}/{len(self.expected)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "expected": list(self.expected), "returned": list(self.returned),
            "missing": list(self.missing), "label": self.label, "files": dict(self.files),
            "unit_names": dict(self.unit_names),
        }


@dataclass(frozen=True)
class Evaluation:
    info: PlanInfo
    time_progress: float  # 时间进度 (%)
    tolerance: float  # ± percentage points counted as 基本符合预期
    indicators: tuple[IndicatorResult, ...] = ()  # plan order
    tasks: TaskSummary = field(default_factory=TaskSummary)
    coverage: ReportingCoverage = field(default_factory=ReportingCoverage)
    rejected_units: tuple[str, ...] = ()  # units whose return was left out for errors
    rejected_files: tuple[str, ...] = ()  # the file names of those returns

    @property
    def top_level(self) -> tuple[IndicatorResult, ...]:
        """The indicators counted in the summary: an indicator with parts (分指标) counts once,
        its parts are shown under it."""
        return tuple(r for r in self.indicators if not r.parent)

    @property
    def counts(self) -> dict[Status, int]:
        out = dict.fromkeys(STATUS_ORDER, 0)
        for r in self.top_level:
            out[r.status] += 1
        return out

    @property
    def attention(self) -> tuple[IndicatorResult, ...]:
        """Binding indicators that could not be evaluated: flagged with their true reason."""
        return tuple(r for r in self.indicators if r.attention)

    @property
    def alerts(self) -> tuple[IndicatorResult, ...]:
        return tuple(r for r in self.indicators if r.alert)

    def result(self, code: str) -> IndicatorResult | None:
        return next((r for r in self.indicators if r.code == code), None)

    def summary_text(self) -> str:
        """N 项指标中 a 项提前实现、b 项快于预期…… (only the statuses that occur)."""
        counts = self.counts
        parts = [f"{n} 项{s.value}" for s, n in counts.items() if n]
        body = "、".join(parts) if parts else "无可评估指标"
        return f"{len(self.top_level)} 项指标中 {body}。"

    def to_dict(self) -> dict[str, Any]:
        info = self.info
        return {
            "plan": {
                "id": info.id, "name": info.name, "region": info.region, "issuer": info.issuer,
                "lead_agency": info.lead_agency, "baseline_year": info.baseline_year,
                "target_year": info.target_year, "cutoff": info.cutoff.isoformat(),
                "evaluation_kind": info.evaluation_kind.value, "period": info.period_label,
            },
            "time_progress": _round(self.time_progress, 2),
            "tolerance": self.tolerance,
            "counts": {s.value: n for s, n in self.counts.items()},
            "counts_by_key": {s.key: n for s, n in self.counts.items()},
            "summary": self.summary_text(),
            "alerts": [r.code for r in self.alerts],
            "attention": [{"code": r.code, "reason": r.attention} for r in self.attention],
            "indicators": [r.to_dict() for r in self.indicators],
            "tasks": self.tasks.to_dict(),
            "coverage": self.coverage.to_dict(),
            "rejected_units": list(self.rejected_units),
            "rejected_files": list(self.rejected_files),
        }
