"""Original returns stored content-addressed: ``originals/ab/abcdef….xlsx``.

A file is written to a temporary name in its final directory, flushed to disk and moved
into place with :func:`os.replace`, so a blob is either complete or absent. The ledger
writes the blob before it commits the row that names it: an orphan blob is harmless,
a row without its blob is not.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..fileio import write_bytes

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_suffix(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix in SPREADSHEET_SUFFIXES else ".bin"


class OriginalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str, file_name: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}{blob_suffix(file_name)}"

    def find(self, sha256: str) -> Path | None:
        """The stored copy, whatever its suffix (``sha256.*``, never a ``.tmp`` being written).
        Listed rather than globbed: a glob compiles a pattern for each hash, and a national
        collect looks thousands of them up."""
        folder = self.root / sha256[:2]
        try:
            names = os.listdir(folder)
        except OSError:  # no such folder (or unreadable: nothing found, as a glob finds nothing)
            return None
        prefix = f"{sha256}."
        found = sorted(n for n in names if n.startswith(prefix) and not n.endswith(".tmp"))
        return folder / found[0] if found else None

    def put(self, sha256: str, file_name: str, data: bytes, *, sync: bool = True) -> Path:
        """Store ``data`` unless a complete copy is already there; return its path.

        ``sync=False``: not yet flushed to disk; the caller syncs it (:func:`~reportkit.fileio.sync_files`)
        before it commits a row naming it (a batch syncs all its originals at once)."""
        target = self.path_for(sha256, file_name)
        if target.exists() and target.stat().st_size == len(data):
            return target
        return write_bytes(target, data, sync=sync)
