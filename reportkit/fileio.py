"""Writing outputs safely: to a temporary file beside the target, then moved into place.

An interrupted run never leaves a half-written file, and the previous file survives a
failed write. Every output of reportkit goes through :func:`write_via_temp`.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path


def write_via_temp(target: Path, write: Callable[[Path], None], *, shared: bool = True) -> Path:
    """Call ``write(tmp)`` with a temporary path in ``target``'s folder, then move it onto ``target``.

    ``shared``: readable by others like any file the user saves (mkstemp makes it private)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".~{target.stem[:40]}-", suffix=target.suffix, dir=target.parent)
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
