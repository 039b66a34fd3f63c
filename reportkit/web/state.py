"""What the intake server holds between requests: the project, its plan (read again when the
coordinator edits it), the signing key and the limits. Each request opens its own ledger
connection; SQLite in WAL mode serialises the writes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..definitions.loader import load_plan
from ..definitions.model import Plan
from ..ledger import Ledger
from ..ledger.links import LinkStore
from ..project import Project
from .auth import Settings, Signer

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a filled return is well under 1 MB


@dataclass
class Intake:
    project: Project
    max_upload: int = MAX_UPLOAD_BYTES
    _plan: tuple[Path, int, Plan] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _signer: Signer | None = field(default=None, repr=False)

    def plan(self) -> Plan:
        """The project's plan, loaded again when its file changed."""
        path = self.project.plan_path
        stamp = path.stat().st_mtime_ns
        with self._lock:
            if self._plan is None or self._plan[:2] != (path, stamp):
                self._plan = (path, stamp, load_plan(path))
            return self._plan[2]

    def ledger(self) -> Ledger:
        return Ledger.for_project(self.project)

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            with self.ledger() as ledger:
                self._signer = Signer(Settings(ledger.conn).signing_key())
        return self._signer

    def password_hash(self) -> str | None:
        with self.ledger() as ledger:
            return Settings(ledger.conn).password_hash

    def unit_for(self, token: str) -> str | None:
        """The reporting unit whose active link carries ``token``."""
        plan = self.plan()
        with self.ledger() as ledger:
            unit = LinkStore(ledger.conn, plan.info.id).resolve(token)
        reporting = {u.code for u in plan.reporting_units()}
        return unit if unit in reporting else None
