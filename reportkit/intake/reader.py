"""Open one received file and read what a return form holds, without judging it.

:func:`read_form` never raises for bad content: a file it cannot read comes back with
``problem`` set ("empty", "not-spreadsheet", "corrupt", "encrypted"), which the checks
turn into findings.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..fileio import sha256_file
from ..forms import layout as L
from .form import FormMeta, LocatedSheets, locate_sheets, read_meta
from .isolate import IsolationFailed, run_isolated
from .rows import IndicatorTable, read_indicator_table, read_narrative, read_tasks
from .sniff import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES, FileKind, sniff
from .types import Narrative, TaskReport
from .workbook import WorkbookData, WorkbookReadError, read_workbook


@dataclass
class FormContent:
    path: Path
    sha256: str
    kind: FileKind
    problem: str | None = None  # why nothing could be read
    detail: str = ""
    workbook: WorkbookData | None = None
    meta: FormMeta | None = None
    sheets: LocatedSheets = field(default_factory=LocatedSheets)
    indicators: IndicatorTable | None = None
    tasks: list[TaskReport] = field(default_factory=list)
    narrative: Narrative = field(default_factory=Narrative)

    @property
    def unit(self) -> str:
        return self.meta.get("unit") if self.meta else ""


def read_form(path: Path, *, isolate: bool = True) -> FormContent:
    """``isolate=False`` reads in this process: for a caller that is itself an isolated worker
    (:func:`~reportkit.checks.run.validate_many`)."""
    parts: dict[str, bytes] = {}  # the parts the sniffer read (worksheets, sheet list, properties): read once
    content = opened(path, parts)
    if content.problem is not None:
        return content
    kind = content.kind

    def read() -> WorkbookData:
        # 填报说明 holds only the form's own instructions (no check reads it; a sheet under that
        # name is never taken for a renamed part of the form)
        return read_workbook(path, kind, skip_formulas=(L.SHEET_META, L.SHEET_INSTRUCTIONS), parts=parts,
                             unread=(L.SHEET_INSTRUCTIONS,))

    try:
        wb = run_isolated(read) if isolate else read()
    except WorkbookReadError as exc:
        content.problem, content.detail = exc.reason, exc.detail
        return content
    except IsolationFailed as exc:
        return unreadable(content, exc)
    _fill(content, wb)
    return content


def opened(path: Path, parts: dict[str, bytes] | None = None) -> FormContent:
    """The file's hash and kind, with ``problem`` set when no reader can take it (``parts``: see
    :func:`~.sniff.sniff`)."""
    path = Path(path)
    if path.is_symlink():
        return _link(path)
    try:
        sha, kind = sha256_file(path), sniff(path, parts)
    except OSError as exc:
        return FormContent(path, "", FileKind.NOT_SPREADSHEET, "unreadable", str(exc))
    content = FormContent(path, sha, kind)
    if not kind.readable:
        content.problem = kind.value
        if kind is FileKind.TOO_LARGE:
            size = path.stat().st_size
            content.detail = (f"{size / 2**20:.1f} MB，超过 {MAX_FILE_BYTES // 2**20} MB 上限" if size > MAX_FILE_BYTES
                              else f"解压后超过 {MAX_UNZIPPED_BYTES // 2**20} MB 上限")
    return content


def unreadable(content: FormContent, exc: IsolationFailed) -> FormContent:
    """The file whose reader process died (an abort for memory, a crash) or ran out of time."""
    content.problem = "corrupt" if exc.reason == "crashed" else FileKind.TOO_LARGE.value
    content.detail = exc.detail
    return content


def _link(path: Path) -> FormContent:
    """A symbolic link met in a returns folder is not followed (it may lead anywhere: out of
    the folder, back to the folder itself, round in a loop)."""
    try:
        target = os.readlink(path)
    except OSError as exc:
        target = str(exc)
    try:
        problem = "folder-link" if path.is_dir() else "link" if path.exists() else "broken-link"
    except OSError:  # a loop is reported by is_dir/exists as False on most versions; not on all
        problem = "broken-link"
    if problem == "broken-link" and _loops(path):
        target = f"{target}（链接循环，永远到达不了文件）"
    return FormContent(path, link_sha256(path), FileKind.NOT_SPREADSHEET, problem, target)


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def link_sha256(path: Path) -> str:
    """A stand-in hash for a link (its content is never read): the link's place and target."""
    import hashlib

    return hashlib.sha256(f"link:{Path(path).absolute()}->{os.readlink(path)}".encode()).hexdigest()


def _fill(content: FormContent, wb: WorkbookData) -> None:
    content.workbook = wb
    content.meta = read_meta(wb)
    content.sheets = locate_sheets(wb)
    if content.sheets.indicators is not None:
        content.indicators = read_indicator_table(content.sheets.indicators, wb)
    if content.sheets.tasks is not None:
        content.tasks = read_tasks(content.sheets.tasks, content.unit)
    content.narrative = read_narrative(content.sheets.narrative)

