"""``build``: load the plan, validate the returns, evaluate, render everything into ``outputs/``.

Returns with errors are left out of the figures and listed in the report. Every output is
rendered in memory first and then written to a temporary file in its own folder and moved
into place, so an interrupted or failed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..checks.run import ValidationRun
from ..definitions.check import require_clean_plan
from ..definitions.model import Plan
from ..fileio import (
    Content,
    finish_pending,
    json_writer,
    remove_stale_temps,
    replace_as_set,
    safe_file_name,
    sha256_file,
)
from ..findings import Severity, count_by_severity
from ..intake.isolate import Alongside
from ..intake.types import ReturnData
from ..ledger import Ledger
from ..ledger.rounds import previous_round, record_round
from ..pipeline import Progress, gather_from_files, gather_from_ledger, stepper
from ..project import Project
from . import stamp
from .kinds import PACKAGED_TEMPLATES, TEMPLATE_NAME, document_title, fit_context, template_name
from .submissions import Fallback, Submission

if TYPE_CHECKING:
    from ..evaluation import Evaluation
    from ..evaluation.supervision import Supervision

STAGE_RENDER = "生成报告"
PACKAGED_TEMPLATE = PACKAGED_TEMPLATES / TEMPLATE_NAME
VALIDATION_DIR = "validation"  # 审核结果.xlsx and .json (annotated copies for units: reportkit validate)
MANIFEST_FILE = "manifest.json"
VALIDATION_JSON: dict[str, Any] = {"ensure_ascii": False, "indent": 2, "default": str}


@dataclass
class BuildResult:
    plan: Plan
    run: ValidationRun
    evaluation: Evaluation | None = None
    included: list[ReturnData] = field(default_factory=list)
    excluded: list[ReturnData] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    template: Path | None = None
    strict_failed: bool = False
    dry_run: bool = False
    submissions: list[Submission] | None = None  # each unit's collection record, from the ledger
    revalidated: int = 0  # stored returns checked again because the plan changed since
    fallbacks: list[Fallback] = field(default_factory=list)  # newest return rejected, an older one used
    supervision: Supervision | None = None  # a work plan's round: the 督办台账
    up_to_date: bool = False  # nothing the outputs are made from changed: they were left as they are
    kept: list[Path] = field(default_factory=list)  # those outputs (when up_to_date)

    @property
    def received_nothing(self) -> bool:
        """No unit's return was received (usable or not): the report says that no data has been
        received, and the build exits 1 so a script notices."""
        return not self.included and not self.excluded

    @property
    def exit_code(self) -> int:
        return 1 if self.strict_failed or self.received_nothing else 0

    @property
    def findings(self) -> dict[str, int]:
        return count_by_severity([f for r in self.run.active for f in r.findings])

    def to_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        return {
            "plan": self.plan.info.name,
            "strict_failed": self.strict_failed,
            "received_nothing": self.received_nothing,
            "dry_run": self.dry_run,
            "template": str(self.template) if self.template else None,
            "written": [str(p) for p in self.written],
            "up_to_date": self.up_to_date,
            "kept": [str(p) for p in self.kept],
            "counts": {s.value: n for s, n in ev.counts.items()} if ev else {},
            "alerts": [r.code for r in ev.alerts] if ev else [],
            "reported": ev.coverage.label if ev else None,
            "missing_units": list(ev.coverage.missing) if ev else [],
            "included": [r.path for r in self.included],
            "excluded": [excluded_entry(r) for r in self.excluded],
            "findings": self.findings,
            "revalidated": self.revalidated,
            "evaluation": ev.to_dict() if ev else None,
            "supervision": self.supervision.to_dict() if self.supervision else None,
        }


# ---------------------------------------------------------------- files
def report_names(plan: Plan) -> tuple[str, str]:
    name = plan.info.name
    kind = f"{plan.info.period_label}{document_title(plan.info)}" if plan.info.is_work_plan \
        else document_title(plan.info)
    return (safe_file_name(name, f"{kind}.docx", fallback="规划"),
            safe_file_name(name, "汇总表.xlsx", fallback="规划"))


def find_template(project: Project, template: Path | None = None, plan: Plan | None = None) -> Path:
    """An explicit template, else the project's ``templates/`` default for the plan's kind of
    document (落实情况通报, 年度监测报告, 中期/总结评估报告), else the packaged one."""
    if template is not None:
        return template
    name = template_name(plan.info) if plan is not None else TEMPLATE_NAME
    local = project.templates_dir / name
    return local if local.is_file() else PACKAGED_TEMPLATES / name


# ---------------------------------------------------------------- steps
def excluded_entry(r: ReturnData) -> dict[str, Any]:
    errors = [f for f in r.findings if f.severity is Severity.ERROR]
    codes = sorted({f.code for f in errors})
    return {"file": Path(r.path).name, "unit": r.unit, "sha256": r.sha256,
            "reason": f"存在 {len(errors)} 个强制性审核问题（{'、'.join(codes)}），未纳入汇总。"}


def manifest(project: Project, result: BuildResult, outputs: Sequence[str], now: dt.datetime) -> dict[str, Any]:
    plan_path = project.plan_path
    def rel(path: str) -> str:
        return str(Path(path).relative_to(project.root)) if Path(path).is_relative_to(project.root) else path

    used = {r.sha256 for r in result.included}
    listed = [*result.run.returns, *(r for r in result.included if r not in result.run.returns)]
    returns = [{"file": rel(r.path), "sha256": r.sha256, "unit": r.unit, "state": r.state,
                "included": r.sha256 in used, "superseded_by": r.superseded_by}
               for r in listed]
    template = result.template
    return {
        "reportkit_version": __version__,
        "generated_at": now.isoformat(timespec="seconds"),
        "plan": {"id": result.plan.info.id, "name": result.plan.info.name, "file": plan_path.name,
                 "sha256": sha256_file(plan_path), "fingerprint": result.plan.fingerprint()},
        "template": {"file": template.name, "sha256": sha256_file(template)} if template else None,
        "inputs": returns,
        "excluded": [excluded_entry(r) for r in result.excluded],
        "superseded": [{"file": Path(r.path).name, "unit": r.unit, "superseded_by": r.superseded_by}
                       for r in result.run.returns if r.superseded_by],
        "fallbacks": [{"unit": f.unit, "rejected_file": f.rejected_file, "used_file": f.used_file,
                       "used_received_at": f.used_received_at} for f in result.fallbacks],
        "outputs": list(outputs),
        "counts": {s.value: n for s, n in result.evaluation.counts.items()} if result.evaluation else {},
    }


# 附件1 rows in the Word report (a province, 120 units × 60 indicators, fits); the Excel summary has them all.
MAX_REPORT_VALUE_ROWS = 20000


def report_appendix(appendix: dict[str, Any]) -> dict[str, Any]:
    """附件1 for the Word report. With very many units (a national plan has thousands of
    counties) the per-unit rows would make a report of hundreds of pages that renders slowly
    and in a lot of memory: the report then keeps the totals and points to the summary workbook."""
    rows = appendix["district_values"]
    if len(rows) <= MAX_REPORT_VALUE_ROWS:
        return appendix
    totals = [r for r in rows if r["total"]]
    note = (f"分单位数据共 {len(rows) - len(totals)} 行，篇幅所限，本附件只列合计；"
            "各单位数据见同时生成的 Excel 汇总表“分单位数据”工作表。")
    return {**appendix, "district_values": totals, "values_note": note}


# Up to this many 分单位数据 rows (a province) the Word report is rendered by a process forked
# when the report context is ready, while this one writes the Excel summary (the longer of the
# two); it shares the context with this process. With more (a national plan) the pages that
# process touches would add up to a second copy of the context, so both are made here.
REPORT_ALONGSIDE_ROWS = 20000


# What rendering uses and gathering does not. A build that will render imports them while the
# returns are read (:func:`_importing`: the build process mostly waits for its readers then),
# one at a time between two files' results, the libraries' inner modules first so that no step
# is long; a build that keeps its outputs never imports them.
RENDERING_MODULES = (
    "lxml.etree", "docx.oxml", "docx", "jinja2", "docxtpl", "xlsxwriter",
    "reportkit.evaluation", "reportkit.evaluation.supervision", "reportkit.checks.report",
    "reportkit.rendering.word_chart", "reportkit.rendering.charts", "reportkit.rendering.synthesis",
    "reportkit.rendering.context", "reportkit.rendering.bulletin", "reportkit.rendering.docprops",
    "reportkit.rendering.docx_report", "reportkit.rendering.summary_xlsx",
)


def _importing(names: Sequence[str]) -> Iterator[str]:
    """Import ``names`` one per step. A library laid out otherwise than expected is left to the
    import that needs it (which then says what is missing)."""
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        yield name


def summary_workbook(ctx: dict[str, Any]) -> bytes:
    """The Excel summary (:func:`.summary_xlsx.summary_workbook`)."""
    from .summary_xlsx import summary_workbook as make

    return make(ctx)


def write_summary(run: ValidationRun, target: Path | io.BytesIO) -> None:
    """审核结果.xlsx (:func:`reportkit.checks.report.write_summary`)."""
    from ..checks.report import write_summary as write

    write(run, target)


def _report_alongside(ctx: dict[str, Any], render: Callable[[], bytes]) -> Alongside[bytes] | None:
    """The Word report being rendered (``render``) in a forked process, or None (rendered here)."""
    if len(ctx["appendix"]["district_values"]) > REPORT_ALONGSIDE_ROWS:
        return None
    return Alongside(render)


# Up to this many returns checked (a province) the validation results (审核结果.json and .xlsx) are
# made by a process forked once the returns are gathered, while this one evaluates and renders;
# with more (a national plan) they are written here, the JSON piece by piece (hundreds of MB).
VALIDATION_ALONGSIDE_RETURNS = 400


def validation_files(run: ValidationRun) -> tuple[bytes, bytes]:
    """(审核结果.json, 审核结果.xlsx) as bytes: the findings of every return checked."""
    text = json.dumps(run.to_dict(values=False), **VALIDATION_JSON)
    book = io.BytesIO()
    write_summary(run, book)
    return text.encode("utf-8"), book.getvalue()


def validation_outputs(run: ValidationRun, alongside: Alongside[tuple[bytes, bytes]] | None
                       ) -> tuple[Content, Content]:
    """(审核结果.json, 审核结果.xlsx) as :data:`Content`: made by ``alongside``, else written here
    when the files are (the JSON built and encoded piece by piece)."""
    if alongside is not None:
        return alongside.result()
    return (json_writer(lambda: run.to_dict(values=False), **VALIDATION_JSON),
            lambda tmp: write_summary(run, tmp))


def render_outputs(project: Project, result: BuildResult, now: dt.datetime, progress: Progress | None,
                   validation: Alongside[tuple[bytes, bytes]] | None = None) -> dict[Path, Content]:
    """Every output, rendered in memory or as the function writing it (nothing written yet).

    For a province the Word report (its charts are native Word charts, made from the data in
    milliseconds) is rendered by a forked process (:func:`_report_alongside`) while this one
    writes the Excel summary, and the validation results are made by ``validation`` (forked once
    the returns were gathered); without them they are made here."""
    from ..checks.report import JSON_NAME, SUMMARY_NAME
    from .bulletin import bulletin_context
    from .context import ReportInputs, build_context
    from .docprops import CoreProperties
    from .docx_report import render_docx

    assert result.evaluation is not None and result.template is not None
    step = stepper(progress, STAGE_RENDER, 5)
    inputs = ReportInputs(result.plan, result.evaluation, result.included, result.excluded,
                          [f for r in result.run.active for f in r.findings], submissions=result.submissions,
                          generated_at=now, fallbacks=result.fallbacks)
    base = fit_context(build_context(inputs), result.plan.info)
    if result.supervision is not None:
        base = {**base, "bulletin": bulletin_context(result.plan, result.supervision, result.evaluation,
                                                      result.run.returns)}
    step()
    report_name, summary_name = report_names(result.plan)
    out = project.outputs
    ctx = {**base, "appendix": report_appendix(base["appendix"])}
    report = ctx["report"]
    properties = CoreProperties(
        title=report["title"], author=report["author"], created=now, subject=result.plan.info.name,
        keywords=f"{result.plan.info.document_kind}；{result.plan.info.region}")

    def render() -> bytes:
        assert result.template is not None
        return render_docx(result.template, ctx, properties)
    alongside = _report_alongside(base, render)
    try:
        summary = summary_workbook(base)
        step()
        docx = alongside.result() if alongside is not None else render()
    finally:
        if alongside is not None:
            alongside.close()  # (after a result: nothing left to stop)
    files: dict[Path, Content] = {out / report_name: docx, out / summary_name: summary}
    step()
    # The figures are in the summary workbook and the ledger; these files are the findings.
    findings_json, findings_book = validation_outputs(result.run, validation)
    files[out / VALIDATION_DIR / JSON_NAME] = findings_json
    names = [str(p.relative_to(out)) for p in files] + [f"{VALIDATION_DIR}/{SUMMARY_NAME}"]
    files[out / MANIFEST_FILE] = json.dumps(manifest(project, result, names, now), ensure_ascii=False,
                                            indent=2).encode("utf-8")
    files[out / VALIDATION_DIR / SUMMARY_NAME] = findings_book
    step()
    return files


def build(project: Project, *, strict: bool = False, dry_run: bool = False, progress: Progress | None = None,
          template: Path | None = None, now: dt.datetime | None = None, force: bool = False) -> BuildResult:
    """Validate, evaluate and (unless ``dry_run``) write the report and its companions.

    When nothing the outputs are made from has changed since the last build and they are on disk
    as it wrote them, they are left as they are (``result.up_to_date``); ``force`` renders anyway."""
    plan = load_checked_plan(project)
    now = now or dt.datetime.now().replace(microsecond=0)
    freeze = gc.get_freeze_count() == 0  # (a program that froze objects itself keeps its own scheme)
    try:
        return _build(project, plan, strict=strict, dry_run=dry_run, progress=progress, template=template, now=now,
                      force=force, freeze=freeze)
    finally:
        if freeze:
            gc.unfreeze()  # what _build froze is collectable again


def _build(project: Project, plan: Plan, *, strict: bool, dry_run: bool, progress: Progress | None,
           template: Path | None, now: dt.datetime, force: bool = False, freeze: bool = False) -> BuildResult:
    # Outputs will be rendered (forced, or none recorded): what that needs is imported while the returns are read.
    warm = _importing(RENDERING_MODULES) if not dry_run and (force or not stamp.recorded(project)) else None
    gathered = None
    if strict and not dry_run:
        # --strict promises to write nothing when it refuses, so the decision is made first, on
        # what the ledger would hold after this collect (rehearsed on a scratch copy).
        rehearsed = gather_from_ledger(plan, project, progress, rehearse=True, meanwhile=warm)
        if rehearsed.excluded:
            gathered = rehearsed
    if gathered is None:
        gathered = gather_from_files(plan, project, progress) if dry_run else \
            gather_from_ledger(plan, project, progress, meanwhile=warm)
    # The returns gathered (a national plan's: millions of objects) live until the build ends: the
    # collector need not walk them again at every collection while the rest is made.
    if freeze:
        gc.freeze()
    included, excluded = gathered.included, gathered.excluded
    result = BuildResult(plan, gathered.run, included=included, excluded=excluded, dry_run=dry_run,
                         template=find_template(project, template, plan), submissions=gathered.submissions,
                         revalidated=gathered.revalidated, fallbacks=gathered.fallbacks)
    if strict and excluded:
        result.strict_failed = True
        return result
    for _name in warm or ():  # (what the reading left: fewer files than modules)
        pass
    if plan.info.is_work_plan:
        result.supervision = supervise_round(project, plan, included, record=not dry_run)
    if dry_run:
        result.evaluation = gathered.evaluate(plan)
        return result
    finish_pending(project.outputs)
    key = stamp.build_key(project, result, now.date())
    kept = None if force else stamp.unchanged_outputs(project, key)
    if kept is not None:
        result.evaluation = gathered.evaluate(plan)  # shown, though the outputs are kept
        result.up_to_date, result.kept = True, kept
        return result
    # A province's validation results are made in another process while this one evaluates and renders.
    validation = Alongside(lambda: validation_files(result.run)) \
        if len(result.run.returns) <= VALIDATION_ALONGSIDE_RETURNS else None
    try:
        result.evaluation = gathered.evaluate(plan)
        files = render_outputs(project, result, now, progress, validation)
    finally:
        if validation is not None:
            validation.close()  # (after a result: nothing left to stop)
    remove_stale_temps(project.outputs)
    stamp.forget(project)
    result.written = replace_as_set(project.outputs, files)
    stamp.record(project, key, result.written)
    return result


def supervise_round(project: Project, plan: Plan, included: Sequence[ReturnData], *, record: bool) -> Supervision:
    """The round's 督办台账, compared with the previous round the ledger holds (if any);
    ``record`` remembers this round in the ledger."""
    from ..evaluation.supervision import supervise

    if not project.ledger_path.exists():
        return supervise(plan, included)
    with Ledger.for_project(project) as ledger:
        if record:
            record_round(ledger, plan)
        before = previous_round(ledger, plan)
        if before is None:
            return supervise(plan, included)
        return supervise(plan, included, previous_label=before.label, previous_cutoff=before.cutoff,
                         previous_returns=ledger.accepted_in(plan, before.period))


def load_checked_plan(project: Project) -> Plan:
    """The project's plan; a plan with errors stops the build before anything is read or written."""
    return require_clean_plan(project.plan_path, "未生成报告")[0]
