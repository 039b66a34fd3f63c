"""The submission ledger: every return received, kept, with its findings and values.

One SQLite file (``.reportkit/ledger.db``) plus the originals stored by content hash.
Collecting one file is one transaction, a batch of files (``collect_many``) one transaction for
the whole batch (its rows written as the files are checked, committed at its end); the stored
copies are synced to disk before the commit.
A newer return of a unit for the same plan and period supersedes the older one for the
figures; the older one stays, with its findings, in the unit's history.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..definitions.dates import DateError, parse_datetime
from ..definitions.model import Plan
from ..errors import LedgerError, UsageError
from ..fileio import remove_stale_temps, sync_files
from ..findings import Severity
from ..intake.reader import link_sha256
from ..intake.types import ReturnData
from ..project import Project
from . import codec, schema
from .originals import OriginalStore, sha256_of
from .records import REJECTED, CollectResult, Outcome, SubmissionRecord, state_has_errors
from .schema import immediate

if TYPE_CHECKING:
    from .status import StatusReport

Validator = Callable[[Plan, Path], ReturnData]

# Named points inside a collect where a callable may be installed; used by the integrity
# tests to stop the process for real half-way through a write.
CHECKPOINTS: dict[str, Callable[[], None]] = {}


def _checkpoint(name: str) -> None:
    hook = CHECKPOINTS.get(name)
    if hook is not None:
        hook()


def plan_period(plan: Plan) -> str:
    """The period string return forms carry for this plan's current evaluation."""
    from ..forms.meta import period_of

    return period_of(plan)


def normalize_received(value: dt.datetime | dt.date | str | None) -> str:
    """Receipt time as local ``YYYY-MM-DDTHH:MM:SS`` (so text order is time order)."""
    if value is None:
        return dt.datetime.now().isoformat(timespec="seconds")
    if isinstance(value, str):
        value = _parse_time(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.isoformat(timespec="seconds")


def _parse_time(text: str) -> dt.datetime:
    """``2024-01-15``, ``2024-01-15T09:30``, ``2024/1/15 9:30``, ``2024年1月15日``."""
    try:
        return parse_datetime(text)
    except DateError:
        raise UsageError(f"接收时间“{text}”格式不正确，应为 2024-01-15、2024-01-15 09:30 或 2024年1月15日。") from None


def _check_columns(result: ReturnData, checked_with: str) -> dict[str, object]:
    """The submission columns that come from validating it."""
    counts = {s: sum(f.severity is s for f in result.findings) for s in Severity}
    return {"state": REJECTED if result.meta is None else result.state, "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING], "infos": counts[Severity.INFO],
            "reportkit_version": __version__, "checked_with": checked_with}


def _as_received(result: ReturnData, original: Path, row: sqlite3.Row) -> ReturnData:
    """A result read from the stored copy, named as the file the unit sent."""
    findings = [f.with_location(file=row["file_name"]) if f.location.file == original.name else f
                for f in result.findings]
    return replace(result, path=row["source_path"], sha256=row["sha256"], findings=findings,
                   received_at=row["received_at"])


def _identity_columns(result: ReturnData) -> dict[str, object]:
    """A return's identity columns. A refused form of another period of the plan is recorded
    under its unit (its history shows it) but in no period: no round counts it."""
    if result.meta is None and result.identity is not None:
        return {**codec.meta_columns(result.identity), "period": None}
    return codec.meta_columns(result.meta)


def _default_validator() -> Validator:
    from ..checks import run

    validate: Validator = run.validate_return
    return validate


class Ledger:
    """The ledger at ``path``; originals under ``originals`` (default: beside it)."""

    def __init__(self, path: Path, originals: Path | None = None) -> None:
        self.path = Path(path)
        self.store = OriginalStore(originals or self.path.parent / "originals")
        self.conn = schema.connect(self.path)
        # What this ledger object recorded, by content hash: taking a return just collected
        # from here gives what reading it back would (codec.as_loaded), without the reading.
        self._entered: dict[str, ReturnData] = {}

    @classmethod
    def for_project(cls, project: Project) -> Ledger:
        return cls(project.ledger_path, project.state_dir / "originals")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # collecting ------------------------------------------------------------------------

    def collect(self, plan: Plan, path: Path | str, *, received_at: dt.datetime | dt.date | str | None = None,
                validate: Validator | None = None) -> CollectResult:
        """Validate and record one file. The same bytes twice is a no-op (``already``).

        ``received_at`` defaults to the file's modification time (when it was saved)."""
        src = Path(path)
        data, sha = _content(src)
        known = self.find(sha)
        if known is not None:
            return CollectResult(str(src), sha, Outcome.ALREADY, known)
        return self._enter(plan, src, data, sha, (validate or _default_validator())(plan, src), received_at)

    def _enter(self, plan: Plan, src: Path, data: bytes | None, sha: str, result: ReturnData,
               received_at: dt.datetime | dt.date | str | None) -> CollectResult:
        """Record the validated ``result`` of the file whose content was ``data``."""
        return self._record(src, data, result, _claim(src, sha, result, received_at), plan.fingerprint())

    def collect_many(self, plan: Plan, paths: Iterable[Path], *, received_at: Any = None,
                     validate: Validator | None = None,
                     on_result: Callable[[CollectResult], None] | None = None,
                     on_file: Callable[[Path], None] | None = None) -> list[CollectResult]:
        """Collect several files in order of receipt: ``received_at`` if given, else the time in
        the folder's 收件记录.csv, else when the file was saved. When two returns of one unit
        get the same receipt time, the one saved later is the current one.

        ``on_result`` gets each file's outcome once it is recorded (a batch's once the batch is
        committed, at its end); ``on_file`` is called as each file has been read and checked (or found already
        recorded), in receipt order — what a progress display follows."""
        from .receipts import ReceiptLogs

        remove_stale_temps(self.store.root)  # copies a killed collect left half written
        logs = ReceiptLogs()
        given = {p: received_at if received_at is not None else logs.time_for(p) for p in paths}

        def order(p: Path) -> tuple[str, float, str]:
            when = given[p]
            saved = _save_order(p)
            return (normalize_received(when) if when is not None else normalize_received(_saved_at(p)),
                    saved[0], saved[1])

        ordered = sorted(given, key=order)
        if validate is not None or len(ordered) < 2:
            results = []
            for p in ordered:
                res = self.collect(plan, p, received_at=given[p], validate=validate)
                if on_file is not None:
                    on_file(p)
                if on_result is not None:
                    on_result(res)
                results.append(res)
            return results
        return self._collect_parallel(plan, ordered, given, on_result, on_file)

    def _collect_parallel(self, plan: Plan, ordered: list[Path], given: dict[Path, Any],
                          on_result: Callable[[CollectResult], None] | None,
                          on_file: Callable[[Path], None] | None = None) -> list[CollectResult]:
        """:meth:`collect` of each file in ``ordered``, with the new files read and checked on
        every core (:func:`~reportkit.checks.run.validate_many`) and recorded here, in order,
        as each one's result arrives, in one transaction (see :class:`_Batch`): the same rows,
        outcomes and superseding as one :meth:`collect` after another."""
        from ..checks.run import validate_many

        shas = {p: _content(p)[1] for p in ordered}
        new: list[Path] = []  # the files to validate: not in the ledger, first of their content
        known: dict[str, SubmissionRecord | None] = {}
        for p in ordered:
            sha = shas[p]
            if sha not in known:
                known[sha] = self.find(sha)
                if known[sha] is None:
                    new.append(p)
        fresh = set(new)
        checked = validate_many(plan, new)
        batch = _Batch(self, known, plan.fingerprint())
        try:
            for p in ordered:
                if p in fresh:
                    result = next(checked)
                    data, sha = _content(p)
                    if sha != shas[p]:
                        raise LedgerError(f"文件 {p} 在登记过程中被修改，请待文件保存完毕后重新登记。")
                    batch.add(p, sha, self._prepare(p, data, sha, result, given[p]))
                else:
                    batch.add(p, shas[p], None)
                if on_file is not None:
                    on_file(p)
        finally:
            # Whatever was recorded is committed, also when a later file stopped the batch with
            # an error (as one collect after another kept the files before it). A killed
            # process commits nothing of its open transaction.
            batch.commit()
        if on_result is not None:
            for res in batch.results:
                on_result(res)
        return batch.results

    def _prepare(self, src: Path, data: bytes | None, sha: str, result: ReturnData,
                 received_at: dt.datetime | dt.date | str | None) -> _Pending:
        """What :meth:`_enter` records, with the original written (not yet synced)."""
        received = _claim(src, sha, result, received_at)
        original = None if data is None else self.store.put(sha, src.name, data, sync=False)
        return _Pending(src, len(data or b""), result, received, original)

    def collect_dir(self, plan: Plan, directory: Path, *,
                    on_result: Callable[[CollectResult], None] | None = None) -> list[CollectResult]:
        """Collect every return file under ``directory`` (e.g. ``inputs/returns/``). Files
        already in the ledger are only hashed, not validated again."""
        from ..checks.run import collect_files

        if not Path(directory).is_dir():
            return []
        return self.collect_many(plan, collect_files([directory]), on_result=on_result)

    def refreshed(self, results: Iterable[CollectResult]) -> list[CollectResult]:
        """The same results with their records as they are now (a later file of the same
        batch may have superseded an earlier one; when the batch recorded nothing, they are)."""
        results = list(results)

        def key(r: CollectResult) -> tuple[str | None, str | None, str | None]:
            return r.record.plan_id, r.record.unit, r.record.period

        # Recording a return changes only the records of its own unit, plan and period (the
        # one it supersedes): the others are as they were found.
        recorded = Counter(key(r) for r in results if r.outcome is not Outcome.ALREADY and r.record.unit)
        return [replace(r, record=self.find(r.sha256) or r.record)
                if recorded[key(r)] > (0 if r.outcome is Outcome.ALREADY else 1) else r for r in results]

    def _record(self, src: Path, data: bytes | None, result: ReturnData, received: str, checked_with: str
                ) -> CollectResult:
        sha = result.sha256
        with immediate(self.conn):
            if self._submission_row(sha) is not None:  # collected meanwhile by another process
                return CollectResult(str(src), sha, Outcome.ALREADY, self._require(sha))  # (nothing written)
            if data is not None:
                self.store.put(sha, src.name, data)
            outcome, replaced = self._insert(src, len(data or b""), result, received, checked_with)
            _checkpoint("before-commit")
        self._entered[sha] = result
        return CollectResult(str(src), sha, outcome, self._require(sha), replaced)

    def _insert(self, src: Path, size: int, result: ReturnData, received: str, checked_with: str
                ) -> tuple[Outcome, tuple[str, ...]]:
        """The rows of one return (inside the caller's transaction), superseding as it says."""
        sid = self._insert_submission(src, size, result, received, checked_with)
        codec.insert_contents(self.conn, sid, result)
        _checkpoint("contents-written")
        return self._supersede(sid, result)

    def _insert_submission(self, src: Path, size: int, result: ReturnData, received: str,
                           checked_with: str) -> int:
        row: dict[str, object] = {
            "sha256": result.sha256, "file_name": src.name, "source_path": str(src.absolute() if src.is_symlink() else src.resolve()),
            "size": size, **_identity_columns(result), "received_at": received,
            "collected_at": dt.datetime.now().isoformat(timespec="seconds"),
            **_check_columns(result, checked_with),
        }
        sql = f"INSERT INTO submissions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        cur = self.conn.execute(sql, tuple(row.values()))
        return int(cur.lastrowid or 0)

    def revalidate(self, plan: Plan, *, validate: Validator | None = None,
                   on_result: Callable[[SubmissionRecord], None] | None = None) -> list[SubmissionRecord]:
        """Check again, from the stored originals, this plan's returns that were validated
        against other definitions (the plan was edited since). Findings, values and state are
        replaced, one transaction per return; the original, its receipt time and its place in
        the unit's history stay as they were."""
        fingerprint = plan.fingerprint()
        # Returns of earlier periods keep the verdict of their own period (they pre-fill forms);
        # checked against this period's definitions they would all be "another period".
        rows = self.conn.execute("SELECT * FROM submissions WHERE plan_id = ? AND checked_with != ? "
                                 "AND (period IS NULL OR period = ?) ORDER BY id",
                                 (plan.info.id, fingerprint, plan_period(plan))).fetchall()
        stored = [(row, original) for row in rows
                  if (original := self.original_path(row["sha256"])) is not None]  # else: keep its findings
        if validate is None:  # every core (an edited plan makes every return of the period outdated)
            from ..checks.run import validate_many

            checked: Iterable[ReturnData] = validate_many(plan, [original for _, original in stored])
        else:
            checked = (validate(plan, original) for _, original in stored)
        done = []
        for (row, original), fresh in zip(stored, checked, strict=True):
            result = _as_received(fresh, original, row)
            self._entered.pop(row["sha256"], None)
            with immediate(self.conn):
                codec.delete_contents(self.conn, row["id"])
                codec.insert_contents(self.conn, row["id"], result)
                columns = _check_columns(result, fingerprint)
                self.conn.execute(f"UPDATE submissions SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
                                  (*columns.values(), row["id"]))
            record = self._require(row["sha256"])
            done.append(record)
            if on_result is not None:
                on_result(record)
        return done

    def _supersede(self, sid: int, result: ReturnData) -> tuple[Outcome, tuple[str, ...]]:
        """Make the newest return of this unit, plan and period the current one."""
        if result.meta is None:
            return Outcome.REJECTED, ()
        m = result.meta
        rows = self.conn.execute(
            "SELECT id, sha256 FROM submissions WHERE plan_id = ? AND unit = ? AND period = ? "
            "ORDER BY received_at DESC, id DESC", (m.plan_id, m.unit, m.period)).fetchall()
        newest_id, newest_sha = rows[0]["id"], rows[0]["sha256"]
        if newest_id != sid:
            self.conn.execute("UPDATE submissions SET superseded_by = ? WHERE id = ?", (newest_sha, sid))
            return Outcome.OUTDATED, ()
        previous = self.conn.execute(
            "SELECT sha256 FROM submissions WHERE plan_id = ? AND unit = ? AND period = ? AND id != ? "
            "AND superseded_by IS NULL", (m.plan_id, m.unit, m.period, sid)).fetchall()
        # Only the return that was current until now is superseded by this one: the older ones
        # keep the history they have ("replaced by the second return", not by the third).
        self.conn.execute(
            "UPDATE submissions SET superseded_by = ? WHERE plan_id = ? AND unit = ? AND period = ? "
            "AND id != ? AND superseded_by IS NULL", (newest_sha, m.plan_id, m.unit, m.period, sid))
        replaced = tuple(r["sha256"] for r in previous)
        return (Outcome.SUPERSEDED if replaced else Outcome.NEW), replaced

    # reading ---------------------------------------------------------------------------

    def _submission_row(self, sha: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM submissions WHERE sha256 = ?", (sha,)).fetchone()
        return row

    def _require(self, sha: str) -> SubmissionRecord:
        rec = self.find(sha)
        if rec is None:
            raise LedgerError(f"报送台账中找不到文件 {sha[:12]}…")
        return rec

    def _to_record(self, row: sqlite3.Row, with_findings: bool = True) -> SubmissionRecord:
        original = self.store.find(row["sha256"])
        findings = tuple(codec.load_findings(self.conn, row["id"])) if with_findings else ()
        return SubmissionRecord(
            id=row["id"], sha256=row["sha256"], file_name=row["file_name"],
            source_path=row["source_path"], size=row["size"], plan_id=row["plan_id"], unit=row["unit"],
            unit_name=row["unit_name"], period=row["period"], fingerprint=row["fingerprint"],
            form_version=row["form_version"], received_at=row["received_at"],
            collected_at=row["collected_at"], state=row["state"], errors=row["errors"],
            warnings=row["warnings"], infos=row["infos"], superseded_by=row["superseded_by"],
            original=str(original) if original else "", findings=findings)

    def find(self, sha256: str) -> SubmissionRecord | None:
        row = self._submission_row(sha256)
        return None if row is None else self._to_record(row)

    def original_path(self, sha256: str) -> Path | None:
        """The stored copy of a received file, exactly as received."""
        return self.store.find(sha256)

    def submissions(self, *, with_findings: bool = False) -> list[SubmissionRecord]:
        """Every file ever collected, in the order received."""
        rows = self.conn.execute("SELECT * FROM submissions ORDER BY received_at, id").fetchall()
        return [self._to_record(r, with_findings) for r in rows]

    def history(self, unit: str) -> list[SubmissionRecord]:
        """Every return of a unit (code, or name as written in its returns), oldest first."""
        rows = self.conn.execute(
            "SELECT * FROM submissions WHERE unit = ? OR (unit_name = ? AND unit IS NOT NULL) "
            "ORDER BY received_at, id", (unit, unit)).fetchall()
        return [self._to_record(r) for r in rows]

    def plan_submissions(self, plan: Plan) -> list[SubmissionRecord]:
        """The identified returns of this plan's current period, oldest first."""
        rows = self.conn.execute(
            "SELECT * FROM submissions WHERE plan_id = ? AND period = ? AND unit IS NOT NULL "
            "ORDER BY received_at, id", (plan.info.id, plan_period(plan))).fetchall()
        return [self._to_record(r, with_findings=False) for r in rows]

    def latest(self, plan: Plan) -> list[ReturnData]:
        """The newest return of each unit for the plan's current period, whatever its state."""
        return self._newest_per_unit(plan, accepted_only=False)

    def latest_accepted(self, plan: Plan) -> list[ReturnData]:
        """The newest return without errors of each unit: what the figures are built from."""
        return self._newest_per_unit(plan, accepted_only=True)

    def current(self, plan: Plan) -> tuple[list[ReturnData], list[ReturnData]]:
        """(:meth:`latest`, :meth:`latest_accepted`) with each return loaded once: they are the
        same return for every unit whose newest one has no errors."""
        latest = self.latest(plan)
        with_errors = {r.unit for r in latest if r.has_errors}
        older = {r.unit: r for r in self._newest_per_unit(plan, accepted_only=True, units=with_errors)}
        accepted = [older[r.unit] if r.unit in with_errors else r for r in latest
                    if r.unit not in with_errors or r.unit in older]
        return latest, accepted

    def accepted_in(self, plan: Plan, period: str) -> list[ReturnData]:
        """The newest return without errors of each unit for another round (``period``) of
        this plan, as that round accepted it."""
        return self._newest_per_unit(plan, accepted_only=True, period=period)

    def _newest_per_unit(self, plan: Plan, accepted_only: bool, units: set[str | None] | None = None,
                         period: str | None = None) -> list[ReturnData]:
        chosen: dict[str, sqlite3.Row] = {}
        rows = self.conn.execute(
            "SELECT * FROM submissions WHERE plan_id = ? AND period = ? AND unit IS NOT NULL "
            "ORDER BY received_at, id", (plan.info.id, period or plan_period(plan))).fetchall()
        for row in rows:
            if units is not None and row["unit"] not in units:
                continue
            if not (accepted_only and state_has_errors(row["state"])):
                chosen[row["unit"]] = row
        rows = [chosen[u] for u in _unit_order(plan, chosen)]
        stored = iter(codec.load_returns(self.conn, [r for r in rows if r["sha256"] not in self._entered]))
        return [codec.as_loaded(self._entered[r["sha256"]], r) if r["sha256"] in self._entered else next(stored)
                for r in rows]

    def prefill(self, plan: Plan, unit: str) -> dict[tuple[str, int], float]:
        """Accepted values of a unit for this plan, all periods, newest return winning, for
        pre-filled forms (a unit never types last year's values twice)."""
        rows = self.conn.execute(
            "SELECT id, period FROM submissions WHERE plan_id = ? AND unit = ? "
            "AND state NOT IN ('has-errors', 'rejected') ORDER BY received_at, id",
            (plan.info.id, unit)).fetchall()
        newest_per_period = {r["period"]: r["id"] for r in rows}  # later rows overwrite earlier
        position = {r["id"]: i for i, r in enumerate(rows)}
        period_of_row = {r["id"]: r["period"] for r in rows}
        current = plan_period(plan)
        values: dict[tuple[str, int], float] = {}
        for sid in sorted(newest_per_period.values(), key=position.__getitem__):
            # Another round of the same year said where the year stood then: the year is
            # still open in this round, so it is not pre-filled (and locked) from there.
            still_open = plan.info.cutoff_year if period_of_row[sid] != current else None
            for o in codec.load_observations(self.conn, sid):
                if o.value is not None and o.unit == unit and (still_open is None or o.year < still_open):
                    values[(o.code, o.year)] = o.value
        return values

    def status(self, plan: Plan, *, today: dt.date | None = None) -> StatusReport:
        from .status import build_status

        return build_status(plan, self.plan_submissions(plan), today=today)

    def export(self, path: Path, plan: Plan | None = None, *, everything: bool = False) -> int:
        from .export import export_values

        return export_values(self, path, plan, everything=everything)


def prefill_by_unit(project: Project, plan: Plan, units: Iterable[str]) -> dict[str, dict[tuple[str, int], float]]:
    """Accepted values per unit code for pre-filled forms; empty when the project has no
    ledger yet (writing forms never creates one)."""
    if not project.ledger_path.exists():
        return {}
    with Ledger.for_project(project) as ledger:
        return {code: values for code in units if (values := ledger.prefill(plan, code))}


def _unit_order(plan: Plan, units: Iterable[str]) -> list[str]:
    order = {u.code: i for i, u in enumerate(plan.units)}
    return sorted(units, key=lambda c: (order.get(c, len(order)), c))


def _saved_at(src: Path) -> dt.datetime:
    """When the file was saved where the coordinator put it: the best default for when it
    was received (collecting may happen days later). Never later than now."""
    now = dt.datetime.now()
    try:
        return min(now, dt.datetime.fromtimestamp(src.stat().st_mtime))
    except (OSError, ValueError, OverflowError):
        return now


def _claim(src: Path, sha: str, result: ReturnData, received_at: dt.datetime | dt.date | str | None) -> str:
    """Give ``result`` the hash of the content being recorded (refusing a file changed since it
    was read) and return its receipt time: ``received_at``, else when the file was saved."""
    if result.sha256 and result.sha256 != sha:
        raise LedgerError(f"文件 {src} 在登记过程中被修改，请待文件保存完毕后重新登记。")
    result.sha256 = sha
    given = None if received_at is None else normalize_received(received_at)
    return given or normalize_received(_saved_at(src))


@dataclass(frozen=True)
class _Pending:
    """A file of a batch, checked and its original stored, waiting for the batch's transaction."""

    src: Path
    size: int
    result: ReturnData
    received: str
    original: Path | None


# Longest a batch keeps the ledger's write lock (seconds): a second writer (the web intake
# receiving an upload) waits for it up to SQLite's busy timeout (30 s, ledger.schema.connect).
# After this long what is recorded is committed and the next file opens a new transaction.
BATCH_HOLD = 5.0


class _Batch:
    """The files of a parallel collect recorded as their results arrive, in receipt order.

    The rows are written inside one write transaction taken at the first new file (while the
    other files are still being read and checked); the originals are made durable together
    (:func:`~reportkit.fileio.sync_files`) just before it commits, so every row committed names
    a synced copy. A kill at any moment leaves the ledger as before the batch or with all of it
    (with a batch held longer than :data:`BATCH_HOLD`: with the files up to some point, in
    receipt order, as one collect after another leaves it); the next collect records the rest.
    Each result holds its record as one collect after another would have reported it (read
    inside the transaction, right after its file)."""

    def __init__(self, ledger: Ledger, known: dict[str, SubmissionRecord | None], checked_with: str) -> None:
        self.ledger, self.known, self.checked_with = ledger, known, checked_with
        self.results: list[CollectResult] = []
        self.entered: list[ReturnData] = []
        self.originals: list[Path] = []
        self.opened: float | None = None  # when the open transaction began

    def add(self, src: Path, sha: str, pending: _Pending | None) -> None:
        """Record one file (``pending``: None when it was in the ledger or earlier in the batch)."""
        ledger = self.ledger
        if pending is None:
            record = self.known.get(sha) or ledger._require(sha)
            self.results.append(CollectResult(str(src), sha, Outcome.ALREADY, record))
            return
        if self.opened is None:
            ledger.conn.execute("BEGIN IMMEDIATE")
            self.opened = time.monotonic()
        try:
            if ledger._submission_row(sha) is not None:  # collected meanwhile by another process
                self.results.append(CollectResult(str(src), sha, Outcome.ALREADY, ledger._require(sha)))
                return
            outcome, replaced = ledger._insert(src, pending.size, pending.result, pending.received,
                                               self.checked_with)
            self.results.append(CollectResult(str(src), sha, outcome, ledger._require(sha), replaced))
        except BaseException:
            self._rollback()
            raise
        self.entered.append(pending.result)
        if pending.original is not None:
            self.originals.append(pending.original)
        if time.monotonic() - self.opened >= BATCH_HOLD:
            self.commit()

    def commit(self) -> None:
        """Make the originals recorded so far durable, then commit their rows."""
        if self.opened is None:
            return
        try:
            sync_files(self.originals)
            _checkpoint("originals-synced")
            _checkpoint("before-commit")
            self.ledger.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        self.opened = None
        self.originals = []
        self.ledger._entered.update((r.sha256, r) for r in self.entered)
        self.entered = []

    def _rollback(self) -> None:
        if self.ledger.conn.in_transaction:
            self.ledger.conn.execute("ROLLBACK")
        self.opened = None
        self.originals, self.entered = [], []


def _save_order(path: Path) -> tuple[float, str]:
    try:
        return (Path(path).stat().st_mtime, str(path))
    except OSError:
        return (0.0, str(path))


def _content(src: Path) -> tuple[bytes | None, str]:
    """The file's bytes and their hash; a link is recorded, never followed or stored."""
    data = None if src.is_symlink() else _read(src)
    return data, link_sha256(src) if data is None else sha256_of(data)


def _read(src: Path) -> bytes:
    if not src.is_file():
        raise UsageError(f"找不到文件 {src}。")
    try:
        return src.read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取文件 {src}：{exc}") from exc
