"""Reporting rounds in the ledger: which rounds a plan has had, the one before the current
round, and each unit's returns round by round.

Rounds are kept apart by the ``period`` every return carries (2020-一季度, 2020-上半年). A
round is recorded when it is built; a round whose returns were collected but never built is
still known from its returns when its period names a cut-off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..definitions.model import Plan
from ..definitions.rounds import period_cutoff, period_round_label
from .ledger import Ledger, plan_period
from .records import state_has_errors


@dataclass(frozen=True)
class Round:
    period: str  # as forms carry it: 2020-上半年
    label: str  # as a reader says it: 2020年上半年
    cutoff: dt.date

    def to_dict(self) -> dict[str, str]:
        return {"period": self.period, "label": self.label, "cutoff": self.cutoff.isoformat()}


@dataclass(frozen=True)
class UnitRound:
    """One unit's returns in one round: how many, the one used, and its verdict."""

    round: Round
    returns: int
    used_file: str
    received_at: str
    state: str
    accepted: bool


def current_round(plan: Plan) -> Round:
    return Round(plan_period(plan), plan.info.period_label, plan.info.cutoff)


def record_round(ledger: Ledger, plan: Plan) -> Round:
    """Remember the plan's current round (idempotent)."""
    r = current_round(plan)
    ledger.conn.execute(
        "INSERT OR IGNORE INTO rounds (plan_id, period, label, cutoff, recorded_at) VALUES (?, ?, ?, ?, ?)",
        (plan.info.id, r.period, r.label, r.cutoff.isoformat(), dt.datetime.now().isoformat(timespec="seconds")))
    return r


def known_rounds(ledger: Ledger, plan: Plan) -> list[Round]:
    """Every round of this plan the ledger knows, by cut-off (recorded ones, then those only
    seen in returns whose period names a cut-off)."""
    found: dict[str, Round] = {}
    for row in ledger.conn.execute("SELECT period, label, cutoff FROM rounds WHERE plan_id = ?", (plan.info.id,)):
        found[row["period"]] = Round(row["period"], row["label"], dt.date.fromisoformat(row["cutoff"]))
    for row in ledger.conn.execute("SELECT DISTINCT period FROM submissions WHERE plan_id = ? AND period IS NOT NULL",
                                   (plan.info.id,)):
        cutoff = period_cutoff(row["period"])
        if row["period"] not in found and cutoff is not None:
            found[row["period"]] = Round(row["period"], period_round_label(row["period"]), cutoff)
    return sorted(found.values(), key=lambda r: (r.cutoff, r.period))


def previous_round(ledger: Ledger, plan: Plan) -> Round | None:
    """The latest round of this plan that ended before the current one, if any."""
    current = plan_period(plan)
    earlier = [r for r in known_rounds(ledger, plan) if r.cutoff < plan.info.cutoff and r.period != current]
    return earlier[-1] if earlier else None


def unit_rounds(ledger: Ledger, plan: Plan, unit: str) -> list[UnitRound]:
    """A unit's returns round by round (oldest round first): the newest return of each round
    is the one used, if it has no errors."""
    out = []
    for rnd in known_rounds(ledger, plan):
        rows = ledger.conn.execute(
            "SELECT file_name, received_at, state FROM submissions WHERE plan_id = ? AND unit = ? AND period = ? "
            "ORDER BY received_at, id", (plan.info.id, unit, rnd.period)).fetchall()
        if not rows:
            continue
        accepted = [r for r in rows if not state_has_errors(r["state"])]
        used = accepted[-1] if accepted else rows[-1]
        out.append(UnitRound(rnd, len(rows), used["file_name"], used["received_at"], used["state"], bool(accepted)))
    return out
