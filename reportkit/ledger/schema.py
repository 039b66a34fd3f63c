"""The ledger's SQLite schema and its migrations.

The schema version lives in ``PRAGMA user_version``. :data:`MIGRATIONS` holds one SQL
script per version, from version 1 on; opening a ledger applies the missing ones in a
transaction each. A ledger written by a newer reportkit (a higher version than this code
knows) is refused untouched, since this code cannot know what its tables mean.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import LedgerError

_V1 = """
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    source_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    plan_id TEXT,
    unit TEXT,
    unit_name TEXT,
    period TEXT,
    fingerprint TEXT,
    form_version TEXT,
    years TEXT NOT NULL DEFAULT '[]',
    generated_at TEXT NOT NULL DEFAULT '',
    fingerprint_parts TEXT NOT NULL DEFAULT '[]',
    received_at TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    state TEXT NOT NULL,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    infos INTEGER NOT NULL DEFAULT 0,
    superseded_by TEXT,
    reportkit_version TEXT NOT NULL
);
CREATE INDEX submissions_by_unit ON submissions (plan_id, unit, period, received_at);

CREATE TABLE findings (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    hint TEXT NOT NULL DEFAULT '',
    value TEXT,
    explained INTEGER NOT NULL DEFAULT 0,
    explanation TEXT NOT NULL DEFAULT '',
    file TEXT,
    sheet TEXT,
    cell TEXT,
    unit TEXT,
    indicator TEXT,
    year INTEGER,
    PRIMARY KEY (submission_id, seq)
);

CREATE TABLE observations (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq INTEGER NOT NULL,
    unit TEXT NOT NULL,
    code TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL,
    raw TEXT NOT NULL DEFAULT '',
    cell TEXT NOT NULL DEFAULT '',
    no_data INTEGER NOT NULL DEFAULT 0,
    prefilled INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (submission_id, seq)
);
CREATE INDEX observations_by_code ON observations (unit, code, year);

CREATE TABLE notes (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    key TEXT NOT NULL,
    unit TEXT NOT NULL,
    code TEXT NOT NULL,
    data_source TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL DEFAULT '',
    cell TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, key)
);

CREATE TABLE task_reports (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq INTEGER NOT NULL,
    unit TEXT NOT NULL,
    task_code TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    row INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (submission_id, seq)
);

CREATE TABLE narratives (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
    achievements TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    suggestions TEXT NOT NULL DEFAULT '',
    filled_by TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    filled_on TEXT NOT NULL DEFAULT ''
);
"""

# Version 2: the plan fingerprint each submission was last validated against, so that stored
# returns are checked again after the coordinator edits the plan.
_V2 = """
ALTER TABLE submissions ADD COLUMN checked_with TEXT NOT NULL DEFAULT ''
"""

# Version 3: the web intake. Each reporting unit's private link is kept only as the SHA-256 of
# its random token (a copied ledger gives no working link); a renewed or revoked link keeps its
# row with ``revoked_at``. ``web_settings`` holds the coordinator's password hash and the key
# that signs sessions and form tokens.
_V3 = """
CREATE TABLE unit_links (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    issued_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX unit_links_active ON unit_links (plan_id, unit) WHERE revoked_at IS NULL;
CREATE TABLE web_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

# Version 4: reporting rounds. A plan reviewed by rounds (一季度, 上半年, …) has one row per round
# built: its ledger ``period`` (as forms carry it), the label a reader sees and its cut-off, so
# the next round finds the previous one to compare with and the rounds stay apart.
_V4 = """
CREATE TABLE rounds (
    plan_id TEXT NOT NULL,
    period TEXT NOT NULL,
    label TEXT NOT NULL,
    cutoff TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, period)
);
CREATE INDEX submissions_by_period ON submissions (plan_id, period, unit)
"""

# Version 5: no index of values by unit, code and year. Values are only ever read per return
# (by ``submission_id``, the primary key); the index was kept up to date for nothing on every
# value stored (a national plan's first collect stores close to a million) and took a quarter
# of the table's size.
_V5 = """
DROP INDEX IF EXISTS observations_by_code
"""

# One script per schema version; index 0 brings an empty file to version 1.
# Append new versions, never edit a released one.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the ledger at ``path`` and bring its schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise LedgerError(f"无法打开报送台账 {path}：{exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path)
        # WAL (once the file is known to be a ledger this code may write): readers, such as
        # the web intake's pages, never wait for a collect in progress.
        conn.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        conn.close()
        raise
    return conn


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path} 不是有效的报送台账文件（{exc}），未作任何修改。") from exc


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = schema_version(conn, path)
    if version > SCHEMA_VERSION:
        raise LedgerError(
            f"报送台账 {path} 由更新版本的 reportkit 创建（台账结构版本 {version}，"
            f"当前程序只支持到版本 {SCHEMA_VERSION}）。为避免损坏台账，本程序不会读取或修改它；"
            "请升级 reportkit 后再操作。"
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        _apply(conn, target, path)


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (``BEGIN IMMEDIATE``: a second writer waits here,
    not half-way): committed when the block ends, rolled back when anything leaves it early by
    an exception (a kill leaves it uncommitted, which SQLite rolls back on the next open)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _apply(conn: sqlite3.Connection, target: int, path: Path) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while this one waited for the lock.
        if schema_version(conn, path) < target:
            for statement in _statements(MIGRATIONS[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise LedgerError(f"报送台账 {path} 升级到结构版本 {target} 失败：{exc}") from exc


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
