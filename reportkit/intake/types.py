"""What intake reads out of one filled return: the contract between intake, the checks,
the ledger and the evaluation.

The ledger stores and restores these values; evaluation consumes a list of accepted
:class:`ReturnData` (one per unit, the latest accepted) and never touches workbooks.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from ..findings import Finding, Severity
from ..plain import as_plain


@dataclass(frozen=True)
class ReturnMeta:
    """Identity of a return, read from its very hidden metadata sheet and document properties."""

    plan_id: str
    fingerprint: str
    form_version: str
    unit: str  # unit code
    unit_name: str
    period: str  # e.g. "2023-中期评估"
    years: tuple[int, ...] = ()
    generated_at: str = ""
    fingerprint_parts: tuple[tuple[str, str], ...] = ()  # code -> short hash


@dataclass(frozen=True, slots=True)
class Observation:
    """One typed value: unit × indicator-or-item code × year. (``slots``: a national plan's
    returns hold millions of them.)"""

    unit: str
    code: str
    year: int
    value: float | None  # None = blank or explicit no-data
    raw: str = ""  # the cell as typed ("９８．５", "3.2万户", "—")
    cell: str = ""  # A1 address on the indicator sheet
    no_data: bool = False  # explicit "—"/"/"/"无"/"不适用"
    prefilled: bool = False  # a locked, pre-filled earlier year

    def __reduce__(self) -> tuple[Any, ...]:
        return (observation, (self.unit, self.code, self.year, self.value, self.raw, self.cell, self.no_data,
                              self.prefilled))


def observation(unit: str, code: str, year: int, value: float | None, raw: str = "", cell: str = "",
                no_data: bool = False, prefilled: bool = False) -> Observation:
    """An observation whose unit, code and cell texts are shared with every other return's (a
    national plan's returns hold millions of observations; they arrive unpickled from the
    reader processes or read from the ledger, each text a new copy otherwise)."""
    shared_year = _YEARS.setdefault(year, year) if type(year) is int else year
    return Observation(shared_text(unit), shared_text(code), shared_year, value, raw, shared_text(cell), no_data,
                       prefilled)


def _setters(cls: type, *names: str) -> tuple[Callable[[object, Any], None], ...]:
    """The slot setters of ``cls``, for its fields named in their order (checked)."""
    if names != tuple(f.name for f in fields(cls)):
        raise TypeError(f"{cls.__name__}: the fields are not {names}")
    return tuple(getattr(cls, name).__set__ for name in names)


# A frozen dataclass's __init__ sets each field through object.__setattr__; these set the slots
# directly, in half the time (a province's returns make hundreds of thousands of records, on
# reading, checking and receiving them from the workers). Every field, in order, no defaults.
_new = object.__new__
_O_UNIT, _O_CODE, _O_YEAR, _O_VALUE, _O_RAW, _O_CELL, _O_NO_DATA, _O_PREFILLED = _setters(
    Observation, "unit", "code", "year", "value", "raw", "cell", "no_data", "prefilled")


def make_observation(unit: str, code: str, year: int, value: float | None, raw: str, cell: str, no_data: bool,
                     prefilled: bool) -> Observation:
    """``Observation(unit, code, year, value, raw, cell, no_data, prefilled)``, faster."""
    o = _new(Observation)
    _O_UNIT(o, unit)
    _O_CODE(o, code)
    _O_YEAR(o, year)
    _O_VALUE(o, value)
    _O_RAW(o, raw)
    _O_CELL(o, cell)
    _O_NO_DATA(o, no_data)
    _O_PREFILLED(o, prefilled)
    return o


# One int object per year across all returns (ints above 256 are a new object each time one is
# unpickled or read from SQLite: 32 bytes per observation of a national plan otherwise).
_YEARS: dict[int, int] = {}


def shared_text(text: str) -> str:
    """One copy of a text that recurs across returns (codes, units, cell addresses)."""
    return sys.intern(text) if type(text) is str else text


@dataclass(frozen=True, slots=True)
class RowNote:
    """The 数据来源 and 说明 cells of one indicator/item row."""

    unit: str
    code: str
    data_source: str = ""
    explanation: str = ""
    cell: str = ""  # A1 of the 说明 cell

    def __reduce__(self) -> tuple[Any, ...]:  # unpickled from a reader process: codes shared
        return (_row_note, (self.unit, self.code, self.data_source, self.explanation, self.cell))


def _row_note(unit: str, code: str, data_source: str, explanation: str, cell: str) -> RowNote:
    return RowNote(shared_text(unit), shared_text(code), data_source, explanation, shared_text(cell))


_N_UNIT, _N_CODE, _N_SOURCE, _N_EXPLANATION, _N_CELL = _setters(
    RowNote, "unit", "code", "data_source", "explanation", "cell")


def make_row_note(unit: str, code: str, data_source: str, explanation: str, cell: str) -> RowNote:
    """``RowNote(unit, code, data_source, explanation, cell)``, faster (see :func:`make_observation`)."""
    n = _new(RowNote)
    _N_UNIT(n, unit)
    _N_CODE(n, code)
    _N_SOURCE(n, data_source)
    _N_EXPLANATION(n, explanation)
    _N_CELL(n, cell)
    return n


@dataclass(frozen=True, slots=True)
class TaskReport:
    unit: str
    task_code: str
    progress: str = ""  # 进展情况
    status: str = ""  # 完成状态: 已完成 / 按进度推进 / 滞后 / 未启动
    problems: str = ""  # 存在问题
    next_steps: str = ""  # 下一步打算
    row: int = 0

    def __reduce__(self) -> tuple[Any, ...]:  # unpickled from a reader process: codes shared
        return (_task_report, (self.unit, self.task_code, self.progress, self.status, self.problems,
                               self.next_steps, self.row))


def _task_report(unit: str, task_code: str, progress: str, status: str, problems: str, next_steps: str,
                 row: int) -> TaskReport:
    return TaskReport(shared_text(unit), shared_text(task_code), progress, shared_text(status), problems,
                      next_steps, row)


_T_UNIT, _T_CODE, _T_PROGRESS, _T_STATUS, _T_PROBLEMS, _T_NEXT, _T_ROW = _setters(
    TaskReport, "unit", "task_code", "progress", "status", "problems", "next_steps", "row")


def make_task_report(unit: str, task_code: str, progress: str, status: str, problems: str, next_steps: str,
                     row: int) -> TaskReport:
    """``TaskReport(...)`` of every field, faster (see :func:`make_observation`)."""
    t = _new(TaskReport)
    _T_UNIT(t, unit)
    _T_CODE(t, task_code)
    _T_PROGRESS(t, progress)
    _T_STATUS(t, status)
    _T_PROBLEMS(t, problems)
    _T_NEXT(t, next_steps)
    _T_ROW(t, row)
    return t


@dataclass(frozen=True)
class Narrative:
    achievements: str = ""  # 主要成效
    problems: str = ""  # 存在问题
    suggestions: str = ""  # 意见建议
    filled_by: str = ""  # 填报人
    phone: str = ""  # 联系电话
    filled_on: str = ""  # 填报日期


@dataclass
class ReturnData:
    """Everything read from one returned workbook, plus the findings about it."""

    path: str
    sha256: str
    meta: ReturnMeta | None = None
    observations: list[Observation] = field(default_factory=list)
    notes: dict[str, RowNote] = field(default_factory=dict)
    tasks: list[TaskReport] = field(default_factory=list)
    narrative: Narrative = field(default_factory=Narrative)
    findings: list[Finding] = field(default_factory=list)
    received_at: str = ""  # ISO timestamp (set by the ledger / build)
    superseded_by: str | None = None  # sha256 of the return used instead (duplicates)
    # Whose return this is when it is not a return for this evaluation (a form of another
    # period of the same plan, from a unit of the plan): kept in that unit's history (in no
    # period), never used. ``meta`` stays None, so nothing counts it as the unit's return.
    identity: ReturnMeta | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent back from the reader processes: the observations, notes and tasks go as plain
        # tuples and are rebuilt by one call in the receiving process (a call per record,
        # through each one's own ``__reduce__``, was most of the cost of receiving a return).
        state = dict(vars(self))
        observations, notes, tasks = state.pop("observations"), state.pop("notes"), state.pop("tasks")
        return (_return_data, (state, [_row(o) for o in observations],
                               [(code, _row(n)) for code, n in notes.items()], [_row(t) for t in tasks]))

    @property
    def unit(self) -> str | None:
        return self.meta.unit if self.meta else None

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def state(self) -> str:
        """accepted / accepted-with-explanations / has-warnings / has-errors."""
        if self.has_errors:
            return "has-errors"
        warnings = [f for f in self.findings if f.severity is Severity.WARNING]
        if any(not f.explained for f in warnings):
            return "has-warnings"
        return "accepted-with-explanations" if warnings else "accepted"

    def value(self, code: str, year: int) -> float | None:
        for o in self.observations:
            if o.code == code and o.year == year:
                return o.value
        return None

    def to_dict(self, *, values: bool = True) -> dict[str, Any]:
        """Everything as plain data; ``values=False`` leaves out what was typed (observations,
        notes, tasks, narrative) and keeps identity, findings and state."""
        # Built field by field: dataclasses.asdict deep-copies every observation and was the
        # slowest part of writing a province's validation results.
        d: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "meta": None if self.meta is None else as_plain(self.meta),
        }
        if values:
            d.update(observations=[_plain(o) for o in self.observations],
                     notes={code: _plain(n) for code, n in self.notes.items()},
                     tasks=[_plain(t) for t in self.tasks],
                     narrative=dict(vars(self.narrative)))
        d.update(findings=[f.to_dict() for f in self.findings], received_at=self.received_at,
                 superseded_by=self.superseded_by, state=self.state)
        return d


def _row(x: Observation | RowNote | TaskReport) -> tuple[Any, ...]:
    return _ROWS[type(x)](x)  # type: ignore[no-any-return]


def _return_data(state: dict[str, Any], observations: list[tuple[Any, ...]],
                 notes: list[tuple[str, tuple[Any, ...]]], tasks: list[tuple[Any, ...]]) -> ReturnData:
    """A :class:`ReturnData` as :meth:`ReturnData.__reduce__` sent it, its records' codes and
    cell addresses shared as :func:`observation` shares them."""
    data = ReturnData.__new__(ReturnData)
    vars(data).update(state)
    try:
        intern, year = sys.intern, _YEARS.setdefault
        data.observations = [make_observation(intern(u), intern(c), year(y, y), v, raw, intern(cell), nd, p)
                             for u, c, y, v, raw, cell, nd, p in observations]
        data.notes = {code: make_row_note(intern(u), intern(c), src, exp, intern(cell))
                      for code, (u, c, src, exp, cell) in notes}
        data.tasks = [make_task_report(intern(u), intern(c), progress, intern(status), problems, steps, row)
                      for u, c, progress, status, problems, steps, row in tasks]
    except TypeError:  # a text that is not a plain str (none is, as read): shared where it can be
        data.observations = [observation(*o) for o in observations]
        data.notes = {code: _row_note(*n) for code, n in notes}
        data.tasks = [_task_report(*t) for t in tasks]
    return data


def _plain(x: Observation | RowNote | TaskReport) -> dict[str, Any]:
    """A slotted record as a dict of its fields (``vars`` needs a ``__dict__``)."""
    return {name: getattr(x, name) for name in _FIELDS[type(x)]}


_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in (Observation, RowNote, TaskReport)}
_ROWS = {cls: attrgetter(*names) for cls, names in _FIELDS.items()}  # a record's fields as a tuple

STATE_LABELS = {
    "accepted": "通过",
    "accepted-with-explanations": "通过（已说明）",
    "has-warnings": "待说明",
    "has-errors": "有错误",
    "rejected": "无法受理",
}
