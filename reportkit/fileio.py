"""Writing outputs safely: to a temporary file beside the target, then moved into place.

An interrupted run never leaves a half-written file, and the previous file survives a
failed write. Every output of reportkit goes through :func:`write_via_temp`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from itertools import islice
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


def write_via_temp(target: Path, write: Callable[[Path], object], *, shared: bool = True) -> Path:
    """Call ``write(tmp)`` with a temporary path in ``target``'s folder, then move it onto ``target``.

    ``shared``: readable by others like any file the user saves (mkstemp makes it private)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target.parent, recursive=False)
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{safe_file_name(target.stem, max_bytes=60)}-p{os.getpid()}-",
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


_TEMP_NAME = re.compile(r"^\.~.*-p(\d+)-[^-]+$")
PENDING = ".reportkit-pending.json"  # a set of outputs staged and being moved into place
Content = bytes | Callable[[Path], None]


# Temporary files of versions that did not name the writer: ``.~name-xxxxxxxx.ext`` (mkstemp's
# eight random characters). Never LibreOffice's lock files (``.~lock.name#``).
_OLD_TEMP_NAME = re.compile(r"^\.~(?!lock\.).+-[a-z0-9_]{8}(\.[^.#]{1,16})?$")
OLD_TEMP_STALE_AFTER = 24 * 3600  # seconds untouched before such a file counts as left behind


def remove_stale_temps(folder: Path, *, recursive: bool = True) -> list[Path]:
    """Delete the temporary files (``.~name-p<pid>-xxxx.ext``) that a killed run left in
    ``folder``: those whose writing process no longer exists. A run in progress keeps its own.

    Files named by older versions carry no process id: they are removed once untouched for a
    day and open in no process this user can see (a writer updates the time as it writes)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    candidates = folder.rglob(f"{TEMP_PREFIX}*") if recursive else folder.glob(f"{TEMP_PREFIX}*")
    removed, old = [], []
    for path in list(candidates):
        m = _TEMP_NAME.match(path.name)
        if not m:
            if _OLD_TEMP_NAME.match(path.name):
                old.append(path)
            continue
        if path.is_symlink() or _alive(int(m.group(1))) or not path.exists():
            continue
        if path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir() and not (path.parent / PENDING).exists():  # staged outputs not yet moved: kept
            shutil.rmtree(path, ignore_errors=True)
        else:
            continue
        removed.append(path)
    return removed + _remove_old_temps(old)


def _remove_old_temps(paths: list[Path]) -> list[Path]:
    import time

    now = time.time()
    stale = []
    for path in paths:
        try:
            info = path.lstat()
        except OSError:
            continue
        if not path.is_symlink() and path.is_file() and now - info.st_mtime > OLD_TEMP_STALE_AFTER:
            stale.append(path)
    if not stale:
        return []
    held = open_files()
    removed = []
    for path in stale:
        if held is not None and _same_file_in(path, held):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def open_files() -> set[tuple[int, int]] | None:
    """(device, inode) of every file open in a process whose descriptors this user can read
    (Linux ``/proc``); None where that cannot be known."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return None
    held: set[tuple[int, int]] = set()
    for fd_dir in proc.glob("[0-9]*/fd"):
        try:
            entries = list(fd_dir.iterdir())
        except OSError:  # another user's process, or gone meanwhile
            continue
        for entry in entries:
            try:
                info = entry.stat()
            except OSError:
                continue
            held.add((info.st_dev, info.st_ino))
    return held


def _same_file_in(path: Path, held: set[tuple[int, int]]) -> bool:
    try:
        info = path.stat()
    except OSError:
        return True  # gone or unreadable: leave it
    return (info.st_dev, info.st_ino) in held


def replace_as_set(root: Path, files: dict[Path, Content]) -> list[Path]:
    """Write ``files`` (all under ``root``) so that they replace the previous ones as one set.

    Every file is first written completely into a staging folder inside ``root``; then a
    journal naming them is written, and they are moved into place. A run killed before the
    journal leaves only a stale staging folder (removed later, the old set intact); killed after
    it, the move is finished by the next call (:func:`finish_pending`): never a new report
    beside an old summary."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    finish_pending(root)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}set-p{os.getpid()}-", dir=root))
    names = []
    for target, content in files.items():
        rel = Path(target).relative_to(root)
        staged = staging / rel
        if isinstance(content, bytes):
            write_bytes(staged, content)
        else:
            write_via_temp(staged, content)
        names.append(rel.as_posix())
    write_bytes(root / PENDING, json.dumps({"staging": staging.name, "files": names}).encode("utf-8"))
    _move_staged(root, staging.name, names)
    return [root / n for n in names]


def finish_pending(root: Path) -> None:
    """Complete the move of a staged set of outputs that a killed run left half done."""
    journal = Path(root) / PENDING
    if not journal.is_file():
        return
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        staging, names = str(data["staging"]), [str(n) for n in data["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)  # unreadable: written by no complete run; the staging folder goes stale
        return
    if _TEMP_NAME.match(staging) and "/" not in staging:
        _move_staged(Path(root), staging, names)
    journal.unlink(missing_ok=True)


def _move_staged(root: Path, staging_name: str, names: list[str]) -> None:
    staging = root / staging_name
    for name in names:
        src, dst = staging / name, root / name
        if ".." in Path(name).parts or not src.is_file():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
    (root / PENDING).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: keep the file
    return True


def write_bytes(target: Path, data: bytes, *, shared: bool = True, sync: bool = True) -> Path:
    """``data`` written to ``target`` through a synced temporary file (``sync=False``: not
    synced; the caller does it, e.g. for many files at once with :func:`sync_files`)."""

    def put(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())

    return write_via_temp(target, put, shared=shared)


SYNCFS_FROM = 16  # files: from this many on, one syncfs(2) per file system instead of an fsync each


def sync_files(paths: Sequence[Path]) -> None:
    """Flush ``paths`` and then the folders holding them (each once) to disk: after this, the
    files and their names survive a crash.

    A batch of many files (a province's returns stored at once: thousands of files and folders)
    is flushed with one ``syncfs`` per file system where Linux has it, instead of one ``fsync``
    per file and per folder; where it is missing or reports an error, each is synced alone."""
    if len(paths) >= SYNCFS_FROM and _sync_file_systems(paths):
        return
    for path in paths:
        _fsync(path, os.O_RDONLY)
    for folder in sorted({Path(p).parent for p in paths}):
        _fsync(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _sync_file_systems(paths: Sequence[Path]) -> bool:
    """``syncfs`` once for each file system holding ``paths``; False when it cannot be used
    (not Linux, no such call, or it failed: the caller syncs file by file)."""
    syncfs = _syncfs()
    if syncfs is None:
        return False
    done: set[int] = set()
    try:
        for path in paths:
            fd = os.open(path, os.O_RDONLY)
            try:
                device = os.fstat(fd).st_dev
                if device not in done:
                    if syncfs(fd) != 0:
                        return False
                    done.add(device)
            finally:
                os.close(fd)
    except OSError:
        return False
    return True


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    call.argtypes, call.restype = [ctypes.c_int], ctypes.c_int
    return call  # type: ignore[no-any-return]


def _fsync(path: Path, flags: int) -> None:
    try:
        fd = os.open(path, flags)
    except OSError:  # a folder cannot be opened on every system (Windows): its entries are synced with the file
        if flags == os.O_RDONLY:
            raise
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def json_writer(make: Callable[[], object], **options: object) -> Callable[[Path], None]:
    """A :data:`Content` writing ``json.dumps(make(), **options)`` as UTF-8, byte for byte,
    without holding the whole text: the value is built when the file is written and encoded
    to the synced file piece by piece (a national plan's validation results are hundreds of MB
    as one string)."""

    def put(tmp: Path) -> None:
        pieces = json.JSONEncoder(**options).iterencode(make())  # type: ignore[arg-type]
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            while chunk := "".join(islice(pieces, 4096)):
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())

    return put


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
    if args and args[0].startswith("-"):  # never a file named "--help"
        started = getattr(sys.modules.get("__main__"), "__spec__", None)  # python -m reportkit.catalogue
        module = started.name if started else generate.__module__
        usage = f"用法：python -m {module} [FILE]（写入 FILE；不给 FILE 时打印到标准输出）\n"
        if args[0] in ("-h", "--help"):
            sys.stdout.write(usage)
            return 0
        sys.stderr.write(usage + f"错误：没有选项 {args[0]!r}。\n")
        return 2
    text = generate()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
