"""Write a :class:`ReturnData` into the ledger's tables and read it back.

Reading back gives the same values intake produced, so evaluation cannot tell a return
read from the ledger from one read from its workbook (finding values come back as text).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..findings import Finding, Location, Severity
from ..intake.types import (
    Narrative,
    Observation,
    ReturnData,
    ReturnMeta,
    RowNote,
    TaskReport,
    observation,
    shared_text,
)

_FINDING_COLUMNS = ("code", "severity", "message", "hint", "value", "explained", "explanation",
                    "file", "sheet", "cell", "unit", "indicator", "year")
_NARRATIVE_FIELDS = ("achievements", "problems", "suggestions", "filled_by", "phone", "filled_on")


def insert_contents(conn: sqlite3.Connection, submission_id: int, data: ReturnData) -> None:
    """Insert findings, values, notes, task reports and narrative of one submission."""
    _insert_findings(conn, submission_id, data.findings)
    _insert_observations(conn, submission_id, data.observations)
    _insert_notes(conn, submission_id, data.notes)
    _insert_tasks(conn, submission_id, data.tasks)
    values = [getattr(data.narrative, name) for name in _NARRATIVE_FIELDS]
    conn.execute(f"INSERT INTO narratives (submission_id, {', '.join(_NARRATIVE_FIELDS)}) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", (submission_id, *values))


def delete_contents(conn: sqlite3.Connection, submission_id: int) -> None:
    """Remove what :func:`insert_contents` wrote for one submission (before re-validating it)."""
    for table in ("findings", "observations", "notes", "task_reports", "narratives"):
        conn.execute(f"DELETE FROM {table} WHERE submission_id = ?", (submission_id,))


def _insert_findings(conn: sqlite3.Connection, sid: int, findings: Iterable[Finding]) -> None:
    rows = []
    for seq, f in enumerate(findings):
        d = f.to_dict()
        loc = d["location"]
        rows.append((sid, seq, d["code"], d["severity"], d["message"], d["hint"], d["value"],
                     int(bool(d["explained"])), d["explanation"], loc["file"], loc["sheet"],
                     loc["cell"], loc["unit"], loc["indicator"], loc["year"]))
    conn.executemany(f"INSERT INTO findings (submission_id, seq, {', '.join(_FINDING_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * (len(_FINDING_COLUMNS) + 2))})", rows)


def _insert_observations(conn: sqlite3.Connection, sid: int, observations: Iterable[Observation]) -> None:
    rows = [(sid, seq, o.unit, o.code, o.year, o.value, o.raw, o.cell, int(o.no_data), int(o.prefilled))
            for seq, o in enumerate(observations)]
    conn.executemany("INSERT INTO observations (submission_id, seq, unit, code, year, value, raw, cell, "
                     "no_data, prefilled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _insert_notes(conn: sqlite3.Connection, sid: int, notes: dict[str, RowNote]) -> None:
    rows = [(sid, key, n.unit, n.code, n.data_source, n.explanation, n.cell) for key, n in notes.items()]
    conn.executemany("INSERT INTO notes (submission_id, key, unit, code, data_source, explanation, cell) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def _insert_tasks(conn: sqlite3.Connection, sid: int, tasks: Iterable[TaskReport]) -> None:
    rows = [(sid, seq, t.unit, t.task_code, t.progress, t.status, t.problems, t.next_steps, t.row)
            for seq, t in enumerate(tasks)]
    conn.executemany("INSERT INTO task_reports (submission_id, seq, unit, task_code, progress, status, "
                     "problems, next_steps, row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


# reading back --------------------------------------------------------------------------

def load_findings(conn: sqlite3.Connection, submission_id: int) -> list[Finding]:
    rows = conn.execute("SELECT * FROM findings WHERE submission_id = ? ORDER BY seq", (submission_id,))
    return [_finding(r) for r in rows]


def _finding(r: sqlite3.Row) -> Finding:
    loc = Location(file=r["file"], sheet=r["sheet"], cell=r["cell"], unit=r["unit"],
                   indicator=r["indicator"], year=r["year"])
    return Finding(code=r["code"], severity=Severity(r["severity"]), message=r["message"], location=loc,
                   hint=r["hint"], value=r["value"], explained=bool(r["explained"]),
                   explanation=r["explanation"])


def load_return(conn: sqlite3.Connection, sub: sqlite3.Row) -> ReturnData:
    """Rebuild the :class:`ReturnData` of one submission row."""
    sid = sub["id"]
    return ReturnData(
        path=sub["source_path"],
        sha256=sub["sha256"],
        meta=_meta(sub),
        observations=load_observations(conn, sid),
        notes=_notes(conn, sid),
        tasks=_tasks(conn, sid),
        narrative=_narrative(conn, sid),
        findings=load_findings(conn, sid),
        received_at=sub["received_at"],
        superseded_by=sub["superseded_by"],
    )


def load_returns(conn: sqlite3.Connection, subs: list[sqlite3.Row]) -> list[ReturnData]:
    """:func:`load_return` of each row, with one query per table for a batch of rows (a
    re-build loads every unit's current return: a national plan has thousands)."""
    out: list[ReturnData] = []
    for start in range(0, len(subs), _BATCH):
        batch = subs[start:start + _BATCH]
        ids = [s["id"] for s in batch]
        observations = _grouped(conn, "SELECT submission_id, unit, code, year, value, raw, cell, no_data, prefilled "
                                "FROM observations WHERE submission_id IN ({}) ORDER BY submission_id, seq", ids)
        notes = _grouped(conn, "SELECT submission_id, key, unit, code, data_source, explanation, cell "
                         "FROM notes WHERE submission_id IN ({}) ORDER BY submission_id, rowid", ids)
        tasks = _grouped(conn, "SELECT submission_id, unit, task_code, progress, status, problems, next_steps, row "
                         "FROM task_reports WHERE submission_id IN ({}) ORDER BY submission_id, seq", ids)
        narratives = _grouped(conn, f"SELECT submission_id, {', '.join(_NARRATIVE_FIELDS)} "
                              "FROM narratives WHERE submission_id IN ({})", ids)
        findings = _grouped(conn, f"SELECT submission_id, {', '.join(_FINDING_COLUMNS)} "
                            "FROM findings WHERE submission_id IN ({}) ORDER BY submission_id, seq", ids)
        for sub in batch:
            sid = sub["id"]
            told = narratives.get(sid)
            out.append(ReturnData(
                path=sub["source_path"],
                sha256=sub["sha256"],
                meta=_meta(sub),
                observations=[observation(u, c, y, v, raw, cell, bool(nd), bool(pf))
                              for u, c, y, v, raw, cell, nd, pf in observations.get(sid, ())],
                notes={shared_text(k): RowNote(shared_text(u), shared_text(c), src, text, shared_text(cell))
                       for k, u, c, src, text, cell in notes.get(sid, ())},
                tasks=[TaskReport(shared_text(u), shared_text(c), progress, shared_text(status), problems, steps, row)
                       for u, c, progress, status, problems, steps, row in tasks.get(sid, ())],
                narrative=Narrative(*told[0]) if told else Narrative(),
                findings=[_finding_of(r) for r in findings.get(sid, ())],
                received_at=sub["received_at"],
                superseded_by=sub["superseded_by"],
            ))
    return out


_BATCH = 500  # submissions per query (SQLite limits the number of parameters)


def _grouped(conn: sqlite3.Connection, sql: str, ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The rows of ``sql`` (with ``{}`` for the id placeholders) by their first column, rest kept."""
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: far cheaper than sqlite3.Row for many rows
    out: dict[int, list[tuple[Any, ...]]] = {}
    for row in cur.execute(sql.format(", ".join("?" * len(ids))), ids):
        out.setdefault(row[0], []).append(row[1:])
    return out


def _finding_of(r: tuple[Any, ...]) -> Finding:
    code, severity, message, hint, value, explained, explanation, file, sheet, cell, unit, indicator, year = r
    return Finding(code=code, severity=Severity(severity), message=message,
                   location=Location(file=file, sheet=sheet, cell=cell, unit=unit, indicator=indicator, year=year),
                   hint=hint, value=value, explained=bool(explained), explanation=explanation)


def as_loaded(data: ReturnData, sub: sqlite3.Row) -> ReturnData:
    """What :func:`load_return` gives for ``sub`` when ``data`` is what was inserted for it,
    without reading it back: the identity and receipt from the row, the contents from ``data``
    as the tables keep them (a finding's value as text, the narrative's empty fields as NULL)."""
    return ReturnData(
        path=sub["source_path"],
        sha256=sub["sha256"],
        meta=_meta(sub),
        observations=[o if o.value is None or type(o.value) is float else replace(o, value=float(o.value))
                      for o in data.observations],
        notes=dict(data.notes),
        tasks=list(data.tasks),
        narrative=data.narrative,
        findings=[f if f.value is None or isinstance(f.value, str) else replace(f, value=str(f.value))
                  for f in data.findings],
        received_at=sub["received_at"],
        superseded_by=sub["superseded_by"],
    )


def _meta(sub: sqlite3.Row) -> ReturnMeta | None:
    if sub["unit"] is None:
        return None
    return ReturnMeta(
        plan_id=sub["plan_id"] or "", fingerprint=sub["fingerprint"] or "",
        form_version=sub["form_version"] or "", unit=sub["unit"], unit_name=sub["unit_name"] or "",
        period=sub["period"] or "", years=tuple(json.loads(sub["years"])),
        generated_at=sub["generated_at"],
        fingerprint_parts=_fingerprint_parts(sub["fingerprint_parts"]),
    )


_PARTS: dict[str, tuple[tuple[str, str], ...]] = {}


def _fingerprint_parts(text: str) -> tuple[tuple[str, str], ...]:
    """The (code, hash) pairs stored as ``text``, one shared tuple per distinct text: every
    return made from one plan carries the same pairs (a national plan: thousands of returns
    times some hundred pairs, read for each build)."""
    parts = _PARTS.get(text)
    if parts is None:
        if len(_PARTS) >= 64:  # a few plans and versions in one process; never grows without bound
            _PARTS.clear()
        parts = _PARTS[text] = tuple((shared_text(k), shared_text(v)) for k, v in json.loads(text))
    return parts


def meta_columns(meta: ReturnMeta | None) -> dict[str, object]:
    """The submissions columns that hold a return's identity (all NULL when unidentified)."""
    if meta is None:
        return {"plan_id": None, "unit": None, "unit_name": None, "period": None, "fingerprint": None,
                "form_version": None, "years": "[]", "generated_at": "", "fingerprint_parts": "[]"}
    return {
        "plan_id": meta.plan_id, "unit": meta.unit, "unit_name": meta.unit_name, "period": meta.period,
        "fingerprint": meta.fingerprint, "form_version": meta.form_version,
        "years": json.dumps(list(meta.years)), "generated_at": meta.generated_at,
        "fingerprint_parts": _fingerprint_parts_text(meta.fingerprint_parts),
    }


_PARTS_TEXT: dict[tuple[tuple[str, str], ...], str] = {}


def _fingerprint_parts_text(parts: tuple[tuple[str, str], ...]) -> str:
    """The stored text of a return's (code, hash) pairs, encoded once per distinct pairs (every
    return made from one plan carries the same)."""
    text = _PARTS_TEXT.get(parts)  # (str pairs, as intake reads them from the form's properties)
    if text is None:
        if len(_PARTS_TEXT) >= 64:
            _PARTS_TEXT.clear()
        text = _PARTS_TEXT[parts] = json.dumps([list(p) for p in parts], ensure_ascii=False)
    return text


def load_observations(conn: sqlite3.Connection, sid: int) -> list[Observation]:
    rows = conn.execute("SELECT * FROM observations WHERE submission_id = ? ORDER BY seq", (sid,))
    return [Observation(unit=r["unit"], code=r["code"], year=r["year"], value=r["value"], raw=r["raw"],
                        cell=r["cell"], no_data=bool(r["no_data"]), prefilled=bool(r["prefilled"]))
            for r in rows]


def _notes(conn: sqlite3.Connection, sid: int) -> dict[str, RowNote]:
    rows = conn.execute("SELECT * FROM notes WHERE submission_id = ? ORDER BY rowid", (sid,))
    return {r["key"]: RowNote(unit=r["unit"], code=r["code"], data_source=r["data_source"],
                              explanation=r["explanation"], cell=r["cell"]) for r in rows}


def _tasks(conn: sqlite3.Connection, sid: int) -> list[TaskReport]:
    rows = conn.execute("SELECT * FROM task_reports WHERE submission_id = ? ORDER BY seq", (sid,))
    return [TaskReport(unit=r["unit"], task_code=r["task_code"], progress=r["progress"], status=r["status"],
                       problems=r["problems"], next_steps=r["next_steps"], row=r["row"]) for r in rows]


def _narrative(conn: sqlite3.Connection, sid: int) -> Narrative:
    r = conn.execute("SELECT * FROM narratives WHERE submission_id = ?", (sid,)).fetchone()
    if r is None:
        return Narrative()
    return Narrative(**{name: r[name] for name in _NARRATIVE_FIELDS})
