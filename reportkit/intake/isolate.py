"""Run one reader call in a child process whose death cannot take the run down.

The spreadsheet readers are native code: a hostile or unlucky file can make them request
hundreds of gigabytes (the Rust allocator then aborts the whole process, no exception to
catch) or spin for minutes. :func:`run_isolated` forks, caps the child's address space and
wall time, and turns an abort, a kill or a timeout into :class:`IsolationFailed`, so the
file gets a finding and the batch goes on. Where ``fork`` does not exist the call runs
in-process.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

MEMORY_LIMIT = 3 * 2**30  # bytes of address space added on top of the parent's
TIME_LIMIT = 120.0  # seconds for one file (the machine may be busy; a normal return takes < 1 s)


class IsolationFailed(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason  # "too-large" (memory) | "timeout" | "crashed"
        self.detail = detail


def run_isolated(fn: Callable[[], T], *, memory: int = MEMORY_LIMIT, seconds: float = TIME_LIMIT) -> T:
    """``fn()`` computed in a forked child; its result (or exception) is pickled back."""
    if not hasattr(os, "fork"):
        return fn()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        _child(fn, write_end, memory)
    os.close(write_end)
    try:
        data = _read_all(read_end, pid, seconds)
    finally:
        os.close(read_end)
    status = _reap(pid)
    if data is None:
        raise IsolationFailed("timeout", f"读取超过 {seconds:.0f} 秒仍未完成")
    if not data:
        raise IsolationFailed(*_death(status, memory))
    ok, value = pickle.loads(data)
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def _child(fn: Callable[[], object], fd: int, memory: int) -> None:
    code = 0
    try:
        _quiet()
        _limit_memory(memory)
        try:
            payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            payload = pickle.dumps((False, _picklable(exc)), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def _quiet() -> None:
    """The reader's own dying words (Rust's "memory allocation failed" and backtrace) are not
    for the user's terminal: the parent reports the file as a finding."""
    import faulthandler

    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - an exception that does not round-trip becomes a plain one
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _limit_memory(extra: int) -> None:
    try:
        import resource
    except ImportError:
        return
    try:
        with open(f"/proc/{os.getpid()}/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 0
    limit = current + extra
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _read_all(fd: int, pid: int, seconds: float) -> bytes | None:
    """Everything the child writes, or None when it runs out of time (it is then killed)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue


def _death(status: int, memory: int) -> tuple[str, str]:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGSEGV, signal.SIGKILL):
        return "too-large", f"读取时所需内存超过 {memory // 2**30} GB 上限，读取程序已中止"
    return "crashed", "读取程序意外退出"
