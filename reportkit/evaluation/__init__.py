"""reportkit.evaluation: roll-up, progress against the schedule, status and projection.

:func:`evaluate` takes the plan and the accepted returns and gives an
:class:`~reportkit.evaluation.types.Evaluation` (pure; no file I/O).
"""

from .engine import evaluate
from .types import (
    Evaluation,
    Explanation,
    IndicatorResult,
    ProgressMethod,
    Projection,
    Provenance,
    ReportingCoverage,
    RollUp,
    Status,
    TaskResult,
    TaskSummary,
    UnitIndicatorResult,
)

__all__ = [
    "Evaluation", "Explanation", "IndicatorResult", "ProgressMethod", "Projection", "Provenance",
    "ReportingCoverage", "RollUp", "Status", "TaskResult", "TaskSummary", "UnitIndicatorResult",
    "evaluate",
]
