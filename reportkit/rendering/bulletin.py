"""The context of a work plan's 落实情况通报: the round's 督办台账 in sentences and tables.

Only what the ledger and the returns support: counts by status at the cut-off, the overdue
tasks with their deadline, responsible and cooperating units and the reason a unit gave, the
movement since the previous round, the tasks due by the next round, and requirements that
follow from these. No schedule share of a plan period and no projection: a work plan has one
year, and a round says where each task stands at its cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import formatting as fmt
from ..definitions.model import Plan
from ..definitions.rounds import period_round_label
from ..evaluation import Evaluation, Status
from ..evaluation.supervision import (
    DONE,
    LAGGING,
    NOT_STARTED,
    ON_SCHEDULE,
    OVERDUE,
    UNCLEAR,
    UNREPORTED,
    SupervisedTask,
    Supervision,
    UnitTally,
)
from ..intake.types import ReturnData
from .kinds import previous_year, year_change

STATUS_COLORS = {DONE: "C6EFCE", ON_SCHEDULE: "DDEBF7", LAGGING: "FCE4D6", OVERDUE: "F8CBAD",
                 NOT_STARTED: "FCE4D6", UNREPORTED: "E7E6E6", UNCLEAR: "E7E6E6"}
_ORDER = (DONE, ON_SCHEDULE, LAGGING, OVERDUE, NOT_STARTED, UNREPORTED, UNCLEAR)


def _count_phrase(counts: dict[str, int]) -> str:
    return "、".join(f"{s}{counts[s]}项" for s in _ORDER if counts.get(s))


def _units_text(task: SupervisedTask) -> str:
    parts = [f"牵头单位：{task.lead}"]
    if task.cooperating:
        parts.append(f"配合单位：{'、'.join(task.cooperating)}")
    return "；".join(parts)


def _task_line(task: SupervisedTask, *, reason: bool = True) -> str:
    due = f"完成时限：{task.due_label}；" if task.due_label else ""
    text = f"{task.task.code} {task.task.title}（{due}{_units_text(task)}）"
    if reason and task.problems:
        text += f"。未完成原因：{task.problems.rstrip('。')}"
    elif reason and task.status == OVERDUE and not task.declared:
        text += "。责任单位本轮未报送进展"
    return text + "。"


def quoted(text: str) -> str:
    """“text”, with quotation marks inside it turned into single ones."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _names(tasks: tuple[SupervisedTask, ...]) -> str:
    return "、".join(quoted(t.task.title) for t in tasks)


def _comparison(sup: Supervision) -> tuple[str, list[dict[str, str]]]:
    if not sup.previous_label:
        return (f"本轮是{sup.round_label[:5]}首次督办（台账中没有更早的一轮），暂无可比较的上一轮数据。", [])
    prev, now = sup.previous_counts, sup.counts
    text = (f"与上一轮（{sup.previous_label}）相比，已完成任务由{prev.get(DONE, 0)}项增至{now[DONE]}项，"
            f"逾期未完成任务由{prev.get(OVERDUE, 0)}项变为{now[OVERDUE]}项。")
    changes = []
    if sup.newly_done:
        changes.append({"text": f"本轮新完成{len(sup.newly_done)}项：{_names(sup.newly_done)}。"})
    if sup.newly_overdue:
        changes.append({"text": f"本轮新增逾期{len(sup.newly_overdue)}项："
                                + "；".join(f"{quoted(t.task.title)}（{t.lead}，时限{t.due_label}）" for t in sup.newly_overdue)
                                + "。"})
    if sup.still_overdue:
        changes.append({"text": f"连续两轮逾期{len(sup.still_overdue)}项：{_names(sup.still_overdue)}，需重点督办。"})
    if not changes:
        changes.append({"text": "各项任务的进展状态与上一轮相比没有变化。"})
    return text, changes


def _requirements(sup: Supervision) -> list[dict[str, str]]:
    out = []
    by_lead: dict[str, int] = {}
    for t in sup.overdue:
        by_lead[t.lead] = by_lead.get(t.lead, 0) + 1
    if by_lead:
        units = "、".join(f"{name}（{n}项）" for name, n in by_lead.items())
        out.append({"text": f"对逾期未完成的任务，请{units}分析原因、明确完成时间，"
                            "在下一轮报送时说明整改进展。"})
    lagging = [t for t in sup.rows if t.status in (LAGGING, NOT_STARTED)]
    if lagging:
        leads = "、".join(dict.fromkeys(t.lead for t in lagging))
        out.append({"text": f"对进度滞后或尚未启动的{len(lagging)}项任务，请{leads}倒排工期，加快推进。"})
    if sup.due_next:
        leads = "、".join(dict.fromkeys(t.lead for t in sup.due_next))
        when = fmt.date_text(sup.next_cutoff)
        out.append({"text": f"{len(sup.due_next)}项任务将于{when}前到期，请{leads}确保按时完成。"})
    missing = [u.name for u in sup.by_unit if u.counts.get(UNREPORTED)]
    if missing:
        out.append({"text": f"{'、'.join(missing)}本轮有任务未报送进展，请按时报送。"})
    return out


# A round of a work plan says whether a figure meets the plan's requirement at the cut-off,
# not how far along a multi-year schedule it is.
_VERDICTS = {Status.ACHIEVED: "已达到目标要求", Status.MET: "已达到目标要求", Status.AHEAD: "进展较快",
             Status.ON_TRACK: "符合序时要求", Status.LAGGING: "进度滞后", Status.NOT_MET: "未达到目标要求"}


def _indicator_sentence(r: Any) -> str:
    ind = r.indicator
    if r.current is None:
        return f"{ind.name}无法评估（{r.reason or '无数据'}）"
    value = fmt.figure(r.current, ind.unit, ind.decimals)
    text = f"{ind.name}为{value}"
    before = previous_year(r)
    if before is not None:
        change = year_change(r, with_unit=True)
        up, down = ("提高", "下降") if ind.is_percent else ("增加", "减少")
        move = "与上年持平" if change == "持平" else f"比上年{up if change.startswith('+') else down}{change[1:]}"
        text += f"，上年（{before[0]}年）为{fmt.figure(before[1], ind.unit, ind.decimals)}，{move}"
    verdict = _VERDICTS.get(r.status, f"无法评估（{r.reason}）" if r.reason else "无法评估")
    return f"{text}；目标要求“{ind.target.display()}”，{verdict}"


def _indicator_text(ev: Evaluation) -> str:
    parts = [_indicator_sentence(r) for r in ev.indicators]
    if not parts:
        return ""
    return f"量化指标{len(parts)}项：" + "；".join(f"{chr(0x2460 + i)}{p}" for i, p in enumerate(parts)) + "。"


def _unit_row(u: Any) -> dict[str, Any]:
    c = u.counts
    return {"name": u.name, "total": u.total, "done": c[DONE], "on_schedule": c[ON_SCHEDULE],
            "lagging": c[LAGGING], "overdue": c[OVERDUE], "not_started": c[NOT_STARTED],
            "unreported": c[UNREPORTED], "overdue_color": STATUS_COLORS[OVERDUE] if c[OVERDUE] else "FFFFFF"}


def ledger_rows(sup: Supervision) -> list[dict[str, Any]]:
    """The 督办台账 rows for the Word table and the summary workbook."""
    return [{"code": t.task.code, "chapter": t.task.chapter, "title": t.task.title, "due": t.due_label or "—",
             "lead": t.lead, "cooperating": "、".join(t.cooperating) or "—", "status": t.status,
             "color": STATUS_COLORS.get(t.status, "FFFFFF"), "previous": t.previous or "—",
             "change": t.change.removeprefix("本轮") or "—", "declared": t.declared or "—",
             "progress": t.progress, "problems": t.problems} for t in sup.rows]


def wrong_rounds(plan: Plan, returns: Sequence[ReturnData]) -> dict[str, str]:
    """Units whose return this round was the form of another round: unit code → that round."""
    out = {}
    for r in returns:
        for f in r.findings:
            if f.code == "form.other-period" and f.location.unit and f.value:
                out[f.location.unit] = period_round_label(str(f.value))
    return out


def _reporting(plan: Plan, ev: Evaluation, wrong: dict[str, str]) -> str:
    cov = ev.coverage
    text = f"应报送单位{len(cov.expected)}个，已报送本轮填报表{len(cov.returned)}个"
    silent = [plan.unit_name(u) for u in cov.missing if u not in wrong]
    if not cov.missing:
        return text + "，全部按要求报送。"
    parts = []
    if silent:
        parts.append(f"{'、'.join(silent)}未报送")
    parts.extend(f"{plan.unit_name(u)}报送的是{label}的填报表，未作为本轮数据使用" for u, label in wrong.items()
                 if u in cov.missing)
    return text + "；" + "；".join(parts) + "，相关任务按未报送统计。"


def bulletin_context(plan: Plan, sup: Supervision, ev: Evaluation,
                     returns: Sequence[ReturnData] = ()) -> dict[str, Any]:
    """``returns``: every return validated in this run (to name a unit that sent another round's form)."""
    info = plan.info
    counts = sup.counts
    total = len(sup.rows)
    reporting = _reporting(plan, ev, wrong_rounds(plan, returns))
    comparison, changes = _comparison(sup)
    done_share = fmt.percent(100.0 * counts[DONE] / total, 0) if total else "—"
    return {
        "round": sup.round_label,
        "intro": (f"按照《{info.name}》部署，根据各责任单位报送的落实情况，现将截至{fmt.date_text(sup.cutoff)}"
                  f"（{sup.round_label}）各项任务推进情况通报如下。"),
        "overall": (f"{info.name.removesuffix('工作要点')}工作要点共{total}项任务，截至{fmt.date_text(sup.cutoff)}，"
                    f"{_count_phrase(counts)}，完成率{done_share}。"
                    + (f"其中按期应完成的{counts[DONE] + counts[OVERDUE]}项任务中，逾期未完成{counts[OVERDUE]}项。"
                       if counts[OVERDUE] else "")),
        "reporting": reporting,
        "indicators": _indicator_text(ev),
        "overdue": [{"text": _task_line(t)} for t in sup.overdue],
        "no_overdue": "截至本轮截止日期，没有逾期未完成的任务。",
        "lagging": ("此外，" + "；".join(f"{quoted(t.task.title)}（{t.lead}）{t.status}" for t in sup.rows
                                        if t.status in (LAGGING, NOT_STARTED)) + "。")
        if any(t.status in (LAGGING, NOT_STARTED) for t in sup.rows) else "",
        "comparison": comparison,
        "changes": changes,
        "due_next": [{"text": _task_line(t, reason=False)} for t in sup.due_next],
        "no_due_next": ("本年度任务的完成时限均已到期，下一轮为年度总结。" if sup.next_cutoff is None
                        else f"截至{fmt.date_text(sup.next_cutoff)}没有新到期的任务。"),
        "requirements": _requirements(sup),
        "no_requirements": "各项任务按计划推进，请各责任单位继续按时报送落实情况。",
        "ledger": ledger_rows(sup),
        "ledger_note": (f"进展状态按截至{fmt.date_text(sup.cutoff)}的完成时限和责任单位报送的完成状态确定："
                        "时限已到而未完成的为逾期未完成；“较上轮”为与上一轮相比的变化。"),
        "units": [*(_unit_row(u) for u in sup.by_unit),
                  _unit_row(UnitTally("", "合计", {k: sum(u.counts[k] for u in sup.by_unit) for k in counts}))],
        "units_note": "按牵头单位统计；“逾期”为完成时限已到而未完成的任务数。",
    }


def sample_bulletin() -> dict[str, Any]:
    """The ``bulletin`` context of the bundled 中山 work plan before any return (every task
    unreported): what ``reportkit template check`` renders a 落实情况通报 template with."""
    from ..definitions.loader import load_plan
    from ..evaluation import evaluate
    from ..evaluation.supervision import supervise
    from ..scaffold import example_plan_path

    plan = load_plan(example_plan_path("zhongshan"))
    return bulletin_context(plan, supervise(plan, []), evaluate(plan, []))
