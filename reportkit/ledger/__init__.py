"""The submission ledger: every return received is kept, with its findings and values;
resubmissions keep their history; the coordinator sees who has reported."""

from __future__ import annotations

from .ledger import CHECKPOINTS, Ledger, Validator, normalize_received, plan_period, prefill_by_unit
from .records import OUTCOME_LABELS, CollectResult, Outcome, SubmissionRecord
from .schema import MIGRATIONS, SCHEMA_VERSION
from .status import StatusReport, UnitHistory, UnitStatus, project_status, unit_history

__all__ = [
    "CHECKPOINTS", "MIGRATIONS", "OUTCOME_LABELS", "SCHEMA_VERSION", "CollectResult", "Ledger", "Outcome",
    "StatusReport", "SubmissionRecord", "UnitHistory", "UnitStatus", "Validator", "normalize_received",
    "plan_period", "prefill_by_unit", "project_status", "unit_history",
]
