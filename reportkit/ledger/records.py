"""Values the ledger hands out: one submission as recorded, and the outcome of one collect."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..findings import Finding
from ..intake.types import STATE_LABELS

REJECTED = "rejected"  # not identifiable as a return of any unit: kept, counted for no one


class Outcome(StrEnum):
    NEW = "new"  # first return of this unit and period
    ALREADY = "already"  # these exact bytes were collected before: nothing changed
    SUPERSEDED = "superseded"  # a resubmission: replaces the unit's earlier return
    OUTDATED = "outdated"  # received before the unit's current return: kept in history only
    REJECTED = "rejected"  # unreadable or not a return form: kept with its findings

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.NEW: "新登记",
    Outcome.ALREADY: "已登记过（未重复登记）",
    Outcome.SUPERSEDED: "重新报送（替换旧版本）",
    Outcome.OUTDATED: "早于现用版本（仅存档）",
    Outcome.REJECTED: "无法受理",
}


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def state_has_errors(state: str) -> bool:
    return state in ("has-errors", REJECTED)


@dataclass(frozen=True)
class SubmissionRecord:
    """One received file as the ledger knows it (newest state, never edited afterwards
    except for ``superseded_by``)."""

    id: int
    sha256: str
    file_name: str
    source_path: str
    size: int
    plan_id: str | None
    unit: str | None
    unit_name: str | None
    period: str | None
    fingerprint: str | None
    form_version: str | None
    received_at: str
    collected_at: str
    state: str
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    superseded_by: str | None = None
    original: str = ""  # path of the stored copy
    findings: tuple[Finding, ...] = ()

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def has_errors(self) -> bool:
        return state_has_errors(self.state)

    @property
    def current(self) -> bool:
        """The newest return of its unit and period (a refused form of another period is in
        no period: never current)."""
        return self.superseded_by is None and not self.other_period

    @property
    def other_period(self) -> bool:
        """A refused form of another period of the plan: in its unit's history, in no period."""
        return self.unit is not None and self.period is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "sha256": self.sha256, "file_name": self.file_name,
            "source_path": self.source_path, "size": self.size, "plan_id": self.plan_id,
            "unit": self.unit, "unit_name": self.unit_name, "period": self.period,
            "fingerprint": self.fingerprint, "form_version": self.form_version,
            "received_at": self.received_at, "collected_at": self.collected_at,
            "state": self.state, "state_label": self.state_label,
            "errors": self.errors, "warnings": self.warnings, "infos": self.infos,
            "superseded_by": self.superseded_by, "original": self.original,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class CollectResult:
    """What collecting one file did."""

    path: str
    sha256: str
    outcome: Outcome
    record: SubmissionRecord
    replaced: tuple[str, ...] = ()  # sha256 of the returns this one superseded

    @property
    def has_errors(self) -> bool:
        return self.record.has_errors

    @property
    def needs_attention(self) -> bool:
        """Errors in a return that is still the unit's current one (or an unidentified file)."""
        return self.record.has_errors and self.record.current

    @property
    def message(self) -> str:
        who = self.record.unit_name or self.record.unit or "未能识别填报单位"
        return f"{self.outcome.label}：{who}，{self.record.state_label}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "sha256": self.sha256, "outcome": self.outcome.value,
            "outcome_label": self.outcome.label, "unit": self.record.unit,
            "unit_name": self.record.unit_name, "state": self.record.state,
            "state_label": self.record.state_label, "replaced": list(self.replaced),
            "message": self.message, "findings": [f.to_dict() for f in self.record.findings],
            "submission": {k: v for k, v in self.record.to_dict().items() if k != "findings"},
        }
