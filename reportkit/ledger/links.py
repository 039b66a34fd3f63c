"""Each reporting unit's private link to the web intake.

A link carries a random token of 192 bits. The ledger keeps only the token's SHA-256 (the
token itself is shown once, when it is issued), so a copy of the ledger opens no unit's page.
A renewed link replaces the old one at once; a revoked one opens nothing. Old rows stay with
``revoked_at`` set, as a record of what was handed out when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass

from .schema import immediate

TOKEN_BYTES = 24  # 192 bits of randomness; the URL form is 32 characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@dataclass(frozen=True)
class IssuedLink:
    """A unit's active link. ``token`` is set only in the answer that issued it."""

    unit: str
    issued_at: str
    token: str | None = None


class LinkStore:
    """Links of one plan, in the ledger behind ``conn``."""

    def __init__(self, conn: sqlite3.Connection, plan_id: str) -> None:
        self.conn = conn
        self.plan_id = plan_id

    def active(self) -> dict[str, IssuedLink]:
        rows = self.conn.execute("SELECT unit, issued_at FROM unit_links WHERE plan_id = ? AND revoked_at IS NULL",
                                 (self.plan_id,)).fetchall()
        return {r["unit"]: IssuedLink(r["unit"], r["issued_at"]) for r in rows}

    def issue(self, units: list[str], *, renew: bool = False) -> list[IssuedLink]:
        """A new link for each of ``units`` that has none (with ``renew``: for each, replacing
        the one it has). One transaction: either every link is issued or none."""
        issued = []
        with self._transaction():
            for unit in units:
                if renew:
                    self._revoke(unit)
                elif self._active_row(unit) is not None:
                    continue
                issued.append(self._insert(unit))
        return issued

    def revoke(self, unit: str) -> bool:
        """Close the unit's link; False when it had none."""
        with self._transaction():
            return self._revoke(unit)

    def _transaction(self) -> AbstractContextManager[None]:
        return immediate(self.conn)

    def resolve(self, token: str) -> str | None:
        """The unit whose active link carries ``token``, or None."""
        if not token or len(token) > 128:
            return None
        row = self.conn.execute(
            "SELECT unit FROM unit_links WHERE token_sha256 = ? AND plan_id = ? AND revoked_at IS NULL",
            (token_digest(token), self.plan_id)).fetchone()
        return None if row is None else str(row["unit"])

    def _active_row(self, unit: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT id FROM unit_links WHERE plan_id = ? AND unit = ? AND revoked_at IS NULL",
            (self.plan_id, unit)).fetchone()
        return row

    def _revoke(self, unit: str) -> bool:
        cur = self.conn.execute("UPDATE unit_links SET revoked_at = ? WHERE plan_id = ? AND unit = ? "
                                "AND revoked_at IS NULL", (_now(), self.plan_id, unit))
        return cur.rowcount > 0

    def _insert(self, unit: str) -> IssuedLink:
        token, when = new_token(), _now()
        self.conn.execute("INSERT INTO unit_links (plan_id, unit, token_sha256, issued_at) VALUES (?, ?, ?, ?)",
                          (self.plan_id, unit, token_digest(token), when))
        return IssuedLink(unit, when, token)
