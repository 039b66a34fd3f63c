"""Plain values the page templates show: findings grouped by what the unit has to do, the
verdict on an upload, a unit's state. Templates only lay these out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..findings import Finding, Severity
from ..ledger import CollectResult, Outcome, SubmissionRecord
from .submit import UploadResult, Verdict


@dataclass(frozen=True)
class FindingRow:
    where: str  # sheet!cell
    detail: str  # indicator or task code and year, on a line of its own
    message: str
    hint: str
    explanation: str = ""

    @classmethod
    def of(cls, f: Finding) -> FindingRow:
        loc = f.location
        where = f"{loc.sheet}!{loc.cell}" if loc.sheet and loc.cell else (loc.sheet or loc.cell or "整个文件")
        detail = " · ".join(x for x in (loc.indicator or "", f"{loc.year}年" if loc.year else "") if x)
        return cls(where, detail, f.message, f.hint, f.explanation if f.explained else "")


@dataclass(frozen=True)
class FindingGroup:
    key: str  # css class: error / warning / explained / info
    title: str
    advice: str
    rows: list[FindingRow] = field(default_factory=list)


GROUPS = (
    ("error", "强制性问题（须修改）", "这些问题必须在填报表中改正，改正后重新上传整个文件。"),
    ("warning", "核实性问题（须核实并说明）",
     "请核实这些数据：确有错误的请改正；数据无误的，请在该行“说明”栏写明原因（如统计口径调整、重大项目投产），"
     "再重新上传。写明原因后即视为已说明。"),
    ("explained", "核实性问题（已说明）", "已在“说明”栏写明原因，予以接受。"),
    ("info", "提示性信息", "供参考，无须处理。"),
)


def _group_key(f: Finding) -> str:
    if f.severity is Severity.WARNING:
        return "explained" if f.explained else "warning"
    return f.severity.value


def group_findings(findings: Iterable[Finding]) -> list[FindingGroup]:
    """Non-empty groups, most urgent first."""
    rows: dict[str, list[FindingRow]] = {}
    for f in findings:
        rows.setdefault(_group_key(f), []).append(FindingRow.of(f))
    return [FindingGroup(key, title, advice, rows[key]) for key, title, advice in GROUPS if key in rows]


@dataclass(frozen=True)
class VerdictView:
    tone: str  # good / warn / bad
    title: str
    lines: list[str]
    sha256: str = ""  # the recorded submission, for its annotated copy


def verdict_view(upload: UploadResult, unit_name: str) -> VerdictView:
    if upload.verdict is Verdict.NOT_SPREADSHEET:
        return VerdictView("bad", "未受理：上传的文件不是 Excel 填报表", [
            "文件为空，或不是 Excel/WPS 表格文件（例如是 Word、PDF、图片或压缩包）。",
            "请上传从本页面下载、填写后保存的填报表（.xlsx，也可为 .xls/.et）。本次上传未登记。"])
    if upload.verdict is Verdict.OTHER_UNIT:
        other = f"“{upload.other_unit}”" if upload.other_unit else "其他单位"
        return VerdictView("bad", "未受理：这不是本单位的填报表", [
            f"上传的文件是{other}的填报表，本链接只能报送“{unit_name}”的填报表。",
            "本次上传未登记，也不计入任何单位。请上传本单位的填报表；如需报送其他单位的表，请使用该单位的专用链接。"])
    if upload.verdict is Verdict.UNIDENTIFIED or upload.collected is None:
        return VerdictView("bad", "未受理：无法识别为本次评估的填报表", [
            "文件中没有找到填报表的标识信息（可能不是从本系统下载的表，或表格已损坏、被加密）。",
            "本次上传未登记。请下载本单位的填报表，在其中填写后上传。具体原因见下方审核意见。"])
    return _recorded(upload.collected)


def _recorded(result: CollectResult) -> VerdictView:
    rec = result.record
    lines = [OUTCOME_TEXT[result.outcome]] if result.outcome in OUTCOME_TEXT else []
    if rec.state == "has-errors":
        return VerdictView("bad", f"未通过审核：有 {rec.errors} 处强制性问题", [
            *lines, "该填报表已登记，但不能用于汇总。请按下方意见修改后重新上传整个文件。"], rec.sha256)
    if rec.state == "has-warnings":
        open_warnings = sum(f.severity is Severity.WARNING and not f.explained for f in rec.findings)
        return VerdictView("warn", f"已受理，有 {open_warnings} 处核实性问题待说明", [
            *lines, "该填报表已登记，可用于汇总。请核实下列数据：确有错误的改正，无误的在“说明”栏写明原因，"
                    "然后重新上传。"], rec.sha256)
    return VerdictView("good", f"审核通过：{rec.state_label}", [*lines, "该填报表已登记，可用于汇总。"], rec.sha256)


OUTCOME_TEXT = {
    Outcome.NEW: "已收到本单位本期的第一份填报表。",
    Outcome.SUPERSEDED: "已收到重新报送的填报表，用它替换此前报送的版本（旧版本及其审核意见保留在报送记录中）。",
    Outcome.ALREADY: "这个文件此前已经报送过（内容完全相同），未重复登记，下面是它的审核意见。",
    Outcome.OUTDATED: "这个文件早于本单位现用的版本，仅存档。",
}


@dataclass(frozen=True)
class HistoryRow:
    number: int
    received: str
    state: str
    state_key: str
    errors: int
    warnings: int
    current: bool
    sha256: str
    other_period: bool = False  # a refused form of another period: in no period


def history_rows(records: list[SubmissionRecord]) -> list[HistoryRow]:
    """A unit's submissions, newest first."""
    rows = [HistoryRow(i, when(r.received_at), r.state_label, r.state, r.errors, r.warnings, r.current, r.sha256,
                       r.other_period)
            for i, r in enumerate(records, 1)]
    return rows[::-1]


def when(iso: str) -> str:
    return iso[:16].replace("T", " ") if iso else "—"
