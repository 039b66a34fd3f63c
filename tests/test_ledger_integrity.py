"""Ledger integrity: a collect killed half-way leaves the ledger exactly as before that
file; a ledger from a newer reportkit or a file that is not a ledger is refused untouched."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_ledger_support import GOOD_D1, GOOD_D2, dump, make_plan, mini_validate, write_return

from reportkit.errors import LedgerError
from reportkit.ledger import SCHEMA_VERSION, Ledger, Outcome

PLAN = make_plan()
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# Runs one collect in a separate process with a checkpoint installed: "exit" leaves the
# process with os._exit just before COMMIT; "hang" signals that values are written and
# waits to be killed with SIGKILL by the test.
CHILD = """
import os, sys, time
from pathlib import Path
from test_ledger_support import make_plan, mini_validate
from reportkit.ledger import CHECKPOINTS, Ledger

mode, db, src, marker = sys.argv[1:5]

def hang():
    Path(marker).write_text("values written")
    time.sleep(120)

if mode == "exit":
    CHECKPOINTS["before-commit"] = lambda: os._exit(70)
else:
    CHECKPOINTS["contents-written"] = hang
Ledger(Path(db)).collect(make_plan(), src, received_at="2024-01-12T09:00:00", validate=mini_validate)
print("committed")
"""


def _child(mode: str, db: Path, src: Path, marker: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}
    return subprocess.Popen([sys.executable, "-c", CHILD, mode, str(db), str(src), str(marker)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ledger_with_one_return(tmp_path: Path) -> Path:
    db = tmp_path / "state" / "ledger.db"
    with Ledger(db) as led:
        res = led.collect(PLAN, write_return(tmp_path / "鄂城区.xlsx", "D01", "鄂城区", GOOD_D1),
                          received_at="2024-01-10T09:00:00", validate=mini_validate)
        assert res.outcome is Outcome.NEW
    return db


def _assert_untouched_and_recoverable(tmp_path: Path, db: Path, before: list[str], src: Path) -> None:
    assert dump(db) == before  # exactly as before that file: no submission, value or finding
    with Ledger(db) as led:
        assert [u.reported for u in led.status(PLAN).units] == [True, False, False]
        assert [r.unit for r in led.latest_accepted(PLAN)] == ["D01"]
        again = led.collect(PLAN, src, received_at="2024-01-12T09:00:00", validate=mini_validate)
        assert again.outcome is Outcome.NEW  # not "already": the killed collect left no row
        assert [r.unit for r in led.latest_accepted(PLAN)] == ["D01", "D02"]
        assert Path(again.record.original).read_bytes() == src.read_bytes()


def test_collect_exiting_before_commit_leaves_ledger_as_before(tmp_path: Path) -> None:
    db = _ledger_with_one_return(tmp_path)
    before = dump(db)
    src = write_return(tmp_path / "华容区.xlsx", "D02", "华容区", GOOD_D2)

    proc = _child("exit", db, src, tmp_path / "marker")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 70, err
    assert "committed" not in out
    _assert_untouched_and_recoverable(tmp_path, db, before, src)


def test_collect_killed_while_writing_values_leaves_ledger_as_before(tmp_path: Path) -> None:
    db = _ledger_with_one_return(tmp_path)
    before = dump(db)
    src = write_return(tmp_path / "华容区.xlsx", "D02", "华容区", GOOD_D2)
    marker = tmp_path / "marker"

    proc = _child("hang", db, src, marker)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the child never reached the checkpoint"
        time.sleep(0.05)
    # The write transaction is open with the new rows in it: no other writer can start one.
    other = sqlite3.connect(db, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.close()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    _assert_untouched_and_recoverable(tmp_path, db, before, src)


def test_ledger_from_newer_reportkit_is_refused_untouched(tmp_path: Path) -> None:
    db = _ledger_with_one_return(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    raw = db.read_bytes()

    with pytest.raises(LedgerError) as info:
        Ledger(db)
    message = str(info.value)
    assert "更新版本的 reportkit" in message and f"版本 {SCHEMA_VERSION + 1}" in message
    assert "请升级 reportkit" in message
    assert db.read_bytes() == raw


def test_file_that_is_not_a_ledger_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    db.write_bytes(b"this is a spreadsheet, not a ledger " * 200)
    raw = db.read_bytes()
    with pytest.raises(LedgerError, match="不是有效的报送台账文件"):
        Ledger(db)
    assert db.read_bytes() == raw


def test_older_schema_is_migrated_in_place(tmp_path: Path) -> None:
    """An empty (version 0) database is brought to the current version by the migrations."""
    db = tmp_path / "ledger.db"
    sqlite3.connect(db).close()
    with Ledger(db) as led:
        assert led.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert led.submissions() == []
