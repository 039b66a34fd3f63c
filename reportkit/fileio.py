"""Writing outputs safely: to a temporary file beside the target, then moved into place.

An interrupted run never leaves a half-written file, and the previous file survives a
failed write. Every output of reportkit goes through :func:`write_via_temp`.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

# Most file systems cap a name at 255 bytes; names we make stay well below, leaving room for
# a "（2）" added to keep two names apart and for the temporary-file prefix.
MAX_NAME_BYTES = 180
TEMP_PREFIX = ".~"  # temporary files being written; a killed run's leftovers are removed by the next
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def safe_file_name(name: str, suffix: str = "", *, fallback: str = "未命名", max_bytes: int = MAX_NAME_BYTES) -> str:
    """``name`` (from a plan, a unit or a received file: untrusted) made into a file name every
    system accepts, followed by ``suffix`` (our own text, such as ``-审核意见.xlsx``).

    Forbidden and control characters become ``_``; no leading or trailing dots or spaces (no
    hidden files, nothing Windows strips); Windows device names get a ``_``; the whole name is
    cut to ``max_bytes`` of UTF-8 at a character boundary."""
    cleaned = _FORBIDDEN.sub("_", name).strip().strip(". ") or fallback
    if cleaned.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    budget = max(max_bytes - len(suffix.encode("utf-8")), 1)
    data = cleaned.encode("utf-8")
    if len(data) > budget:
        cleaned = data[:budget].decode("utf-8", "ignore").rstrip(". ")
    return cleaned + suffix


def write_via_temp(target: Path, write: Callable[[Path], None], *, shared: bool = True) -> Path:
    """Call ``write(tmp)`` with a temporary path in ``target``'s folder, then move it onto ``target``.

    ``shared``: readable by others like any file the user saves (mkstemp makes it private)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{safe_file_name(target.stem, max_bytes=60)}-",
                                suffix=target.suffix[:16], dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if shared:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_bytes(target: Path, data: bytes, *, shared: bool = True) -> Path:
    """``data`` written to ``target`` through a synced temporary file."""

    def put(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    return write_via_temp(target, put, shared=shared)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def generated_doc_main(generate: Callable[[], str], argv: Sequence[str] | None = None) -> int:
    """``python -m …  [FILE]`` for the generated references in ``docs/``: write ``generate()``
    to FILE, or print it."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = generate()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
