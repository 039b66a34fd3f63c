"""The evaluator's synthesis: what sections 一 to 五 say, derived from the evaluation.

Nothing here pastes a unit's text under the unit's name. Counts name the indicators in each
class, achievements are movements against the base year, tasks are summarised per chapter
with the lagging ones named, problems and plans are grouped across units with who raised
them (:mod:`grouping`), and suggestions are derived from the figures (the annual growth now
needed to reach a target). The template decides how the pieces are laid out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import formatting as fmt
from ..definitions.model import Attribute, Indicator, Kind
from ..evaluation.types import (
    STATUS_ORDER,
    Evaluation,
    IndicatorResult,
    ProgressMethod,
    Status,
    TaskResult,
)
from .grouping import TextGroup, group_texts, informative, sentences
from .sentences import fig, plan_fig, projection_phrase

MAX_LISTED = 6  # names listed in full in a sentence; beyond that "A、B、C等N项"
MAX_GROUPS = 5  # grouped points (一是…五是) in one paragraph
MAX_HIGHLIGHTS = 3  # notable results per chapter
MAX_MOVEMENTS = 5  # achievements against the base year in section 一
ORDINALS = "一二三四五六七八九十"
GOOD = (Status.MET, Status.ACHIEVED, Status.AHEAD, Status.ON_TRACK)
BEHIND = (Status.LAGGING, Status.NOT_MET)


def names_list(names: Sequence[str], measure: str = "项", limit: int = MAX_LISTED) -> str:
    """``A、B、C3项`` or ``A、B、C等8项`` (names first, national-report style)."""
    if not names:
        return ""
    if len(names) > limit:
        return f"{'、'.join(names[:3])}等{len(names)}{measure}"
    joiner = "共" if names[-1][-1:].isascii() and names[-1][-1:].isalnum() else ""  # 计算指标20共4项
    return f"{'、'.join(names)}{joiner}{len(names)}{measure}"


def points_text(groups: Sequence[TextGroup], suffix: str = "反映", limit: int = MAX_GROUPS) -> str:
    """``一是经费保障不足（梁子湖区等8个单位反映）；二是……。``"""
    parts = [f"{ORDINALS[i]}是{g.clause}（{g.who()}{suffix}）" for i, g in enumerate(groups[:limit])]
    text = "；".join(parts)
    rest = len(groups) - limit
    if rest > 0:
        text += f"；此外还有{rest}条意见（详见汇总表）"
    return text + "。" if text else ""


def is_bottom_line(ind: Indicator) -> bool:
    """A bottom-line target (0 accidents, 100% coverage, a level to be kept): never adjusted."""
    t, b = ind.target.value, ind.baseline.value
    if t is None:
        return False
    if t == 0 and ind.direction.value == "ceiling":
        return True
    if ind.is_percent and t >= 100:
        return True
    return b is not None and t == b


# ---------------------------------------------------------------- unverified figures
def unverified_phrase(r: IndicatorResult, flagged: Mapping[str, Sequence[tuple[str, int]]]) -> str:
    """``（其中梁子湖区2023年数据待核实）`` when the figure rests on an unexplained 核实性 finding."""
    where = [(u, y) for u, y in flagged.get(r.code, ()) if r.current_year is None or y == r.current_year]
    if not where:
        return ""
    units = list(dict.fromkeys(u for u, _ in where))
    year = where[0][1]
    who = "、".join(units) if len(units) <= 3 else f"{'、'.join(units[:2])}等{len(units)}个单位"
    return f"该值所依据的{who}{year}年数据存在尚未说明的核实性问题，待核实后确认。"


# ---------------------------------------------------------------- 二：counts
def _class_counts(results: Sequence[IndicatorResult], final: bool) -> str:
    """``A、B2项提前实现；C1项滞后`` per status, names first."""
    parts = []
    for status in STATUS_ORDER:
        members = [r.indicator.name for r in results if r.status is status]
        if members:
            verb = "暂无法评估" if status is Status.UNKNOWN else status.value
            parts.append(f"{names_list(members)}{verb}")
    return "；".join(parts)


def counts_sentence(ev: Evaluation) -> str:
    """National-report style: names per class, counts by attribute, binding ones at risk; a
    plan's sub-indicators (分指标) are counted as a second level."""
    top = [r for r in ev.indicators if not r.parent]
    subs = [r for r in ev.indicators if r.parent]
    total = len(top)
    if not ev.indicators:
        return "规划未设置主要指标。"
    binding = [r for r in top if r.indicator.attribute is Attribute.BINDING]
    attr = [f"约束性指标{len(binding)}项、预期性指标{total - len(binding)}项"] if binding else []
    if subs:
        attr.append(f"另有分指标{len(subs)}项")
    attr_text = f"（{'，'.join(attr)}）" if attr else ""
    good = [r for r in top if r.status in GOOD]
    judged = [r for r in ev.indicators if r.status is not Status.UNKNOWN]
    if not judged:
        return f"纳入评估的{total}项主要指标{attr_text}暂均无法评估（原因见各指标说明）。"
    final = all(r.final for r in judged)
    head = (f"纳入评估的{total}项主要指标{attr_text}中，{len(good)}项"
            f"{'已实现规划目标' if final else '达到或快于时间进度'}。")
    text = head + "其中，" + _class_counts(top, final) + "。"
    if subs:
        sub_good = sum(1 for r in subs if r.status in GOOD)
        text += f"{len(subs)}项分指标中，{sub_good}项{'已实现规划目标' if final else '达到或快于时间进度'}：" \
                + _class_counts(subs, final) + "。"
    lagging = [r for r in ev.indicators if r.status in BEHIND]
    lag_binding = [r.indicator.name for r in lagging if r.indicator.attribute is Attribute.BINDING]
    word = "未实现" if final else "滞后"
    if lagging and (binding or lag_binding):
        text += (f"{word}的{len(lagging)}项指标中有{len(lag_binding)}项约束性指标（{'、'.join(lag_binding)}），需予以预警。"
                 if lag_binding else f"{word}的{len(lagging)}项指标均为预期性指标。")
    return text


# ---------------------------------------------------------------- 一：overview
def judgement(ev: Evaluation, received: int) -> str:
    """One overall judgement the figures support; never reassuring without them."""
    cutoff = fmt.date_text(ev.info.cutoff)
    if received == 0:
        return (f"截至本报告生成时，尚未收到任何单位报送的数据，无法对截至{cutoff}的主要指标和重点任务完成情况"
                "作出评估。请督促各单位按要求报送后重新生成报告。")
    total = len(ev.indicators)
    counts = ev.counts
    good = sum(counts[s] for s in GOOD)
    lagging, unknown = sum(counts[s] for s in BEHIND), counts[Status.UNKNOWN]
    judged = total - unknown
    alerts = len(ev.alerts)
    if total and judged == 0:
        return f"现有数据不足以评估主要指标：{total}项主要指标均暂无法评估，需补齐数据后再作判断。"
    if not total:
        text = ""
    elif lagging == 0 and unknown == 0 and good == total:
        text = f"总体看，规划实施进展顺利，{total}项主要指标均达到或快于时间进度。"
    elif lagging == 0:
        rest = f"，另有{unknown}项暂无法评估，总体判断有待数据补齐后确认" if unknown else ""
        text = f"已评估的{judged}项主要指标中{good}项达到或快于时间进度，暂无滞后指标{rest}。"
    elif good >= lagging:
        warn = f"，其中约束性指标{alerts}项" if alerts else ""
        text = (f"总体看，规划实施基本符合预期，已评估的{judged}项主要指标中{good}项达到或快于时间进度，"
                f"但仍有{lagging}项滞后{warn}，需加大推进力度。")
    else:
        warn = f"，其中约束性指标{alerts}项" if alerts else ""
        text = f"总体看，规划实施进度慢于时间进度，已评估的{judged}项主要指标中{lagging}项滞后{warn}，完成规划目标压力较大。"
    tasks = ev.tasks.counts
    n_tasks = len(ev.tasks.results)
    if n_tasks:
        done = tasks.get("已完成", 0) + tasks.get("按进度推进", 0)
        lag = sum(n for k, n in tasks.items() if k in ("滞后", "未启动"))
        text += f"{n_tasks}项重点任务中，已完成或按进度推进{done}项，滞后{lag}项"
        missing = tasks.get("未填报", 0)
        text += f"，未报送进展{missing}项。" if missing else "。"
    return text


def movement(r: IndicatorResult, base_year: int) -> str:
    """``每万人口高价值发明专利拥有量由2020年的2.2件增至2023年的3.21件，年均增长13.4%``."""
    ind = r.indicator
    b, c, y = r.baseline, r.current, r.current_year
    if b is None or c is None or y is None or y <= base_year or ind.kind in (Kind.NEW, Kind.MILESTONE):
        return ""
    if round(c - b, ind.decimals) == 0:
        return ""
    verb = "增至" if c > b else "降至"
    text = f"{ind.name}由{base_year}年的{plan_fig(r, b)}{verb}{y}年的{fig(r, c)}"
    years = y - base_year
    if ind.is_percent:
        text += f"，{'提高' if c > b else '下降'}{fmt.points_text(c - b)}"
    elif b > 0 and c > 0:
        rate = ((c / b) ** (1 / years) - 1) * 100
        text += f"，年均{'增长' if rate > 0 else '下降'}{fmt.percent(abs(rate))}"
    return text


def movements(ev: Evaluation, base_year: int, flagged: Mapping[str, Any]) -> list[dict[str, str]]:
    """The main achievements: indicators at or ahead of schedule, as movements against the base year."""
    chosen = [r for r in ev.indicators if r.status in GOOD]
    chosen.sort(key=lambda r: (STATUS_ORDER.index(r.status), -(r.progress or 0)))
    out = []
    for r in chosen:
        text = movement(r, _base_year(r, base_year))
        if text:
            caveat = "（该值待核实）" if unverified_phrase(r, flagged) else ""
            out.append({"code": r.code, "text": text + caveat})
    return out[:MAX_MOVEMENTS]


def _base_year(r: IndicatorResult, default: int) -> int:
    return r.baseline_year if r.baseline_year is not None else default


def achievements_text(items: Sequence[tuple[str, str]], names: Sequence[str]) -> str:
    groups = group_texts(items, names=names, first_clause=False)
    if not groups:
        return ""
    return "各单位报送的工作成效主要有：" + points_text(groups, suffix="")


# ---------------------------------------------------------------- 三：tasks
def task_counts_text(counts: Mapping[str, int]) -> str:
    return "、".join(f"{k}{n}项" for k, n in counts.items() if n)


def _lagging_units(res: TaskResult) -> list[str]:
    return [rep.unit_name for rep in res.reports if rep.report.status in ("滞后", "未启动")]


def lagging_task_text(res: TaskResult, names: Mapping[str, str]) -> str:
    """``“加强质量技术服务监管”滞后（牵头单位：计量科；鄂城区、华容区报告滞后），原因：……。``"""
    lead = names.get(res.task.lead_unit, res.task.lead_unit)
    bits = [f"牵头单位：{lead}"] if lead else []
    units = _lagging_units(res)
    if units:
        bits.append(f"{'、'.join(units) if len(units) <= 3 else f'{units[0]}等{len(units)}个单位'}报告{res.status}")
    text = f"{fmt.quoted(res.task.title)}{res.status}" + (f"（{'；'.join(bits)}）" if bits else "")
    groups = group_texts(res.problems)
    if groups:
        reasons = "；".join(f"{g.clause}（{g.who()}）" for g in groups[:3])
        text += f"，原因：{reasons}。"
    else:
        text += "，相关单位未说明原因。"
    return text


def highlights(results: Sequence[TaskResult], names: Sequence[str]) -> str:
    """Notable results of a group of tasks: sentences with figures, near-identical ones merged."""
    items = [(rep.unit_name, s) for res in results for rep in res.reports
             for s in sentences(rep.report.progress) if informative(s)]
    groups = group_texts(items, names=names, first_clause=False)
    if not groups:
        return ""
    groups.sort(key=lambda g: -g.count)
    parts = []
    for g in groups[:MAX_HIGHLIGHTS]:
        first = g.members[0][0]
        rest = [u for u in g.units if u != first]
        others = ""
        if rest:
            who = "、".join(rest) if len(rest) <= 2 else f"{rest[0]}等{len(rest)}个单位"
            others = f"，{who}有类似进展"
        parts.append(f"{first}{g.clause}{others}")
    return "主要进展：" + "；".join(parts) + "。"


def chapter_summary(results: Sequence[TaskResult], counts: Mapping[str, int], lead: str = "") -> str:
    done = [r.task.title for r in results if r.status == "已完成"]
    text = lead or f"本部分共{len(results)}项任务"
    parts = task_counts_text(counts)
    text += f"，其中{parts}。" if parts else "。"
    if done:
        text += f"已完成的有{'、'.join(fmt.quoted(t) for t in done[:MAX_LISTED])}"
        text += f"等{len(done)}项。" if len(done) > MAX_LISTED else "。"
    missing = [r.task.title for r in results if not r.reported]
    if missing:
        text += f"{'、'.join(fmt.quoted(t) for t in missing[:MAX_LISTED])}暂无单位报送进展。"
    return text


def _counts(results: Sequence[TaskResult]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in results:
        key = r.status or "未填报"
        out[key] = out.get(key, 0) + 1
    return out


def task_group(heading: str, title: str, results: Sequence[TaskResult], names: Mapping[str, str],
               unit_names: Sequence[str], lead: str = "") -> dict[str, Any]:
    counts = _counts(results)
    lagging = [r for r in results if r.status in ("滞后", "未启动")]
    return {
        "heading": heading,
        "title": title,
        "total": len(results),
        "counts": counts,
        "summary": chapter_summary(results, counts, lead),
        "highlights": highlights(results, unit_names),
        "lagging": [{"code": r.task.code, "title": r.task.title, "text": lagging_task_text(r, names)}
                    for r in lagging],
        "unreported": [r.task.title for r in results if not r.reported],
        "codes": [r.task.code for r in results],
    }


def is_project(res: TaskResult) -> bool:
    return res.task.kind.strip() not in ("", "重点任务")


def chapters(ev: Evaluation, names: Mapping[str, str], unit_names: Sequence[str]) -> list[dict[str, Any]]:
    grouped: dict[str, list[TaskResult]] = {}
    for res in ev.tasks.results:
        if not is_project(res):
            grouped.setdefault(res.task.chapter or "其他任务", []).append(res)
    return [task_group(f"（{fmt.chinese_ordinal(i)}）{fmt.strip_heading_number(ch)}", ch, results, names, unit_names)
            for i, (ch, results) in enumerate(grouped.items(), start=1)]


def projects(ev: Evaluation, names: Mapping[str, str], unit_names: Sequence[str], n_chapters: int
             ) -> dict[str, Any] | None:
    """专栏 / major projects as their own group, after the chapters."""
    results = [r for r in ev.tasks.results if is_project(r)]
    if not results:
        return None
    kind = results[0].task.kind.strip()
    good = sum(1 for r in results if r.status in ("已完成", "按进度推进"))
    lead = f"规划确定的{len(results)}项{kind}中，{good}项已完成或进展符合预期"
    return task_group(f"（{fmt.chinese_ordinal(n_chapters + 1)}）{kind}推进情况", kind, results, names,
                      unit_names, lead)


# ---------------------------------------------------------------- 四：problems
def at_risk(ev: Evaluation) -> list[IndicatorResult]:
    """Binding indicators lagging now or projected to miss (预警), plan order."""
    return [r for r in ev.indicators if r.indicator.attribute is Attribute.BINDING
            and (r.status in BEHIND or (r.projection is not None and r.projection.will_meet is False))]


def _lagging_unit_names(r: IndicatorResult, names: Mapping[str, str]) -> list[str]:
    return [u.unit_name or names.get(u.unit, u.unit) for u in r.units if u.status is Status.LAGGING]


def indicator_problem(r: IndicatorResult, names: Mapping[str, str], flagged: Mapping[str, Any]) -> str:
    """``全市市场主体数量滞后于时间进度8.2个百分点，鄂城区等3个单位进度滞后；原因：……``"""
    ind = r.indicator
    if r.milestone is not None and r.status in BEHIND:
        text = f"{ind.name}已超过完成时限（{r.milestone.due.label}），逾期未完成"
    elif r.status is Status.NOT_MET:
        text = f"{ind.name}未实现规划目标（{fig(r, r.current)}，目标{ind.target.display()}）"
    elif r.status is Status.LAGGING and r.gap is not None and not r.maintained:
        text = f"{ind.name}滞后于时间进度{fmt.points_text(r.gap)}"
    elif r.status is Status.LAGGING:
        text = f"{ind.name}进度滞后（当前{fig(r, r.current)}，目标{ind.target.display()}）"
    else:
        text = f"{ind.name}当前进度基本符合预期，但按现有趋势{projection_phrase(r)}"
    units = _lagging_unit_names(r, names)
    if units:
        who = "、".join(units) if len(units) <= 4 else f"{'、'.join(units[:3])}等{len(units)}个单位"
        text += f"，{who}进度落后于本单位目标"
    reasons = group_texts([(e.unit_name or names.get(e.unit, e.unit), e.text) for e in r.current_explanations
                           if e.text.strip()])
    if reasons:
        text += "；单位说明的原因：" + "；".join(f"{g.clause}（{g.who()}）" for g in reasons[:3])
    else:
        text += "，填报单位未说明原因"
    text += "。" + unverified_phrase(r, flagged)
    return text


def problems(ev: Evaluation, names: Mapping[str, str], narrative: Sequence[tuple[str, str]],
             flagged: Mapping[str, Any]) -> dict[str, Any]:
    risk = at_risk(ev)
    risk_codes = {r.code for r in risk}
    lagging = [r for r in ev.indicators if r.status in BEHIND and r.code not in risk_codes]
    task_problems = [(unit, text) for res in ev.tasks.lagging for unit, text in res.problems]
    common = group_texts([*narrative, *task_problems])
    lag_tasks = list(ev.tasks.lagging)
    return {
        "alerts": [{"code": r.code, "text": "【预警】" + indicator_problem(r, names, flagged), "reasons": []}
                   for r in risk]
        + [{"code": r.code, "reasons": [],  # a binding indicator nobody can judge is not left unmentioned
            "text": f"【需关注】{r.indicator.name}为约束性指标，暂无法评估：{r.attention.strip().rstrip('。')}。"}
           for r in ev.attention],
        "indicators": [{"code": r.code, "text": indicator_problem(r, names, flagged), "reasons": []} for r in lagging],
        # earlier templates: one line per lagging task and per unit's stated problem
        "tasks": [{"code": r.task.code, "title": r.task.title, "status": r.status, "text": lagging_task_text(r, names)}
                  for r in lag_tasks],
        "reported": [{"unit": u, "text": f"（{u}）{t}"} for u, t in narrative],
        "tasks_text": (f"{len(lag_tasks)}项重点任务推进滞后：" + "、".join(fmt.quoted(r.task.title) for r in lag_tasks[:8])
                       + ("等（名单见第三部分）。" if len(lag_tasks) > 8 else "。")) if lag_tasks else "",
        "common": points_text(common) if common else "",
        "common_groups": [{"text": g.clause, "units": list(g.units), "who": g.who(), "count": g.count}
                          for g in common],
        "no_indicator_problems": ("纳入评估的主要指标暂无进度滞后的指标。" if any(r.status is not Status.UNKNOWN
                                                                for r in ev.indicators)
                                  else "现有数据不足以判断主要指标是否存在滞后。"),
        "no_task_problems": ("各单位报送的重点任务暂无滞后。" if ev.tasks.results and any(r.reported for r in ev.tasks.results)
                             else "暂无单位报送重点任务进展，无法判断任务推进中的问题。"),
    }


# ---------------------------------------------------------------- 五：suggestions
def required_effort(r: IndicatorResult, target_year: int, base_year: int) -> str:
    """What must happen from now to the target year: the annual growth (or amount) now needed,
    compared with the pace so far."""
    ind = r.indicator
    c, t, b, y = r.current, r.target, r.baseline, r.current_year
    if c is None or t is None or y is None or ind.kind is Kind.MILESTONE or r.final or r.maintained:
        return ""
    if r.target_year is not None:
        target_year = r.target_year
    left = target_year - y
    if left <= 0:
        return ""
    if r.method is ProgressMethod.NEW:
        remaining = t - c
        if remaining <= 0:
            return ""
        return (f"规划期剩余{fmt.figure(remaining, ind.unit, ind.decimals)}需在今后{left}年完成，"
                f"年均需新增{fmt.figure(remaining / left, ind.unit, ind.decimals)}")
    falling = r.method is ProgressMethod.CEILING
    if ind.decimals == 0 and not ind.is_percent and abs(t - c) < 1000:
        # a count: the number still to add is clearer than a growth rate (37 → 38 件)
        gap = abs(t - c)
        if gap == 0:
            return ""
        return (f"要在{target_year}年{'降至' if falling else '达到'}{plan_fig(r, t)}，今后{left}年还需"
                f"{'减少' if falling else '增加'}{fmt.figure(gap, ind.unit, 0)}")
    if ind.is_percent or c <= 0 or t <= 0:
        need = (t - c) / left
        done = (c - b) / (y - base_year) if b is not None and y > base_year else None
        unit = "个百分点" if ind.is_percent else ind.unit
        word = "下降" if falling else "提高"
        text = f"要在{target_year}年{'降至' if falling else '达到'}{plan_fig(r, t)}，今后{left}年需年均{word}" \
               f"{fmt.trimmed(abs(need), max(ind.decimals, 1))}{unit}"
        if done is not None:
            shown = fmt.trimmed(abs(done), max(ind.decimals, 1))
            text += (f"（{base_year}年以来基本持平）" if shown == "0" else
                     f"（{base_year}年以来年均{'提高' if done >= 0 else '下降'}{shown}{unit}）")
        return text
    need = ((t / c) ** (1 / left) - 1) * 100
    text = (f"要在{target_year}年{'降至' if falling else '达到'}{plan_fig(r, t)}，今后{left}年需年均"
            f"{'下降' if need < 0 else '增长'}{fmt.percent(abs(need))}")
    if b is not None and b > 0 and y > base_year:
        done = ((c / b) ** (1 / (y - base_year)) - 1) * 100
        text += (f"（{base_year}年以来基本持平）" if fmt.percent(abs(done)) == "0%" else
                 f"（{base_year}年以来年均{'下降' if done < 0 else '增长'}{fmt.percent(abs(done))}）")
    return text


def indicator_suggestion(r: IndicatorResult, names: Mapping[str, str], target_year: int, base_year: int) -> str:
    ind = r.indicator
    lead = names.get(ind.lead_unit, ind.lead_unit)
    effort = required_effort(r, target_year, _base_year(r, base_year))
    flag = "（约束性指标）" if ind.attribute is Attribute.BINDING else ""
    text = f"{ind.name}{flag}：" + (effort if effort else "需加快进度，确保如期完成规划目标")
    return text + (f"，建议由{lead}牵头分析原因、制定针对性措施。" if lead else "。")


def task_suggestion(res: TaskResult, names: Mapping[str, str]) -> str:
    lead = names.get(res.task.lead_unit, res.task.lead_unit)
    units = [u for u in _lagging_units(res) if u != lead]
    text = f"加快推进{fmt.quoted(res.task.title)}"
    if lead:
        text += f"，由{lead}牵头"
    if units:
        text += f"，督促{'、'.join(units) if len(units) <= 3 else f'{units[0]}等{len(units)}个单位'}加快进度"
    due = res.task.due_year
    return text + (f"，确保{due}年底前完成。" if due else "。")


def adjustment(r: IndicatorResult, flagged: Mapping[str, Any]) -> str:
    """A target adjustment only with a reason the data gives, never for a bottom-line target."""
    ind = r.indicator
    if r.final or r.maintained or is_bottom_line(ind) or r.progress is None or r.method not in (ProgressMethod.FLOOR, ProgressMethod.CEILING,
                                                                      ProgressMethod.NEW):
        return ""
    caveat = unverified_phrase(r, flagged)
    if r.status is Status.ACHIEVED:
        text = (f"{ind.name}已提前实现规划目标（{ind.target.display()}），完成规划目标的{fmt.percent(r.progress)}，"
                "建议结合发展实际研究适当提高目标值。")
        return text + (caveat.replace("待核实后确认。", "应在核实后再研究是否调整。") if caveat else "")
    far_behind = r.gap is not None and r.progress < r.time_progress / 2
    if (far_behind and ind.attribute is not Attribute.BINDING and r.projection is not None
            and r.projection.will_meet is False):
        return (f"{ind.name}完成规划目标的{fmt.percent(r.progress)}，不足时间进度（{fmt.percent(r.time_progress)}）的一半，"
                f"{projection_phrase(r)}，作为预期性指标，建议在分析原因的基础上按程序研究调整目标值。")
    return ""


def suggestions(ev: Evaluation, names: Mapping[str, str], next_steps: Sequence[tuple[str, str]],
                reported: Sequence[tuple[str, str]], flagged: Mapping[str, Any]) -> dict[str, Any]:
    info = ev.info
    risk = at_risk(ev)
    risk_codes = {r.code for r in risk}
    lagging = risk + [r for r in ev.indicators if r.status in BEHIND and r.code not in risk_codes]
    plans = group_texts(next_steps)
    views = group_texts(reported)
    indicators = [{"code": r.code, "text": indicator_suggestion(r, names, r.target_year or info.target_year,
                                                                info.baseline_year)} for r in lagging]
    tasks = [{"code": r.task.code, "text": task_suggestion(r, names)} for r in ev.tasks.lagging]
    return {
        "indicators": indicators,
        "focus": indicators + tasks,  # earlier templates: indicators and tasks in one list
        "reported": [{"unit": u, "text": f"（{u}）{t}"} for u, t in reported],
        "tasks": tasks,
        "adjust": [{"code": r.code, "text": t} for r in ev.indicators if (t := adjustment(r, flagged))],
        "plans": ("各单位下一步打算主要有：" + points_text(plans, suffix="")) if plans else "",
        "views": ("各单位提出的意见建议主要有：" + points_text(views, suffix="提出")) if views else "",
        "no_focus": ("现有数据未显示滞后的指标和任务，下一步应保持工作力度，按时间节点推进规划实施。"
                     if any(r.status is not Status.UNKNOWN for r in ev.indicators)
                     else "待各单位报送数据后，根据评估结果提出针对性建议。"),
        "no_adjust": "根据现有数据，暂无需要调整目标值的指标。",
    }
