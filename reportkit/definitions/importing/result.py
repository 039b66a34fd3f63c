"""The import as one value: what was found, where, what is missing, and the findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...findings import Finding, Location, Severity, make
from ..notation import BracketConventions
from . import codes  # noqa: F401  (registers the finding codes)
from .indicators import IndicatorRow, IndicatorTable, find_tables
from .prose import PlanFacts, TargetCandidate, TaskCandidate, read_facts, read_tasks
from .sources import Document, Paragraph, SourceError, read_source

FIELD_LABELS = {"category": "类别", "name": "指标名称", "unit": "单位", "baseline": "基期值", "target": "目标值",
                "attribute": "属性"}

# What a plan document does not say and the coordinator fills in (listed, never guessed).
NOT_STATED = (
    "规划编号（规划信息）", "评估截止日期（规划信息）", "各指标的牵头单位、填报单位和汇总方式",
    "计算类指标的计算公式和数据项", "指标口径", "填报单位（区县/部门）名单", "重点任务的牵头单位和填报单位",
)


@dataclass
class ImportedIndicator:
    code: str
    row: IndicatorRow
    table: str


@dataclass
class ImportResult:
    source: Path
    facts: PlanFacts = field(default_factory=PlanFacts)
    indicators: list[ImportedIndicator] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    tasks: list[TaskCandidate] = field(default_factory=list)
    targets: list[TargetCandidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    out: Path | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        facts = {k: (asdict(v) if v is not None and not isinstance(v, tuple) else
                     [asdict(x) for x in v] if v else None) for k, v in vars(self.facts).items()}
        return {
            "source": str(self.source),
            "out": str(self.out) if self.out else None,
            "ok": self.ok,
            "plan": facts,
            "tables": self.tables,
            "indicators": [{"code": i.code, "seq": i.row.seq, **i.row.values, "printed": i.row.printed,
                            "row_text": i.row.row_text, "where": i.row.where, "table": i.table,
                            "doubts": i.row.doubts} for i in self.indicators],
            "tasks": [asdict(t) for t in self.tasks],
            "targets": [asdict(t) for t in self.targets],
            "not_stated": list(NOT_STATED),
            "findings": [f.to_dict() for f in self.findings],
        }


def read_plan(source: str | Path) -> ImportResult:
    """Read a plan document; never raises for a bad file (the result carries the finding)."""
    path = Path(source)
    result = ImportResult(path)
    try:
        doc = read_source(path)
    except SourceError as exc:
        result.findings.append(make(exc.code, Location(file=path.name), **exc.params))
        return result
    _fill(result, doc)
    return result


def import_plan(source: str | Path, out: str | Path) -> ImportResult:
    """Read the plan and write the definitions workbook to ``out`` (never over an existing file)."""
    from .workbook import write_import

    out = Path(out)
    if out.exists():
        result = ImportResult(Path(source))
        result.findings.append(make("import.output-exists", Location(file=str(out)), file=str(out)))
        return result
    result = read_plan(source)
    if result.ok:
        try:
            result.out = write_import(result, out)
        except FileExistsError:
            result.findings.append(make("import.output-exists", Location(file=str(out)), file=str(out)))
    return result


def _fill(result: ImportResult, doc: Document) -> None:
    name = doc.path.name
    paragraphs = doc.paragraphs()
    facts = read_facts(paragraphs, ())
    conv = BracketConventions.from_text(facts.cumulative.value if facts.cumulative else None,
                                        facts.new.value if facts.new else None)
    tables = find_tables(doc, conv)
    with_years = next((t for t in tables if len(t.years) == 2), None)
    if with_years is not None:
        facts = read_facts(paragraphs, with_years.years, with_years.where)
    result.facts = facts
    _add_indicators(result, tables, name)
    prose = read_tasks(_text_stream(doc, {t.where for t in tables}))
    base_year = int(facts.years[0].value) if facts.years else None
    result.tasks = prose.tasks
    # "提升到2020年的95.01%" is the baseline being described, not a target.
    result.targets = [t for t in prose.targets if base_year is None or int(t.year) > base_year]
    for part in doc.unread:
        result.findings.append(make("import.part-unread", Location(file=name), file=name, part=part))
    if not result.indicators:
        code = "import.no-indicator-table" if result.tasks else "import.nothing-found"
        result.findings.append(make(code, Location(file=name), file=name))
    for what in NOT_STATED:
        result.findings.append(make("import.not-stated", Location(file=name), what=what))


def _text_stream(doc: Document, indicator_tables: set[str]) -> list[Paragraph]:
    """Paragraphs in order, with the text of the other tables (专栏 boxes drawn as tables)."""
    out: list[Paragraph] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(block)
        elif block.where not in indicator_tables:
            out.extend(block.as_paragraphs())
    return out


def _add_indicators(result: ImportResult, tables: list[IndicatorTable], name: str) -> None:
    for table in tables:
        result.tables.append(f"{table.title or '主要指标表'}（{table.where}，{len(table.rows)} 行）")
        for text in table.skipped:
            result.findings.append(make("import.row-unread", Location(file=name, sheet=table.where),
                                        where=table.where, text=text))
        for row in table.rows:
            code = f"A{len(result.indicators) + 1:02d}"
            result.indicators.append(ImportedIndicator(code, row, table.where))
            for role, reason in row.doubts.items():
                result.findings.append(make("import.cell-uncertain", Location(file=name, sheet=row.where,
                                                                              indicator=code),
                                            code=code, name=row.values.get("name", ""),
                                            header=FIELD_LABELS.get(role, role), reason=reason))
