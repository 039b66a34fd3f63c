"""Write plan definitions as the workbook a coordinator edits (``reportkit init``).

The workbook has an instruction sheet, one sheet per part of the plan with the canonical
Chinese headers (a comment on each header explains it), and is read back by the loader
to an equal model.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

from ..fileio import write_via_temp
from ..sheettext import new_xlsx
from ..textwidth import display_width
from . import schema
from .model import Aggregation, BaselineSource, Indicator, Kind, Plan

INSTRUCTIONS = (
    "规划定义工作簿填写说明",
    "",
    "本工作簿描述一个规划的指标、数据项、填报单位、重点任务和校验规则，是生成填报表、审核回收数据和编写评估报告的依据。",
    "1. “规划信息”：规划名称、基期年、目标年、评估截止日期等，每行一项。",
    "2. “指标”：规划主要指标表的每一行。基期值、目标值按规划原文填写，如 11.59、〔1.89〕、〈5〉、≥95%、≤2；没有数值写“—”。",
    "   目标值照抄规划原文的写法即可：达95%以上、不少于100人、稳定在85%以上（每年都要保持）、控制在10/百万人口以内、"
    "压缩至1.5天、6000件以上、全覆盖、确保不发生、≥〔6000〕、〔≥6000〕、6-10人、>95、翻一番、在2019年基础上翻一番、"
    "下降10%、提高3个百分点、增加3件、年均增长7%；里程碑填 是/否。识别不了的，reportkit plan check 会指出单元格和可用写法。",
    "   单位可单独填写，也可写在名称括号内，如“全市市场主体数量(万户)”。数值里带的单位（6000件以上）须与“单位”列一致。",
    "   基期年、目标年：指标自己的年份与规划不同时填写，如曾都区规划“到2024年……在2019年基础上翻一番”填 2019、2024，"
    "时间进度按指标自己的年份计算，填报表会增加 2019年 一列。",
    "   基期值来源：规划未列基期值（—）时填“填报汇总”，以各单位填报的基期年数值按汇总方式得出基期值。事后填写不影响已回收的填报表。",
    "   完成时限：里程碑的时限，如 2023年建成、2023年底前、2023年二季度、2023-06-30；不填为目标年年底。未到期的里程碑不算滞后。",
    "   上级指标：分指标（如国家标准、行业标准）填所属指标的编码，汇总时算作一项。整数：是/否，不填时按单位（件、户……）且规划数值均为整数判断。",
    "   属性：预期性 / 约束性。类型：水平值 / 累计值 / 期间新增 / 比率 / 里程碑（不填则按括号和单位推断）。",
    "   汇总方式：求和 / 公式 / 平均 / 最大值 / 最小值 / 牵头单位填报。比率类指标不得求和或平均，应填写计算公式。",
    "   计算公式：用数据项名称或编码，如 食品评价性抽检合格批次 / 食品评价性抽检批次 * 100。",
    "3. “数据项”：计算类指标的组成数据（如合格批次、抽检批次、常住人口），由各单位填报，汇总后按公式计算。",
    "4. “填报单位”：区县（或镇街）和部门。单位类型：区县 / 部门。",
    "5. “填报单位”列可写单位编码或名称，多个用“、”分隔；“全部区县”表示所有区县类单位。",
    "6. “重点任务”：规划主要任务和专栏项目，按章节填写，注明牵头单位和填报单位。完成年限可写 2023、2023年底前、2023年二季度、"
    "年初、上半年；过了时限仍未完成的任务计为滞后。",
    "7. “校验规则”（可选）：跨数据项的审核规则，如 左式“食品评价性抽检合格批次”、运算符“<=”、右式“食品评价性抽检批次”。",
    "8. 标题行以下的空行和以“注”“备注”“说明”开头的行会被忽略；列的顺序可以调整。",
    "填写完成后运行 reportkit plan check 检查，所有问题会连同单元格位置一并列出。",
)


def _fmt_num(v: float | None) -> Any:
    if v is None:
        return ""
    return int(v) if v == int(v) else v


def _row_indicator(plan: Plan, ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code, "category": ind.category, "name": ind.name, "unit": ind.unit,
        "baseline": ind.baseline.text, "target": ind.target.text, "attribute": ind.attribute.value,
        "kind": ind.kind.label, "decimals": ind.decimals, "lower": _fmt_num(ind.lower), "upper": _fmt_num(ind.upper),
        "definition": ind.definition, "lead_unit": ind.lead_unit, "reporters": "、".join(ind.reporters),
        "aggregation": ind.aggregation.label if ind.aggregation is not Aggregation.FORMULA else "公式",
        "formula": ind.formula,
        "direction": {"floor": "≥", "ceiling": "≤", "exact": "持平"}[ind.direction_override.value]
        if ind.direction_override else "",
        "note": ind.note,
        "baseline_year": ind.baseline_year or "", "target_year": ind.target_year or "",
        "baseline_source": ind.baseline_source.label if ind.baseline_source is not BaselineSource.PLAN else "",
        "due": ind.due, "parent": ind.parent, "integer": "是" if ind.integer else "否",
    }


def plan_rows(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The plan as {sheet key: [row dicts keyed by field]} (also the YAML shape)."""
    return {
        "indicators": [_row_indicator(plan, i) for i in plan.indicators],
        "items": [{"code": i.code, "name": i.name, "unit": i.unit, "decimals": i.decimals,
                   "integer": "是" if i.integer else "否", "lower": _fmt_num(i.lower), "upper": _fmt_num(i.upper),
                   "definition": i.definition, "reporters": "、".join(i.reporters),
                   "aggregation": i.aggregation.label} for i in plan.items],
        "units": [{"code": u.code, "name": u.name, "type": u.type.label, "parent": u.parent, "contact": u.contact}
                  for u in plan.units],
        "tasks": [{"code": t.code, "chapter": t.chapter, "section": t.section, "title": t.title, "kind": t.kind,
                   "milestone": t.milestone, "due_year": t.due or t.due_year or "", "lead_unit": t.lead_unit,
                   "reporters": "、".join(t.reporters)} for t in plan.tasks],
        "rules": [{"code": r.code, "left": r.left, "operator": r.operator, "right": r.right,
                   "severity": {"error": "强制性", "warning": "核实性", "info": "提示性"}.get(r.severity, r.severity),
                   "message": r.message} for r in plan.rules],
    }


def plan_info_rows(plan: Plan) -> list[tuple[str, Any]]:
    i = plan.info
    values = {
        "id": i.id, "name": i.name, "region": i.region, "issuer": i.issuer, "lead_agency": i.lead_agency,
        "baseline_year": i.baseline_year, "target_year": i.target_year, "cutoff": i.cutoff.isoformat(),
        "evaluation_kind": i.evaluation_kind.value, "deadline": i.deadline.isoformat() if i.deadline else "",
        "contact": i.contact, "form_version": i.form_version, "tolerance": _fmt_num(i.tolerance),
        "yoy_threshold": _fmt_num(i.yoy_threshold), "yoy_min_change": _fmt_num(i.yoy_min_change), "partial_ok": "是" if i.partial_ok else "否",
        "cumulative_brackets": " ".join(i.brackets.cumulative), "new_brackets": " ".join(i.brackets.new),
        "note": i.note, "plan_type": i.plan_type.value, "round": i.round,
    }
    return [(c.field, values[c.field]) for c in schema.PLAN_FIELDS]


def write_plan_workbook(plan: Plan | None, path: str | Path, *, example_rows: bool = False) -> Path:
    """Write the definitions workbook atomically; ``plan=None`` writes an empty template
    (with one commented example row per sheet when ``example_rows``)."""
    info_rows = plan_info_rows(plan) if plan else [(c.field, _EXAMPLE_INFO.get(c.field, "")) for c in schema.PLAN_FIELDS]
    rows = plan_rows(plan) if plan else (_EXAMPLE_ROWS if example_rows else {})
    return write_definitions(info_rows, rows, path)


# (sheet key, row index from 0, field) → the comment that asks for a review of that cell;
# the plan-information sheet uses row index 0.
ReviewNotes = Mapping[tuple[str, int, str], str]


@dataclass(frozen=True)
class _Review:
    notes: ReviewNotes
    flagged: frozenset[tuple[str, int, str]]

    def get(self, key: tuple[str, int, str]) -> tuple[str, bool] | None:
        note = self.notes.get(key)
        return (note, key in self.flagged) if note else None


def write_definitions(info_rows: Sequence[tuple[str, Any]], rows: Mapping[str, Sequence[dict[str, Any]]],
                      path: str | Path, *, review: ReviewNotes | None = None,
                      flagged: Collection[tuple[str, int, str]] = (),
                      extra: Callable[[xlsxwriter.Workbook], None] | None = None) -> Path:
    """Write a definitions workbook from row dicts (the :func:`plan_rows` shape). Cells named in
    ``review`` are shaded and carry the note as a comment, those also in ``flagged`` (left blank or
    unsure) in a stronger colour; ``extra`` adds sheets after the last."""
    def write(tmp: Path) -> None:
        wb = new_xlsx(tmp)
        fmt = _Formats(wb)
        _write_instructions(wb, fmt)
        notes = _Review(review or {}, frozenset(flagged))
        _write_info(wb, fmt, info_rows, notes)
        for spec in schema.SHEETS[1:]:
            _write_table(wb, fmt, spec, rows.get(spec.key, []), notes)
        if extra is not None:
            extra(wb)
        wb.close()

    return write_via_temp(Path(path), write)


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.text = wb.add_format({**base, "text_wrap": True})
        self.header = wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                     "align": "center"})
        self.required = wb.add_format({**base, "bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True,
                                       "align": "center"})
        self.cell = wb.add_format({**base, "border": 1, "text_wrap": True, "num_format": "@"})
        self.number = wb.add_format({**base, "border": 1})
        self.review = wb.add_format({**base, "border": 1, "text_wrap": True, "num_format": "@", "bg_color": "#FFF2CC"})
        self.flagged = wb.add_format({**base, "border": 1, "text_wrap": True, "num_format": "@", "bg_color": "#F4B183"})


def _write_instructions(wb: xlsxwriter.Workbook, fmt: _Formats) -> None:
    ws = wb.add_worksheet("填写说明")
    ws.set_column(0, 0, 110, fmt.text)
    ws.write(0, 0, INSTRUCTIONS[0], fmt.title)
    for r, line in enumerate(INSTRUCTIONS[1:], start=1):
        ws.write(r, 0, line, fmt.text)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _write_info(wb: xlsxwriter.Workbook, fmt: _Formats, rows: Sequence[tuple[str, Any]], review: _Review) -> None:
    ws = wb.add_worksheet("规划信息")
    ws.write_row(0, 0, ["项目", "内容", "说明"], fmt.header)
    cols = {c.field: c for c in schema.PLAN_FIELDS}
    for r, (f, value) in enumerate(rows, start=1):
        c = cols[f]
        ws.write(r, 0, c.header, fmt.required if c.required else fmt.cell)
        _write_value(ws, r, 1, value, fmt, review.get(("plan", 0, f)))
        ws.write(r, 2, c.help, fmt.cell)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 50)
    ws.freeze_panes(1, 1)


def _write_value(ws: Any, r: int, c: int, value: Any, fmt: _Formats, note: tuple[str, bool] | None = None) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    style = (fmt.flagged if note[1] else fmt.review) if note else (fmt.number if number else fmt.cell)
    if number:
        ws.write_number(r, c, value, style)
    else:
        # Always as text, so "0.6712" or "〔3.12〕" is kept exactly as typed in the plan.
        ws.write_string(r, c, "" if value is None else str(value), style)
    if note:
        ws.write_comment(r, c, note[0], {"x_scale": 2.5, "y_scale": 2})


def _write_table(wb: xlsxwriter.Workbook, fmt: _Formats, spec: schema.SheetSpec, rows: Iterable[dict[str, Any]],
                 review: _Review) -> None:
    ws = wb.add_worksheet(spec.title)
    widths = [max(c.width, display_width(c.header) + 2) for c in spec.columns]
    for j, c in enumerate(spec.columns):
        ws.write(0, j, c.header, fmt.required if c.required else fmt.header)
        if c.help:
            ws.write_comment(0, j, c.help, {"x_scale": 2, "y_scale": 1.2})
    for r, row in enumerate(rows, start=1):
        for j, c in enumerate(spec.columns):
            value = row.get(c.field, "")
            if c.field in {"baseline", "target"}:
                value = "" if value is None else str(value)
            _write_value(ws, r, j, value, fmt, review.get((spec.key, r - 1, c.field)))
            widths[j] = min(60, max(widths[j], display_width(str(value)) + 2))
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.repeat_rows(0)
    ws.fit_to_pages(1, 0)


_EXAMPLE_INFO: dict[str, Any] = {
    "id": "example-plan", "name": "××市市场监管“十四五”规划", "region": "××市", "issuer": "××市人民政府",
    "lead_agency": "××市市场监督管理局", "baseline_year": 2020, "target_year": 2025, "cutoff": "2023-12-31",
    "evaluation_kind": "中期评估", "deadline": "2024-01-20", "contact": "规划科 张三 0000-0000000",
    "form_version": "1", "tolerance": 5, "yoy_threshold": 50, "yoy_min_change": 3, "partial_ok": "是",
    "cumulative_brackets": "〔〕 []", "new_brackets": "〈〉 （） ()", "note": "〔〕内为累计数，〈〉内为规划期间新增数。",
}

_EXAMPLE_ROWS: dict[str, list[dict[str, Any]]] = {
    "indicators": [
        {"code": "A01", "category": "市场主体", "name": "全市市场主体数量(万户)", "baseline": "11.59", "target": "20",
         "attribute": "预期性", "kind": Kind.LEVEL.label, "decimals": 2, "lower": 0, "definition": "年末实有市场主体户数",
         "lead_unit": "district1", "reporters": "全部区县", "aggregation": "求和"},
        {"code": "A02", "category": "安全监管", "name": "食品安全评价性抽检合格率", "unit": "%", "baseline": "98",
         "target": "≥98.5", "attribute": "约束性", "kind": "比率", "decimals": 2, "lower": 0, "upper": 100,
         "definition": "评价性抽检合格批次占抽检批次的百分比", "lead_unit": "district1", "aggregation": "公式",
         "formula": "合格批次 / 抽检批次 * 100"},
    ],
    "items": [
        {"code": "I01", "name": "抽检批次", "unit": "批次", "decimals": 0, "integer": "是", "lower": 0,
         "definition": "评价性抽检批次数", "reporters": "全部区县", "aggregation": "求和"},
        {"code": "I02", "name": "合格批次", "unit": "批次", "decimals": 0, "integer": "是", "lower": 0,
         "definition": "评价性抽检合格批次数", "reporters": "全部区县", "aggregation": "求和"},
    ],
    "units": [
        {"code": "district1", "name": "××区", "type": "区县"},
        {"code": "dept1", "name": "市市场监管局××科", "type": "部门"},
    ],
    "tasks": [
        {"code": "T01", "chapter": "一、持续优化营商环境", "section": "1.建立开放型市场准入体系", "title": "实行市场准入负面清单管理",
         "kind": "重点任务", "milestone": "2025年全面落实“全国一张清单”管理模式", "due_year": 2025, "lead_unit": "dept1",
         "reporters": "dept1、全部区县"},
    ],
    "rules": [
        {"code": "R01", "left": "合格批次", "operator": "<=", "right": "抽检批次", "severity": "强制性",
         "message": "合格批次不能大于抽检批次"},
    ],
}
