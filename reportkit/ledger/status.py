"""Who has reported: the coordinator's daily view of collection for the current period.

A unit counts as reported from its first identified return of the period (whatever its
state); on time means that first return arrived on or before the plan's deadline day.
The state shown is that of the unit's newest return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from ..definitions.model import Plan
from ..project import Project
from .records import SubmissionRecord, state_has_errors, state_label

MAX_NAMED = 8  # units named in the one-line summary; the full list is in ``missing``

TIMELINESS_LABELS = {
    "on-time": "按时",
    "late": "逾期",
    "overdue": "逾期未报",
    "pending": "未报（未到截止日）",
    "": "—",
}


@dataclass(frozen=True)
class UnitStatus:
    unit: str
    name: str
    reported: bool
    submissions: int = 0
    first_received: str = ""
    last_received: str = ""
    state: str = ""  # state of the newest return ("" when none)
    current_sha256: str = ""
    current_file: str = ""  # file name of the newest return
    has_accepted: bool = False  # some return of the period is usable for the figures
    timeliness: str = ""  # on-time / late / overdue / pending / "" (no deadline)
    in_plan: bool = True  # False: a return from a unit the plan does not list as reporting

    @property
    def resubmissions(self) -> int:
        return max(0, self.submissions - 1)

    @property
    def state_label(self) -> str:
        return state_label(self.state) if self.state else "未报送"

    @property
    def timeliness_label(self) -> str:
        return TIMELINESS_LABELS[self.timeliness]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(resubmissions=self.resubmissions, state_label=self.state_label,
                 timeliness_label=self.timeliness_label)
        return d


@dataclass(frozen=True)
class StatusReport:
    plan_id: str
    plan_name: str
    period: str
    deadline: str  # ISO date or ""
    units: list[UnitStatus] = field(default_factory=list)
    others: list[UnitStatus] = field(default_factory=list)  # returns from units outside the plan

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def reported(self) -> int:
        return sum(u.reported for u in self.units)

    @property
    def accepted(self) -> int:
        return sum(u.has_accepted for u in self.units)

    @property
    def on_time(self) -> int:
        return sum(u.timeliness == "on-time" for u in self.units)

    @property
    def late(self) -> int:
        return sum(u.timeliness == "late" for u in self.units)

    @property
    def missing(self) -> list[UnitStatus]:
        return [u for u in self.units if not u.reported]

    @property
    def rate(self) -> float:
        return self.reported / self.total if self.total else 0.0

    @property
    def summary(self) -> str:
        text = f"报送率 {self.reported}/{self.total}（{self.rate:.0%}），其中可用于汇总 {self.accepted} 家"
        if self.deadline:
            text += f"；截止日期 {self.deadline}：按时 {self.on_time} 家，逾期 {self.late} 家"
        if self.missing:
            names = [u.name for u in self.missing]
            shown = "、".join(names[:MAX_NAMED])
            text += f"；未报送：{shown}" + (f"等 {len(names)} 家" if len(names) > MAX_NAMED else "")
        return text + "。"

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id, "plan_name": self.plan_name, "period": self.period,
            "deadline": self.deadline, "reported": self.reported, "total": self.total,
            "accepted": self.accepted, "on_time": self.on_time, "late": self.late,
            "rate": round(self.rate, 4), "summary": self.summary,
            "missing": [u.unit for u in self.missing],
            "units": [u.to_dict() for u in self.units], "others": [u.to_dict() for u in self.others],
        }


def project_status(project: Project, plan: Plan | None = None, *, today: dt.date | None = None) -> StatusReport:
    """The collection status, read only: a project without a ledger has no returns (no ledger is
    created for a question). ``plan``: the project's own plan when not given."""
    if plan is None:
        from ..definitions.loader import load_plan

        plan = load_plan(project.plan_path)
    if not project.ledger_path.exists():
        return build_status(plan, [], today=today)
    from .ledger import Ledger

    with Ledger.for_project(project) as ledger:
        return ledger.status(plan, today=today)


def build_status(plan: Plan, records: list[SubmissionRecord], *, today: dt.date | None = None) -> StatusReport:
    """Status per reporting unit from the period's identified returns (oldest first)."""
    from .ledger import plan_period

    by_unit: dict[str, list[SubmissionRecord]] = {}
    for r in records:
        if r.unit is not None:
            by_unit.setdefault(r.unit, []).append(r)
    deadline = plan.info.deadline
    day = today or dt.date.today()
    units = [_unit_status(u.code, u.name, by_unit.pop(u.code, []), deadline, day)
             for u in plan.reporting_units()]
    others = [_unit_status(code, recs[-1].unit_name or plan.unit_name(code), recs, deadline, day, False)
              for code, recs in sorted(by_unit.items())]
    return StatusReport(plan.info.id, plan.info.name, plan_period(plan),
                        deadline.isoformat() if deadline else "", units, others)


def _unit_status(code: str, name: str, recs: list[SubmissionRecord], deadline: dt.date | None,
                 today: dt.date, in_plan: bool = True) -> UnitStatus:
    if not recs:
        late = deadline is not None and today > deadline
        timeliness = "" if deadline is None else ("overdue" if late else "pending")
        return UnitStatus(code, name, False, timeliness=timeliness, in_plan=in_plan)
    newest = max(recs, key=lambda r: (r.received_at, r.id))
    first = min(r.received_at for r in recs)
    return UnitStatus(
        unit=code, name=name, reported=True, submissions=len(recs), first_received=first,
        last_received=newest.received_at, state=newest.state, current_sha256=newest.sha256,
        current_file=newest.file_name,
        has_accepted=any(not state_has_errors(r.state) for r in recs),
        timeliness=_timeliness(first, deadline), in_plan=in_plan,
    )


def _timeliness(first_received: str, deadline: dt.date | None) -> str:
    if deadline is None:
        return ""
    return "on-time" if dt.date.fromisoformat(first_received[:10]) <= deadline else "late"


@dataclass(frozen=True)
class UnitHistory:
    """Every return of one unit in the ledger, oldest first, replaced ones included."""

    unit: str  # the unit's code (as asked, when the plan no longer names it)
    name: str
    submissions: tuple[SubmissionRecord, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "submissions": [r.to_dict() for r in self.submissions]}


def unit_history(project: Project, unit: str) -> UnitHistory:
    """The history of ``unit`` (its code or name in the plan, or a code the ledger holds);
    :class:`~reportkit.errors.UsageError` when neither knows it. Read only: no ledger is created."""
    from ..definitions.loader import load_plan
    from ..errors import UsageError

    plan = load_plan(project.plan_path)
    known = plan.unit(unit)
    code = known.code if known else unit
    records: list[SubmissionRecord] = []
    if project.ledger_path.exists():
        from .ledger import Ledger

        with Ledger.for_project(project) as ledger:
            records = ledger.history(code)
    if known is None and not records:
        raise UsageError(f"找不到填报单位“{unit}”：请使用规划中的单位编码或名称（见 inputs 中的规划定义）。")
    name = known.name if known else records[-1].unit_name or unit
    return UnitHistory(code, name, tuple(records))
