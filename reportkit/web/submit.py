"""One return uploaded through a unit's link, collected exactly like an e-mailed one.

The upload is written under a name reportkit chooses (the unit's form name, with the
extension of what the bytes are), in a private folder, and collected with
:func:`reportkit.ledger.collecting.collect_returns`. The only difference from the CLI is a
narrower validator: a return that identifies another unit, or no unit at all, stops the
collect before anything is stored, so it is recorded for nobody.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..checks.run import validate_return
from ..definitions.model import Plan
from ..findings import Finding
from ..forms.writer import form_filename
from ..intake.sniff import FileKind, sniff
from ..intake.types import ReturnData
from ..ledger import CollectResult, Ledger, Validator
from ..ledger.collecting import collect_returns
from ..project import Project

SUFFIXES = {FileKind.XLSX: ".xlsx", FileKind.LEGACY: ".xls", FileKind.ODS: ".ods"}
NOT_A_SPREADSHEET = {FileKind.EMPTY, FileKind.NOT_SPREADSHEET}


class Verdict(StrEnum):
    RECORDED = "recorded"  # collected into the ledger (new, resubmission, or the same file again)
    OTHER_UNIT = "other-unit"  # a return of another unit: refused, nothing stored
    UNIDENTIFIED = "unidentified"  # no unit could be read from it: findings shown, nothing stored
    NOT_SPREADSHEET = "not-spreadsheet"  # empty, or not a workbook at all: nothing stored


@dataclass(frozen=True)
class UploadResult:
    verdict: Verdict
    collected: CollectResult | None = None
    findings: tuple[Finding, ...] = ()
    other_unit: str = ""  # the unit the refused return names

    @property
    def recorded(self) -> bool:
        return self.verdict is Verdict.RECORDED


class _Refused(Exception):
    """Raised by the narrowed validator before the ledger stores anything."""

    def __init__(self, result: ReturnData) -> None:
        super().__init__(result.path)
        self.result = result


def _only_unit(unit: str, validate: Validator) -> Validator:
    def check(plan: Plan, path: Path) -> ReturnData:
        result = validate(plan, path)
        if result.unit != unit:
            raise _Refused(result)
        return result
    return check


def staging_dir(project: Project) -> Path:
    """A new private folder for one upload (removed once it is collected)."""
    root = project.state_dir / "incoming"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root))


def submit_upload(project: Project, plan: Plan, unit: str, staged: Path, *,
                  validate: Validator | None = None) -> UploadResult:
    """Collect the uploaded file ``staged`` as a return of ``unit``, received now."""
    kind = sniff(staged)
    if kind in NOT_A_SPREADSHEET:
        return UploadResult(Verdict.NOT_SPREADSHEET)
    named = staged.with_name(Path(form_filename(plan, unit)).stem + SUFFIXES.get(kind, ".xlsx"))
    staged.rename(named)
    with Ledger.for_project(project) as ledger:
        try:
            run = collect_returns(ledger, plan, [named], received_at=dt.datetime.now(),
                                  validate=_only_unit(unit, validate or validate_return))
        except _Refused as refused:
            return _refusal(plan, refused.result)
    collected = run.results[0]
    # Bytes collected before (``already``) are not validated again: check whose they were.
    if collected.record.unit is None:
        return UploadResult(Verdict.UNIDENTIFIED, findings=collected.record.findings)
    if collected.record.unit != unit:
        return UploadResult(Verdict.OTHER_UNIT, other_unit=collected.record.unit_name or "")
    return UploadResult(Verdict.RECORDED, collected, collected.record.findings)


def _refusal(plan: Plan, result: ReturnData) -> UploadResult:
    if result.meta is None:
        return UploadResult(Verdict.UNIDENTIFIED, findings=tuple(result.findings))
    name = result.meta.unit_name or plan.unit_name(result.meta.unit)
    return UploadResult(Verdict.OTHER_UNIT, other_unit=name)


def discard(staged_dir: Path) -> None:
    shutil.rmtree(staged_dir, ignore_errors=True)
