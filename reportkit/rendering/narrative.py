"""Sections 四 (problems) and 五 (suggestions), and the units' free text with attribution."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..definitions.model import Plan
from ..evaluation.types import Evaluation, IndicatorResult, Status, TaskResult
from ..intake.types import ReturnData
from . import formatting as fmt


def _unit_name(ret: ReturnData, names: dict[str, str]) -> str:
    if ret.meta and ret.meta.unit_name:
        return ret.meta.unit_name
    return names.get(ret.unit or "", ret.unit or "")


def narrative_items(returns: Sequence[ReturnData], plan: Plan | dict[str, str], fieldname: str) -> list[dict[str, str]]:
    """One ``（鄂城区）…`` paragraph per unit that wrote something in that 总体情况 field."""
    names = plan if isinstance(plan, dict) else {u.code: u.name for u in plan.units}
    out = []
    for ret in returns:
        text = getattr(ret.narrative, fieldname, "").strip()
        if text:
            unit = _unit_name(ret, names)
            out.append({"unit": unit, "text": f"（{unit}）{text}", "body": text})
    return out


def _indicator_problem(r: IndicatorResult, row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    flag = "【预警】" if r.alert else ""
    lagging_units = [u.unit_name or names.get(u.unit, u.unit) for u in r.units if u.status is Status.LAGGING]
    text = f"{flag}{row['sentence']}"
    if lagging_units:
        text += f"进度滞后的单位有：{'、'.join(lagging_units)}。"
    reasons = [f"（{e['unit']}）{e['text']}" for e in row["explanations"]]
    return {"code": r.code, "name": r.indicator.name, "alert": r.alert, "text": text,
            "reasons": reasons, "lagging_units": lagging_units}


def _task_problem(res: TaskResult) -> dict[str, Any]:
    stated = "；".join(f"（{unit}）{text.strip().rstrip('。')}" for unit, text in res.problems)
    text = f"{fmt.quoted(res.task.title)}{res.status}"
    text += f"，{stated}。" if stated else "，相关单位未说明原因。"
    return {"code": res.task.code, "title": res.task.title, "status": res.status, "text": text}


def problem_section(ev: Evaluation, rows: list[dict[str, Any]], returns: Sequence[ReturnData],
                    names: dict[str, str]) -> dict[str, Any]:
    by_code = {row["code"]: row for row in rows}
    lagging = [r for r in ev.indicators if r.status is Status.LAGGING]
    lagging.sort(key=lambda r: not r.alert)  # 预警 (binding) first, plan order otherwise
    return {
        "indicators": [_indicator_problem(r, by_code[r.code], names) for r in lagging],
        "tasks": [_task_problem(res) for res in ev.tasks.lagging],
        "reported": narrative_items(returns, names, "problems"),
        "no_indicator_problems": "纳入评估的主要指标均达到或快于时间进度要求，暂无进度滞后的指标。",
        "no_task_problems": "各单位报送的重点任务均按进度推进，暂无滞后的任务。",
    }


def _adjustment(r: IndicatorResult) -> dict[str, Any] | None:
    p = r.projection
    name = r.indicator.name
    if r.status is Status.ACHIEVED:
        return {"code": r.code, "name": name,
                "text": f"{name}已提前实现规划目标（{r.indicator.target.display()}），建议结合发展实际研究是否提高目标值。"}
    if p is not None and p.will_meet is False:
        return {"code": r.code, "name": name,
                "text": f"{name}：{p.text.strip().rstrip('。')}。建议分析原因，加大推进力度，确有必要的按程序研究调整目标值。"}
    return None


def _focus(r: IndicatorResult, row: dict[str, Any]) -> dict[str, Any]:
    flag = "（约束性指标）" if r.alert else ""
    schedule = row["parts"]["schedule"] or "进度滞后"
    return {"code": r.code,
            "text": f"{r.indicator.name}{flag}完成进度 {row['progress']}，{schedule}，牵头单位{row['lead_unit']}需加大推进力度。"}


def _task_focus(res: TaskResult) -> dict[str, Any]:
    steps = "；".join(f"（{rep.unit_name}）{rep.report.next_steps.strip().rstrip('。')}"
                      for rep in res.reports if rep.report.next_steps.strip())
    text = f"加快推进{fmt.quoted(res.task.title)}"
    text += f"：{steps}。" if steps else "。"
    return {"code": res.task.code, "text": text}


def suggestion_section(ev: Evaluation, rows: list[dict[str, Any]], returns: Sequence[ReturnData],
                       names: dict[str, str]) -> dict[str, Any]:
    by_code = {row["code"]: row for row in rows}
    lagging = sorted((r for r in ev.indicators if r.status is Status.LAGGING), key=lambda r: not r.alert)
    focus = [_focus(r, by_code[r.code]) for r in lagging] + [_task_focus(res) for res in ev.tasks.lagging]
    adjust = [a for a in (_adjustment(r) for r in ev.indicators) if a]
    return {
        "focus": focus,
        "adjust": adjust,
        "reported": narrative_items(returns, names, "suggestions"),
        "no_focus": "各项指标和任务总体进展顺利，下一步应保持工作力度，确保规划目标如期实现。",
        "no_adjust": "根据现有数据，暂无需要调整目标值的指标。",
    }
