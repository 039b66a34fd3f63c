"""Run one reader call in a child process whose death cannot take the run down.

The spreadsheet readers are native code: a hostile or unlucky file can make them request
hundreds of gigabytes (the Rust allocator then aborts the whole process, no exception to
catch) or spin for minutes. :func:`run_isolated` forks, caps the child's address space and
wall time, and turns an abort, a kill or a timeout into :class:`IsolationFailed`, so the
file gets a finding and the batch goes on. Where ``fork`` does not exist the call runs
in-process.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, Self, TypeVar

T = TypeVar("T")

WORKER_GC_THRESHOLD = 20_000  # allocations between two young collections in a pool worker (Python's: 700)
MEMORY_LIMIT = 3 * 2**30  # bytes of address space added on top of the parent's
TIME_LIMIT = 120.0  # seconds for one file (the machine may be busy; a normal return takes < 1 s)
# Tasks a pool worker holds at a time: the one it works on and those next. Enough that a worker
# does not wait while this process is busy between two results (recording one in the ledger,
# importing a module); few enough that the workers finish the batch at about the same time.
QUEUED = 4


class IsolationFailed(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason  # "too-large" (memory) | "timeout" | "crashed"
        self.detail = detail


def run_isolated(fn: Callable[[], T], *, memory: int = MEMORY_LIMIT, seconds: float = TIME_LIMIT) -> T:
    """``fn()`` computed in a forked child; its result (or exception) is pickled back."""
    if not hasattr(os, "fork"):
        return fn()
    pid, read_end = _start(fn, memory)
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


def _start(fn: Callable[[], object], memory: int) -> tuple[int, int]:
    """Fork a child computing ``fn()``: (its pid, the fd its pickled answer comes on). An
    ``OSError`` (no process can be made now) leaves no pipe open."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # child
        os.close(read_end)
        _child(fn, write_end, memory)
    os.close(write_end)
    return pid, read_end


def _child(fn: Callable[[], object], fd: int, memory: int) -> None:
    code = 0
    try:
        _quiet()
        _limit_memory(memory)
        gc.freeze()  # what the child inherited is never collected here (as in the pool's workers)
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


def _read_exact(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


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


def _fork_with_pipes(child: Callable[[int, int], None]) -> tuple[int, int, int]:
    """Fork a child running ``child(receive_fd, send_fd)`` (it must end with ``os._exit``):
    (its pid, the fd this process sends to it through, the fd it answers on)."""
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process can be made now (a limit reached): the caller decides
        for fd in (to_child_r, to_child_w, to_parent_r, to_parent_w):
            os.close(fd)
        raise
    if pid == 0:  # child
        os.close(to_child_w)
        os.close(to_parent_r)
        child(to_child_r, to_parent_w)
        os._exit(1)  # not reached: the child function exits itself
    os.close(to_child_r)
    os.close(to_parent_w)
    return pid, to_child_w, to_parent_r


# one call alongside ------------------------------------------------------------------------

class Alongside(Generic[T]):
    """``work()`` computed in a child forked now, while this process goes on; :meth:`result`
    waits for the value (an exception ``work`` raised is raised here). The child shares what this
    process holds at the fork (a report context it works from is not copied).

    The child runs under the same memory cap as :func:`run_isolated`. Where ``fork`` does not
    exist or fails, or the child died or ran out of time, :meth:`result` computes ``work()`` in
    this process: the value is the same, only later. Use it as a context manager, or call
    :meth:`close`, so that a child whose result is not asked for is stopped."""

    def __init__(self, work: Callable[[], T], *, memory: int = MEMORY_LIMIT) -> None:
        self._work = work
        self._pid: int | None = None
        if not hasattr(os, "fork"):
            return
        try:
            self._pid, self._receive = _start(work, memory)
        except OSError:
            self._pid = None  # no child: the work is done here

    def result(self, seconds: float = TIME_LIMIT) -> T:
        if self._pid is not None:
            data = _read_all(self._receive, self._pid, seconds)
            self.close()
            if data:
                ok, value = pickle.loads(data)
                if ok:
                    return value  # type: ignore[no-any-return]
                raise value
        return self._work()

    def close(self) -> None:
        """Stop the child (if it is still running) and release it."""
        if self._pid is None:
            return
        try:
            os.close(self._receive)
        except OSError:
            pass
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap(self._pid)
        self._pid = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# many calls on several cores ------------------------------------------------------------

def default_jobs() -> int:
    """Worker processes for a batch: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_isolated_many(tasks: Sequence[Callable[[], T]], *, jobs: int, memory: int = MEMORY_LIMIT,
                      seconds: float = TIME_LIMIT) -> Iterator[T | BaseException]:
    """Each ``tasks[i]()`` computed in one of ``jobs`` forked worker processes, yielded in task
    order: its value, the exception it raised, or :class:`IsolationFailed` when its worker died
    (abort, kill) or ran out of time on it. A worker is forked once and runs task after task
    under the same limits as :func:`run_isolated` (each task has ``seconds``); a dead or killed
    worker is replaced and the other tasks go on. Where ``fork`` does not exist the tasks run
    in-process, one after the other."""
    if not hasattr(os, "fork"):
        for task in tasks:
            try:
                yield task()
            except Exception as exc:  # noqa: BLE001 - handed to the caller like a worker's
                yield exc
        return
    pending = deque(range(len(tasks)))
    done: dict[int, T | BaseException] = {}
    workers: list[_Worker] = []
    try:
        workers.extend(_Worker.start(tasks, memory) for _ in range(min(jobs, len(tasks))))
        for index in range(len(tasks)):
            while index not in done:
                # Each worker holds its next task as well as the one it works on: it starts the
                # next as soon as it sends a result, while this process is busy with what it got.
                for depth in range(1, QUEUED + 1):
                    for w in workers:
                        if len(w.tasks) < depth and pending:
                            w.assign(pending.popleft(), seconds)
                _wait(workers, done, tasks, memory, seconds, pending)
            yield done.pop(index)
    finally:
        for w in workers:
            w.stop()


class _Worker:
    """One forked worker: task numbers go in through one pipe, pickled results come out of another.

    It is given up to :data:`QUEUED` tasks at a time and runs them in the order given; the
    first of ``tasks`` is the one it works on (its time limit runs from when it started)."""

    def __init__(self, pid: int, send: int, receive: int) -> None:
        self.pid, self.send, self.receive = pid, send, receive
        self.tasks: deque[int] = deque()
        self.deadline = 0.0
        self.buffer = bytearray()
        self.seconds = TIME_LIMIT

    @classmethod
    def start(cls, tasks: Sequence[Callable[[], object]], memory: int) -> _Worker:
        return cls(*_fork_with_pipes(lambda receive, send: _serve(tasks, receive, send, memory)))

    @property
    def task(self) -> int | None:
        """The task being worked on."""
        return self.tasks[0] if self.tasks else None

    def assign(self, index: int, seconds: float) -> None:
        if not self.tasks:
            self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.tasks.append(index)
        try:
            os.write(self.send, index.to_bytes(4, "little"))
        except OSError:
            pass  # the worker has died (on the task before): its end is read next, and the task given to another

    def finished(self) -> tuple[int, bytes] | None:
        """(task, its pickled value or the exception it raised) once the whole result has arrived;
        the worker has then gone on to its next task."""
        if not self.tasks or len(self.buffer) < 8:
            return None
        size = int.from_bytes(self.buffer[:8], "little")
        if len(self.buffer) < 8 + size:
            return None
        payload = bytes(self.buffer[8:8 + size])
        del self.buffer[:8 + size]
        index = self.tasks.popleft()
        self.deadline = time.monotonic() + self.seconds  # the next one starts now
        return index, payload

    def stop(self, kill: bool = True) -> int:
        for fd in (self.send, self.receive):
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return _reap(self.pid)


def _serve(tasks: Sequence[Callable[[], object]], task_fd: int, result_fd: int, memory: int) -> None:
    """A worker's life: run the tasks it is sent until the parent closes the pipe."""
    code = 0
    try:
        _quiet()
        _limit_memory(memory)
        gc.freeze()  # what the worker inherited (modules, the plan) is never collected here: not scanned
        # A task builds a few thousand objects that live until its result is sent and are then
        # freed by their counts (next to no cycles): a collection every 700 of them was 3 % of
        # a worker's time, walking what the task still needed.
        gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
        while True:
            head = _read_exact(task_fd, 4)
            if len(head) < 4:
                break
            try:
                payload = pickle.dumps((True, tasks[int.from_bytes(head, "little")]()),
                                       protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
                payload = pickle.dumps((False, _picklable(exc)), protocol=pickle.HIGHEST_PROTOCOL)
            _write_all(result_fd, len(payload).to_bytes(8, "little") + payload)
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def _wait(workers: list[_Worker], done: dict[int, Any], tasks: Sequence[Callable[[], object]],
          memory: int, seconds: float, pending: deque[int]) -> None:
    """Wait for output from the busy workers; put every finished (or failed) task into ``done``.
    A worker whose results have arrived is given its next pending tasks before those results
    are unpickled here, so that it never waits for this process. A worker that dies or runs
    out of time fails the task it was working on; the tasks queued behind it go back to the
    front of ``pending`` for its replacement."""
    busy = {w.receive: w for w in workers if w.tasks}
    left = min(w.deadline for w in busy.values()) - time.monotonic()
    ready, _, _ = select.select(list(busy), [], [], max(left, 0))
    for fd in ready:
        w = busy[fd]
        chunk = os.read(fd, 1 << 20)
        if chunk:
            w.buffer.extend(chunk)
            arrived = []
            while (got := w.finished()) is not None:
                arrived.append(got)
            while arrived and len(w.tasks) < QUEUED and pending:
                w.assign(pending.popleft(), seconds)
            for index, payload in arrived:
                done[index] = pickle.loads(payload)[1]
            continue
        status = w.stop(kill=False)
        index = w.tasks.popleft()
        done[index] = IsolationFailed(*_death(status, memory))
        pending.extendleft(reversed(w.tasks))
        workers[workers.index(w)] = _Worker.start(tasks, memory)
    now = time.monotonic()
    for i, w in enumerate(workers):
        if w.tasks and w.deadline <= now:
            done[w.tasks.popleft()] = IsolationFailed("timeout", f"读取超过 {seconds:.0f} 秒仍未完成")
            pending.extendleft(reversed(w.tasks))
            w.stop()
            workers[i] = _Worker.start(tasks, memory)
