"""Reading and checking on several cores: the same results as one file after another, in the
same order; a worker that aborts or hangs costs only its own file."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench_build import setup as bench_setup
from fixtures.returns.builders import DISTRICTS, GOOD_VALUES, build_plan, fill, generate

from reportkit.checks.run import validate_many, validate_paths, validate_return
from reportkit.findings import Severity
from reportkit.intake import extent, isolate, workbook
from reportkit.intake.isolate import IsolationFailed, run_isolated_many
from reportkit.ledger import Ledger
from reportkit.project import Project
from reportkit.rendering.build import build

PLAN = build_plan()


def _boom() -> None:
    raise ValueError("坏了")


def test_many_calls_come_back_in_order_with_failures_in_their_place() -> None:
    tasks = [lambda: 1, os.abort, lambda: "三", _boom, lambda: time.sleep(30), lambda: [4.5]]
    got = list(run_isolated_many(tasks, jobs=2, seconds=2))
    assert got[0] == 1 and got[2] == "三" and got[5] == [4.5]
    assert isinstance(got[1], IsolationFailed) and got[1].reason == "too-large"
    assert isinstance(got[3], ValueError) and str(got[3]) == "坏了"
    assert isinstance(got[4], IsolationFailed) and got[4].reason == "timeout"


def test_workers_are_reused_not_forked_per_call() -> None:
    pids = list(run_isolated_many([os.getpid] * 12, jobs=2))
    assert os.getpid() not in pids and len(set(pids)) == 2


def test_a_worker_killed_for_memory_is_replaced_and_the_rest_go_on() -> None:
    tasks = [lambda: bytearray(8 * 2**30)] + [lambda: "ok"] * 5
    got = list(run_isolated_many(tasks, jobs=2, memory=isolate.MEMORY_LIMIT))
    assert isinstance(got[0], MemoryError) and got[1:] == ["ok"] * 5


def test_a_worker_is_given_its_next_task_before_its_result_is_unpickled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker does not wait while this process unpickles what it sent back: it holds its
    next task while it works on one, and is given another as soon as a result has arrived."""
    events: list[str] = []
    assign, loads = isolate._Worker.assign, isolate.pickle.loads

    def logged_assign(self: isolate._Worker, index: int, seconds: float) -> None:
        events.append(f"assign {index}")
        assign(self, index, seconds)

    def logged_loads(data: bytes) -> object:
        value = loads(data)
        events.append(f"loaded {value[1]}")
        return value

    monkeypatch.setattr(isolate._Worker, "assign", logged_assign)
    monkeypatch.setattr(isolate.pickle, "loads", logged_loads)
    n, queued = 2 * isolate.QUEUED + 2, isolate.QUEUED
    assert queued >= 2
    assert list(run_isolated_many([lambda i=i: i for i in range(n)], jobs=1)) == list(range(n))
    # several at once: the next ones wait in the worker
    assert events[:queued] == [f"assign {i}" for i in range(queued)]
    for k in range(n - queued):  # task k's result is unpickled once the worker holds task k + queued
        assert events.index(f"assign {k + queued}") < events.index(f"loaded {k}")


def test_a_task_queued_behind_one_that_kills_its_worker_is_run_by_the_replacement() -> None:
    """A worker holds its next task while it works on one: when it dies on the first (abort,
    timeout), the next is not lost nor blamed for it, but run by the worker that replaces it."""
    tasks = [lambda: "一", os.abort, lambda: "三", lambda: time.sleep(30), lambda: "五", lambda: "六"]
    got = list(run_isolated_many(tasks, jobs=1, seconds=2))
    assert got[0] == "一" and got[2] == "三" and got[4:] == ["五", "六"]
    assert isinstance(got[1], IsolationFailed) and got[1].reason == "too-large"
    assert isinstance(got[3], IsolationFailed) and got[3].reason == "timeout"


def test_results_that_arrive_together_are_each_taken() -> None:
    """Two results of one worker read in one chunk: both are its tasks' values, in order."""
    tasks = [lambda i=i: "x" * (i % 3) for i in range(40)]
    assert list(run_isolated_many(tasks, jobs=2)) == ["x" * (i % 3) for i in range(40)]


@pytest.fixture
def returns(tmp_path: Path) -> list[Path]:
    forms = tmp_path / "forms"
    out = []
    for unit in DISTRICTS:
        out.append(fill(generate(PLAN, unit, forms), tmp_path / f"{unit}.xlsx"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(out[0].read_bytes()[:2000])
    text = tmp_path / "notes.xlsx"
    text.write_text("不是表格")
    return [out[0], broken, out[1], text, out[2]]


def test_parallel_validation_equals_the_serial_one(returns: list[Path]) -> None:
    serial = [validate_return(PLAN, p) for p in returns]
    parallel = list(validate_many(PLAN, returns, jobs=2))
    assert [r.path for r in parallel] == [str(p) for p in returns]
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in serial]
    assert [r.state for r in parallel] == ["accepted", "has-errors", "accepted", "has-errors", "accepted"]


def test_one_core_reads_a_batch_in_one_worker(returns: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import reportkit.checks.run as run

    calls: list[int] = []
    real = run.run_isolated_many

    def counting(tasks, *, jobs, **kw):  # type: ignore[no-untyped-def]
        calls.append(jobs)
        return real(tasks, jobs=jobs, **kw)

    monkeypatch.setattr(run, "run_isolated_many", counting)
    serial = [validate_return(PLAN, p).to_dict() for p in returns]
    assert [r.to_dict() for r in validate_many(PLAN, returns, jobs=1)] == serial
    assert [r.to_dict() for r in validate_many(PLAN, returns, jobs=0)] == serial
    assert calls == [1, 1]  # one worker for the batch, not a child per file


def test_the_collector_walks_neither_the_plan_while_returns_arrive_nor_a_workers_live_objects(
        returns: list[Path]) -> None:
    """While the returns arrive, what existed before (modules, the plan) is left out of the
    collections, and in again once they are in; a program's own freeze is left as it is. A
    worker collects its young objects far less often than every 700."""
    import gc

    gc.unfreeze()  # (anything another test left frozen is collectable again: harmless)
    during = [gc.get_freeze_count() for _ in validate_many(PLAN, returns, jobs=2)]
    assert min(during) > 0 and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        own = gc.get_freeze_count()
        assert {gc.get_freeze_count() for _ in validate_many(PLAN, returns, jobs=2)} == {own}
        assert gc.get_freeze_count() == own
    finally:
        gc.unfreeze()
    assert list(run_isolated_many([gc.get_threshold], jobs=1))[0][0] == isolate.WORKER_GC_THRESHOLD > 700


def test_an_abort_in_a_worker_is_that_files_finding(returns: list[Path], monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    """A reader abort inside a worker (the measure is patched away, so calamine meets the far
    cell) costs that worker: its file is reported too large, the others are read as usual."""
    from openpyxl import load_workbook

    corner = tmp_path / "corner.xlsx"
    wb = load_workbook(returns[0])
    wb.worksheets[1].cell(1048576, 16384).value = "x"
    wb.save(corner)
    monkeypatch.setattr(workbook, "scan_zip", lambda *_args: extent.SheetScan())
    got = list(validate_many(PLAN, [returns[0], corner, returns[2], returns[4]], jobs=2))
    assert [f.code for f in got[1].findings] == ["file.too-large"]
    assert [r.state for r in got] == ["accepted", "has-errors", "accepted", "accepted"]


def test_parallel_collect_records_what_the_serial_one_does(returns: list[Path], tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"  # the same bytes twice in one batch: recorded once
    again.write_bytes(returns[0].read_bytes())
    files = [*returns, again]
    outcomes = {}
    for jobs_name, collect in (("serial", lambda lg: [lg.collect(PLAN, p) for p in files]),
                               ("parallel", lambda lg: lg.collect_many(PLAN, files, received_at="2024-01-05"))):
        with Ledger(tmp_path / jobs_name / "ledger.db") as ledger:
            results = collect(ledger)
            outcomes[jobs_name] = (sorted((Path(r.path).name, r.outcome.value) for r in results),
                                   [(r.unit, r.state, [f.code for f in r.findings]) for r in ledger.latest(PLAN)])
    assert outcomes["serial"] == outcomes["parallel"]
    assert ("again.xlsx", "already") in outcomes["parallel"][0]


def test_bench_corpus_is_accepted_clean(tmp_path: Path) -> None:
    """The benchmark measures clean returns: forms written from the plan as read back from its
    workbook are accepted without an error or a warning."""
    n = bench_setup(tmp_path, 3)
    result = build(Project(tmp_path), dry_run=True)
    assert n == 3 and len(result.included) == 3 and not result.excluded
    assert not [f.code for r in result.run.returns for f in r.findings
                if f.severity in (Severity.ERROR, Severity.WARNING)]


def test_validate_paths_uses_every_file_once_in_folder_order(returns: list[Path]) -> None:
    run = validate_paths(PLAN, returns)
    assert [Path(r.path).name for r in run.returns] == [p.name for p in returns]


def test_returns_just_collected_are_what_reading_them_back_gives(tmp_path: Path) -> None:
    """A first build takes the returns it has just recorded from memory: exactly what a later
    build reads back from the ledger (values as stored, finding values as text)."""
    forms = tmp_path / "forms"
    files = [fill(generate(PLAN, "D01", forms), tmp_path / "D01.xlsx"),
             fill(generate(PLAN, "D02", forms), tmp_path / "D02.xlsx",
                  {**GOOD_VALUES, ("A01", 2022): 95.0, ("A04", 2023): "九百"}, notes={"A01": "口径调整"}),
             fill(generate(PLAN, "D03", forms), tmp_path / "D03.xlsx", {**GOOD_VALUES, ("A03", 2023): 5})]
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.collect_many(PLAN, files, received_at="2024-01-05")
        remembered = ledger.latest(PLAN)
    with Ledger(tmp_path / "ledger.db") as ledger:
        read_back = ledger.latest(PLAN)
    assert [r.unit for r in read_back] == list(DISTRICTS)
    assert any(f.value is not None for r in read_back for f in r.findings)
    assert remembered == read_back
    assert [r.to_dict() for r in remembered] == [r.to_dict() for r in read_back]


def test_loading_many_returns_at_once_gives_what_loading_each_does(tmp_path: Path) -> None:
    """A re-build loads every current return with one query per table: the same returns as
    one at a time (values, notes, tasks, narrative, findings with their values)."""
    from reportkit.ledger import codec

    forms = tmp_path / "forms"
    files = [fill(generate(PLAN, "D01", forms), tmp_path / "D01.xlsx", narrative={}),
             fill(generate(PLAN, "D02", forms), tmp_path / "D02.xlsx",
                  {**GOOD_VALUES, ("A01", 2022): 95.0, ("A04", 2023): "九百"}, notes={"A01": "口径调整"}),
             fill(generate(PLAN, "D03", forms), tmp_path / "D03.xlsx", {**GOOD_VALUES, ("A03", 2023): "—"})]
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.collect_many(PLAN, files, received_at="2024-01-05")
    with Ledger(tmp_path / "ledger.db") as ledger:
        rows = ledger.conn.execute("SELECT * FROM submissions ORDER BY id DESC").fetchall()
        one_by_one = [codec.load_return(ledger.conn, r) for r in rows]
        at_once = codec.load_returns(ledger.conn, rows)
    assert len(at_once) == 3 and all(r.observations for r in at_once) and any(r.findings for r in at_once)
    assert any(r.notes for r in at_once) and any(r.tasks for r in at_once)
    assert at_once == one_by_one


def test_a_batch_reports_each_record_as_it_is_after_the_batch(tmp_path: Path) -> None:
    """A return superseded by a later one of the same batch (or by one of the batch when it was
    already in the ledger) is reported superseded; the others as they were found."""
    from reportkit.ledger.collecting import collect_returns

    forms = tmp_path / "forms"
    for sub in ("old", "a", "b", "new"):
        (tmp_path / sub).mkdir()
    old_d1 = fill(generate(PLAN, "D01", forms), tmp_path / "old" / "D01.xlsx", {**GOOD_VALUES, ("A01", 2023): 13.1})
    first_d2 = fill(generate(PLAN, "D02", forms), tmp_path / "a" / "D02.xlsx")
    second_d2 = fill(generate(PLAN, "D02", forms), tmp_path / "b" / "D02.xlsx", {**GOOD_VALUES, ("A01", 2023): 13.2})
    new_d1 = fill(generate(PLAN, "D01", forms), tmp_path / "new" / "D01.xlsx")
    d3 = fill(generate(PLAN, "D03", forms), tmp_path / "D03.xlsx")
    for i, p in enumerate((old_d1, first_d2, second_d2, new_d1, d3)):
        os.utime(p, (1_700_000_000 + i * 60, 1_700_000_000 + i * 60))
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.collect(PLAN, old_d1)
        done = collect_returns(ledger, PLAN, [old_d1, first_d2, second_d2, new_d1, d3])
        fresh = {r.sha256: ledger.find(r.sha256) for r in done.results}
    by_file = {Path(r.path).parent.name + "/" + Path(r.path).name: r for r in done.results}
    assert by_file["old/D01.xlsx"].outcome.value == "already"
    assert by_file["old/D01.xlsx"].record.superseded_by == by_file["new/D01.xlsx"].sha256
    assert by_file["a/D02.xlsx"].record.superseded_by == by_file["b/D02.xlsx"].sha256
    assert all(r.record == fresh[r.sha256] for r in done.results)


def _rows(db: Path) -> list[str]:
    """Every row of the ledger, without the clock time each was collected at."""
    import sqlite3

    from test_ledger_support import dump

    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE submissions SET collected_at = ''")
    conn.close()
    return dump(db)


def test_a_batch_writes_the_ledger_one_collect_after_another_does(tmp_path: Path) -> None:
    """One transaction for the batch, the same rows in the same order as one transaction per file
    (the serial path: a custom validator), with a superseded return and a duplicate in the batch."""
    forms = tmp_path / "forms"
    old_d1 = fill(generate(PLAN, "D01", forms), tmp_path / "old-D01.xlsx", {**GOOD_VALUES, ("A01", 2023): 13.1})
    files = [old_d1, *(fill(generate(PLAN, u, forms), tmp_path / f"{u}.xlsx") for u in DISTRICTS)]
    again = tmp_path / "again.xlsx"
    again.write_bytes(files[1].read_bytes())
    files.append(again)
    for i, p in enumerate(files):
        os.utime(p, (1_700_000_000 + i * 60, 1_700_000_000 + i * 60))
    got = {}
    for name, validate in (("one-by-one", validate_return), ("batch", None)):
        with Ledger(tmp_path / name / "ledger.db", tmp_path / name / "originals") as ledger:
            results = ledger.collect_many(PLAN, files, validate=validate)
            got[name] = [(Path(r.path).name, r.outcome.value, r.replaced, r.record.state, r.record.superseded_by)
                         for r in results]
            originals = sorted(p.relative_to(tmp_path / name) for p in (tmp_path / name / "originals").rglob("*.xlsx"))
        got[name].append(_rows(tmp_path / name / "ledger.db"))
        got[name].append(originals)
    assert got["batch"] == got["one-by-one"]
    assert [r[1] for r in got["batch"][:-2]] == ["new", "superseded", "new", "new", "already"]


CHILD_BATCH = """
import os, sys
from pathlib import Path
from fixtures.returns.builders import build_plan
from reportkit.ledger import CHECKPOINTS, Ledger
from reportkit.ledger import ledger as ledger_module

point, nth, hold, db, *files = sys.argv[1:]
ledger_module.BATCH_HOLD = float(hold)
seen = []

def stop():
    seen.append(1)
    if len(seen) == int(nth):
        os._exit(70)

CHECKPOINTS[point] = stop
with Ledger(Path(db)) as ledger:
    ledger.collect_many(build_plan(), [Path(f) for f in files], received_at="2024-01-05")
print("committed")
"""


def _collect_killed(tmp_path: Path, point: str, nth: int, hold: float = 5.0) -> tuple[Path, list[Path], list[str]]:
    """A ledger holding the first district's return, then a batch of the two others collected
    in a process that exits at the ``nth`` time it reaches ``point``: (ledger, all three files,
    the ledger's rows before the batch)."""
    import subprocess

    from test_ledger_support import dump

    forms = tmp_path / "forms"
    files = [fill(generate(PLAN, u, forms), tmp_path / f"{u}.xlsx") for u in DISTRICTS]
    db = tmp_path / "state" / "ledger.db"
    with Ledger(db) as ledger:
        assert ledger.collect(PLAN, files[0], received_at="2024-01-04").outcome.value == "new"
    before = dump(db)
    tests = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])}
    proc = subprocess.run([sys.executable, "-c", CHILD_BATCH, point, str(nth), str(hold), str(db),
                           *map(str, files[1:])],
                          env=env, cwd=tests.parent, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 70, proc.stderr
    assert "committed" not in proc.stdout
    return db, files, before


@pytest.mark.parametrize(("point", "nth"), [("originals-synced", 1), ("contents-written", 2), ("before-commit", 1)])
def test_a_batch_killed_half_way_records_none_of_it_and_the_next_collect_all(tmp_path: Path, point: str,
                                                                            nth: int) -> None:
    """The rows are written as the files are checked, in one transaction: a kill before its
    commit (also after the last file's rows were written) leaves none of them."""
    from test_ledger_support import dump

    db, files, before = _collect_killed(tmp_path, point, nth)
    assert dump(db) == before  # none of the batch: no submission, value or finding
    with Ledger(db) as ledger:
        again = ledger.collect_many(PLAN, files, received_at="2024-01-05")
        assert [r.outcome.value for r in again] == ["already", "new", "new"]
        assert [r.unit for r in ledger.latest(PLAN)] == list(DISTRICTS)
        for src, res in zip(files[1:], again[1:], strict=True):
            assert Path(res.record.original).read_bytes() == src.read_bytes()


def test_a_batch_holding_the_ledger_long_commits_what_it_has_and_goes_on(tmp_path: Path) -> None:
    """A batch that has held the ledger's write lock for ``BATCH_HOLD`` commits the files recorded
    so far (other writers, such as an upload through the web intake, get their turn); killed
    after that, the ledger keeps those files, each with its stored original, and the next
    collect records the rest."""
    from test_ledger_support import dump

    db, files, before = _collect_killed(tmp_path, "before-commit", 2, hold=0.0)  # each file its own commit
    after = dump(db)
    assert after != before
    with Ledger(db) as ledger:
        assert [Path(r.source_path).name for r in ledger.submissions()] == [files[0].name, files[1].name]
        assert Path(ledger.find(ledger.submissions()[1].sha256).original).read_bytes() == files[1].read_bytes()
        again = ledger.collect_many(PLAN, files, received_at="2024-01-05")
        assert [r.outcome.value for r in again] == ["already", "already", "new"]
        assert [r.unit for r in ledger.latest(PLAN)] == list(DISTRICTS)


@pytest.mark.parametrize("hold", [5.0, 0.0])
def test_another_writer_waits_for_a_batch_only_as_long_as_it_holds_the_ledger(tmp_path: Path, hold: float,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """While a batch reads its files it holds the ledger's write lock (its rows are written as the
    files are checked); once it has held it ``BATCH_HOLD`` seconds it commits, and another writer
    (the web intake receiving an upload) gets its turn before the next file."""
    import sqlite3

    from reportkit.ledger import ledger as ledger_module

    monkeypatch.setattr(ledger_module, "BATCH_HOLD", hold)
    forms = tmp_path / "forms"
    files = [fill(generate(PLAN, u, forms), tmp_path / f"{u}.xlsx") for u in DISTRICTS]
    db = tmp_path / "ledger.db"
    could_write: list[bool] = []

    def other_writer(_path: Path) -> None:
        conn = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            could_write.append(True)
        except sqlite3.OperationalError:  # database is locked
            could_write.append(False)
        finally:
            conn.close()

    with Ledger(db) as ledger:
        results = ledger.collect_many(PLAN, files, received_at="2024-01-05", on_file=other_writer)
    assert [r.outcome.value for r in results] == ["new"] * len(files)
    assert could_write == ([False] * len(files) if hold else [True] * len(files))


def test_a_file_changed_during_a_batch_stops_it_keeping_the_files_before(tmp_path: Path) -> None:
    """A file saved again while the batch reads it stops the batch with a message; the files
    recorded before it stay recorded (as one collect after another keeps them), with their
    originals, and collecting again records the rest."""
    from reportkit.errors import LedgerError

    forms = tmp_path / "forms"
    files = [fill(generate(PLAN, u, forms), tmp_path / f"{u}.xlsx") for u in DISTRICTS]
    last = files[-1]
    content = last.read_bytes()

    def touch(path: Path) -> None:
        if path == files[0]:
            last.write_bytes(content + b"\0")  # saved again after it was hashed
    with Ledger(tmp_path / "ledger.db") as ledger:
        with pytest.raises(LedgerError, match="在登记过程中被修改"):
            ledger.collect_many(PLAN, files, received_at="2024-01-05", on_file=touch)
    last.write_bytes(content)
    with Ledger(tmp_path / "ledger.db") as ledger:
        assert [Path(r.source_path).name for r in ledger.submissions()] == [f.name for f in files[:-1]]
        for rec, src in zip(ledger.submissions(), files, strict=False):
            assert Path(rec.original).read_bytes() == src.read_bytes()
        again = ledger.collect_many(PLAN, files, received_at="2024-01-05")
        assert [r.outcome.value for r in again] == ["already", "already", "new"]


def test_progress_follows_each_file_as_it_is_checked_not_the_batch_commit(returns: list[Path],
                                                                           tmp_path: Path) -> None:
    """A batch is recorded at its end; a progress display must still move file by file while
    the files are read and checked. ``on_file`` comes per file, in receipt order, before
    anything of the batch is in the ledger; ``on_result`` after it is."""
    import sqlite3

    db = tmp_path / "ledger.db"
    events: list[tuple[str, str, int]] = []

    def recorded() -> int:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM submissions").fetchone()[0]

    with Ledger(db) as ledger:
        results = ledger.collect_many(PLAN, returns, received_at="2024-01-05",
                                      on_file=lambda p: events.append(("file", Path(p).name, recorded())),
                                      on_result=lambda r: events.append(("result", Path(r.path).name, recorded())))
    names = [Path(r.path).name for r in results]
    assert events[:len(names)] == [("file", n, 0) for n in names]
    assert events[len(names):] == [("result", n, len(returns)) for n in names]
