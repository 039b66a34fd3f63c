"""A collect rehearsed on a scratch copy of the ledger, leaving the real one untouched.

``build --strict`` promises to write nothing when it refuses. Whether it refuses depends on
what the ledger would hold after collecting: the new files in ``inputs/returns/``, and the
returns already recorded (a unit's rejected newest return may come from a file no longer in
the folder; stored returns are checked again when the plan was edited). Rather than predict
that with a second copy of the collecting rules, the very same collect runs on a copy made
through a query-only connection, with originals read from the real store and written to a
scratch one. The real ledger's content and its originals are never written.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import LedgerError
from ..project import Project
from .ledger import Ledger
from .originals import OriginalStore


class _ShadowStore(OriginalStore):
    """Writes to a scratch folder; finds what the real store holds as well."""

    def __init__(self, root: Path, real: Path) -> None:
        super().__init__(root)
        self.real = OriginalStore(real)

    def find(self, sha256: str) -> Path | None:
        return super().find(sha256) or self.real.find(sha256)


@contextmanager
def rehearsal(project: Project) -> Iterator[Ledger]:
    """A ledger holding what the project's ledger holds now, to be changed and thrown away."""
    with tempfile.TemporaryDirectory(prefix="reportkit-rehearsal-") as tmp:
        copy = Path(tmp) / "ledger.db"
        if project.ledger_path.exists():
            _copy_read_only(project.ledger_path, copy)
        ledger = Ledger(copy)
        ledger.store = _ShadowStore(Path(tmp) / "originals", project.state_dir / "originals")
        try:
            yield ledger
        finally:
            ledger.close()


def _copy_read_only(source: Path, target: Path) -> None:
    """Copy through SQLite's backup (it sees what a write in progress has committed, which a
    byte copy may not). The connection is query-only. It is not opened with ``mode=ro``: such a
    connection leaves empty ``-wal``/``-shm`` files beside a WAL ledger, where an ordinary one
    removes them on close; the ledger's bytes stay the same either way."""
    try:
        src = sqlite3.connect(source, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise LedgerError(f"无法读取报送台账 {source}：{exc}") from exc
    try:
        src.execute("PRAGMA query_only = ON")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise LedgerError(f"无法读取报送台账 {source}（{exc}），未作任何修改。") from exc
    finally:
        src.close()
