"""How each unit's returns were collected, as the report and the manifest tell it.

Made by gathering (from the ledger) before anything is rendered, so kept apart from the report
context and its imports.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Submission:
    """One unit's latest return as the report lists it (附件2)."""

    unit: str
    file: str
    received_at: str = ""
    state: str = ""  # a key of STATE_LABELS
    included: bool = True
    resubmissions: int = 0
    timeliness: str = ""  # on-time / late / "" (no deadline known)
    used_file: str = ""  # the return whose figures are used, when not the newest one
    used_received_at: str = ""


@dataclass(frozen=True)
class Fallback:
    """A unit whose newest return was rejected while an older accepted one is used."""

    unit: str
    rejected_file: str
    used_file: str
    used_received_at: str = ""
