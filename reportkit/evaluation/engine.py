"""``evaluate(plan, returns)``: everything the report needs about indicators and tasks.

Pure functions over the plan model and the accepted :class:`ReturnData` values; no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from .. import formatting as fmt
from ..definitions.dates import DateError, Due, Resolution, named_years, parse_due
from ..definitions.model import Aggregation, BaselineSource, EvaluationKind, Indicator, Kind, Plan, PlanInfo
from ..definitions.notation import Direction
from ..intake.types import ReturnData
from .progress import EPS, Judgement, Target, judge, meets_frame, target_of, with_changes
from .projection import no_projection, project
from .rollup import ValueIndex, rollup_indicator, source_files, unit_values
from .tasks import summarise_tasks
from .types import (
    BaselineOrigin,
    Evaluation,
    Explanation,
    IndicatorResult,
    MilestoneResult,
    MilestoneState,
    ProgressMethod,
    Projection,
    Provenance,
    ReportingCoverage,
    RollUp,
    Status,
    UnitIndicatorResult,
)


def evaluate(plan: Plan, returns: Sequence[ReturnData], *, tolerance: float | None = None,
             rejected_units: Sequence[str] = ()) -> Evaluation:
    """Evaluate every indicator and task of ``plan`` from the accepted returns.

    ``returns`` holds the accepted return of each unit; if a unit appears more than once the
    one received last (``received_at``, then sequence order) is used. ``tolerance`` (percentage
    points around 时间进度 counted as 基本符合预期) defaults to ``plan.info.tolerance``.
    ``rejected_units`` are units whose return was left out for errors: a missing figure then
    says so instead of "nobody reported".
    """
    chosen = latest_per_unit(returns)
    index = ValueIndex.build(chosen)
    tol = plan.info.tolerance if tolerance is None else float(tolerance)
    ctx = _Context(plan, chosen, index, tol, frozenset(rejected_units) - {r.unit for r in chosen})
    results = with_parts(tuple(evaluate_indicator(ctx, ind) for ind in plan.indicators))
    return Evaluation(
        info=plan.info,
        time_progress=plan.info.time_progress,
        tolerance=tol,
        indicators=results,
        tasks=summarise_tasks(plan, chosen),
        coverage=reporting_coverage(plan, chosen),
        rejected_units=tuple(dict.fromkeys(rejected_units)),
    )


_PART_ORDER = (Status.NOT_MET, Status.LAGGING, Status.UNKNOWN, Status.NOT_DUE, Status.ON_TRACK, Status.AHEAD,
               Status.MET, Status.ACHIEVED)


def with_parts(results: tuple[IndicatorResult, ...]) -> tuple[IndicatorResult, ...]:
    """An indicator made of parts (标准 = 国家/行业/地方/团体标准) with no figure of its own
    takes its status from its parts: the least advanced part's status, each part named."""
    by_code = {r.code: r for r in results}
    out = []
    for r in results:
        parts = [by_code[c] for c in r.parts if c in by_code]
        if parts and r.current is None and r.status is Status.UNKNOWN:
            worst = min(parts, key=lambda p: _PART_ORDER.index(p.status)).status
            listed = "、".join(f"{p.indicator.name}{p.status.value}" for p in parts)
            r = replace(r, status=worst, reason=f"按分指标评估：{listed}", method=ProgressMethod.NONE)
        out.append(r)
    return tuple(out)


def latest_per_unit(returns: Sequence[ReturnData]) -> list[ReturnData]:
    """One return per unit: the last received (stable for equal timestamps)."""
    best: dict[str, tuple[str, int, ReturnData]] = {}
    for i, ret in enumerate(returns):
        unit = ret.unit
        if unit is None:
            continue
        key = (ret.received_at or "", i, ret)
        if unit not in best or key[:2] >= best[unit][:2]:
            best[unit] = key
    return [v[2] for v in sorted(best.values(), key=lambda k: k[1])]


class _Context:
    def __init__(self, plan: Plan, returns: Sequence[ReturnData], index: ValueIndex, tolerance: float,
                 rejected: frozenset[str] = frozenset()):
        self.plan = plan
        self.rejected = rejected
        self.returns = returns
        self.index = index
        self.tolerance = tolerance
        self.time_progress = plan.info.time_progress
        # one Provenance per unit and years reported, shared by that unit's results on every
        # indicator (a national plan: a few thousand instead of some hundred thousand)
        self.unit_provenances: dict[tuple[str, tuple[int, ...]], Provenance] = {}

    def judge(self, frame: Target, current: float | None, year: int | None = None,
              own: PlanInfo | None = None) -> Judgement:
        """Judge a value against the schedule as of its own year: a 2022 figure (the 2023 one not
        yet available) is compared with the time elapsed by the end of 2022, not by the cut-off."""
        return judge(frame, current, self.time_progress_at(year, own), self.tolerance)

    def time_progress_at(self, year: int | None, own: PlanInfo | None = None) -> float:
        """时间进度 at the end of ``year`` (at the cut-off for the cut-off year), on the
        indicator's own baseline → target years when ``own`` gives them."""
        info = own or self.plan.info
        if year is None or year >= info.cutoff_year:
            return info.time_progress
        span = info.target_year - info.baseline_year
        return round(min(100.0, 100.0 * max(year - info.baseline_year, 0) / span), 4) if span > 0 else 0.0

    def own_info(self, ind: Indicator) -> PlanInfo:
        """The plan frame with the indicator's own baseline and target years."""
        info = self.plan.info
        base, goal = self.plan.base_year(ind), self.plan.goal_year(ind)
        if (base, goal) == (info.baseline_year, info.target_year):
            return info
        return replace(info, baseline_year=base, target_year=goal)

    def names(self, codes: Sequence[str]) -> str:
        return "、".join(self.plan.unit_name(c) for c in codes)


def evaluate_indicator(ctx: _Context, ind: Indicator) -> IndicatorResult:
    plan = ctx.plan
    own = ctx.own_info(ind)
    rollups = tuple(rollup_indicator(plan, ind, y, ctx.index) for y in plan.years_of(ind))
    origin = baseline_origin(ctx, ind)
    frame = target_of(ind, origin.value, own.target_year - own.baseline_year,
                      from_returns=ind.baseline_source is BaselineSource.RETURNS)
    current, current_year, used = _current(frame, rollups)
    final = is_final(plan.info, own)
    judgement = ctx.judge(frame, current, current_year, own)
    milestone = None
    growth_achieved = None
    broken: tuple[int, ...] = ()
    checked: tuple[int, ...] = ()
    if frame.milestone:
        judgement, milestone = judge_milestone(ctx, ind, [(r.year, r.value) for r in rollups])
    elif frame.growth is not None:
        judgement, growth_achieved = judge_growth(frame, current, current_year, own, ctx.tolerance)
    if frame.maintained and frame.target is not None and not frame.milestone:
        judgement, checked, broken = judge_maintained(frame, rollups, judgement)
    if final and not frame.milestone:
        judgement = final_judgement(frame, current, judgement)
    if frame.yearly and not frame.milestone:
        judgement = judge_yearly(frame, current, current_year, rollups, judgement, final)
    status, reason = _status_with_coverage(ctx, ind, judgement, used, rollups)
    if origin.text and origin.source == BaselineSource.RETURNS.value:
        reason = "；".join(x for x in (reason, origin.text) if x)
    if origin.value is None and ind.baseline_source is BaselineSource.RETURNS and status is not Status.UNKNOWN \
            and not frame.new_in_period and not frame.milestone and judgement.method is not ProgressMethod.TARGET_ONLY:
        status = Status.UNKNOWN
    series = projection_series(rollups, frame)
    if final:
        projection = no_projection(own.target_year, "按期末是否达到目标评价，不作预计")
    else:
        projection = _caveat(project(ind, frame, series, own), used)
    if _incomplete(plan, ind, used):
        # A total over some of the units is not comparable with the plan-wide target.
        judgement = replace(judgement, progress=None, gap=None)
        projection = no_projection(own.target_year, "汇总缺少部分单位的数据，不作预计")
    return IndicatorResult(
        indicator=ind,
        rollups=rollups,
        current=current,
        current_year=current_year,
        baseline=frame.baseline,
        target=frame.target,
        progress=judgement.progress,
        time_progress=ctx.time_progress_at(current_year, own),
        gap=judgement.gap,
        status=status,
        reason=reason,
        method=judgement.method,
        projection=projection,
        units=unit_results(ctx, ind, frame),
        explanations=explanations(ctx, ind),
        provenance=Provenance.merge(r.provenance for r in used),
        baseline_year=own.baseline_year,
        target_year=own.target_year,
        baseline_origin=origin,
        milestone=milestone,
        final=final,
        maintained=frame.maintained,
        years_checked=checked,
        broken_years=broken,
        growth_required=frame.growth,
        growth_achieved=growth_achieved,
        target_note=_target_note(ind, frame),
        parts=tuple(p.code for p in plan.parts_of(ind)),
        parent=ind.parent,
    )


def judge_yearly(frame: Target, current: float | None, year: int | None, rollups: Sequence[RollUp],
                 judgement: Judgement, final: bool) -> Judgement:
    """逐年提高 / 同比下降: the latest value against the year before (the plan's baseline year for
    an annual work plan). Not better than the year before is 滞后 (未实现 at the end of the
    year) whatever a level target says; better, it is the level target's verdict, or on track
    (实现 at the end) when the plan sets no level."""
    if current is None or year is None:
        return judgement
    earlier = {r.year: r.value for r in rollups}
    before = earlier[year - 1] if year - 1 in earlier else frame.baseline
    word = "提高" if frame.direction is Direction.FLOOR else "下降"
    if before is None:
        if frame.target is not None:
            return judgement
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.NONE,
                         f"缺少{year - 1}年数值，无法判断是否比上年{word}")
    better = current > before + EPS if frame.direction is Direction.FLOOR else current < before - EPS
    shown = fmt.number(before, frame.decimals)
    if not better:
        return Judgement(judgement.progress, judgement.gap, Status.NOT_MET if final else Status.LAGGING,
                         judgement.method, f"未比上年（{year - 1}年{shown}）{word}")
    if frame.target is not None:
        return judgement
    return Judgement(None, None, Status.MET if final else Status.ON_TRACK, ProgressMethod.NONE,
                     f"比上年（{year - 1}年{shown}）{word}")


def is_final(info: PlanInfo, own: PlanInfo) -> bool:
    """总结评估, or the indicator's own target year has ended by the cut-off (a 2023 target
    in a mid-term review at the end of 2023): judged achieved or not, without a schedule."""
    return info.evaluation_kind is EvaluationKind.FINAL or info.cutoff >= dt.date(own.target_year, 12, 31)


def baseline_origin(ctx: _Context, ind: Indicator) -> BaselineOrigin:
    """The baseline and where it came from: as printed, or the units' reported base-year
    figures combined by the indicator's own rule (sum, ratio of summed items, …)."""
    plan = ctx.plan
    year = plan.base_year(ind)
    if ind.baseline_source is not BaselineSource.RETURNS:
        return BaselineOrigin(ind.baseline.value, year, BaselineSource.PLAN.value,
                              f"基期值为规划值{ind.baseline.display()}" if ind.baseline.value is not None else "")
    r = rollup_indicator(plan, ind, year, ctx.index)
    how = "按公式由各单位数据项合计计算" if ind.computed else ind.aggregation.label
    source = BaselineSource.RETURNS.value
    if r.value is None:
        return BaselineOrigin(None, year, source, f"基期值取自各单位填报的{year}年数据，但无单位填报，无法评估",
                              r.coverage)
    if r.partial and _incomplete(plan, ind, [r]):
        names = ctx.names(r.missing)
        return BaselineOrigin(None, year, source,
                              f"基期值取自各单位填报的{year}年数据，但{names}未填报（{r.coverage}），汇总不完整，无法作为基期值",
                              r.coverage)
    shown = fmt.figure(r.value, ind.unit, ind.decimals)
    if len(r.expected) == 1:
        text = f"规划未列基期值，以{ctx.names(r.expected)}填报的{year}年数据{shown}作为基期值"
    else:
        text = f"规划未列基期值，以各单位填报的{year}年数据{how}所得的{shown}作为基期值（{r.coverage}个单位）"
    return BaselineOrigin(r.value, year, source, text, r.coverage)


def _target_note(ind: Indicator, frame: Target) -> str:
    printed = ind.target
    if printed.relative.value == "" or frame.target is None or frame.baseline is None:
        return ""
    base = fmt.figure(frame.baseline, ind.unit, ind.decimals)
    if frame.growth is not None:
        return (f"目标“{printed.display()}”按基期值{base}年均增长{frame.growth:g}%推算，"
                f"期末应达到{fmt.figure(frame.target, ind.unit, ind.decimals)}")
    return f"目标“{printed.display()}”以基期值{base}为基数，即{fmt.figure(frame.target, ind.unit, ind.decimals)}"


def milestone_due(plan: Plan, ind: Indicator) -> Due:
    """A milestone's due date: as written (2023年底前, 二季度), else the end of its target year."""
    goal = plan.goal_year(ind)
    if ind.due:
        try:
            return parse_due(ind.due, goal)
        except DateError:
            pass  # plan check reports it; judged by the target year meanwhile
    return Due(dt.date(goal, 12, 31), Resolution.YEAR, f"{goal}年")


def judge_milestone(ctx: _Context, ind: Indicator, values: Sequence[tuple[int, float | None]],
                    due: Due | None = None) -> tuple[Judgement, MilestoneResult]:
    """Done, not yet due, or overdue at the cut-off: never 滞后 merely because it is not done.
    ``values`` are (year, 1 done / 0 not done) in ascending years; ``due``: :func:`milestone_due`
    when already known."""
    due = milestone_due(ctx.plan, ind) if due is None else due
    cutoff = ctx.plan.info.cutoff
    done_year = next((y for y, v in values if v is not None and v >= 1 - EPS), None)
    reported = any(v is not None for _, v in values)
    if done_year is not None:
        timing = "提前" if done_year < due.date.year else ("按期" if done_year == due.date.year else "逾期")
        m = MilestoneResult(due, MilestoneState.DONE, timing, done_year)
        status = Status.MET if timing != "提前" else Status.ACHIEVED
        return Judgement(100.0, None, status, ProgressMethod.MILESTONE,
                         f"{done_year}年已完成（完成时限{due.label}，{timing}完成）"), m
    if cutoff < due.date:
        m = MilestoneResult(due, MilestoneState.NOT_DUE)
        why = "尚未完成，" if reported else "尚无完成情况报告，"
        return Judgement(0.0 if reported else None, None, Status.NOT_DUE, ProgressMethod.MILESTONE,
                         f"{why}完成时限为{due.label}，未到期"), m
    m = MilestoneResult(due, MilestoneState.OVERDUE)
    if not reported:
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.MILESTONE,
                         f"完成时限{due.label}已到，但无完成情况报告"), m
    return Judgement(0.0, None, Status.LAGGING, ProgressMethod.MILESTONE,
                     f"逾期未完成（完成时限{due.label}）"), m


def judge_growth(frame: Target, current: float | None, year: int | None, own: PlanInfo, tolerance: float
                 ) -> tuple[Judgement, float | None]:
    """年均增长7%: the average yearly growth from the baseline to the latest year, against 7%."""
    required = frame.growth
    assert required is not None
    b = frame.baseline
    if current is None or year is None:
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.NONE, "无数据"), None
    if b is None or b <= 0 or current <= 0:
        why = frame.unresolved or "基期值或当前值不大于0，无法计算年均增速"
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.NONE, why), None
    years = (own.elapsed_since(own.baseline_year) if year >= own.cutoff_year else year - own.baseline_year)
    if years <= 0:
        return Judgement(None, None, Status.UNKNOWN, ProgressMethod.NONE, "尚无基期以后的数据"), None
    achieved = ((current / b) ** (1 / years) - 1) * 100
    text = f"{own.baseline_year}年以来年均增长{fmt.percent(achieved)}，规划要求年均增长{required:g}%"
    if frame.target is not None and meets_frame(frame, current):
        return Judgement(100.0, None, Status.ACHIEVED, ProgressMethod.GROWTH,
                         f"{text}，当前值已达到按规划增速推算的期末水平"), achieved
    status = Status.ON_TRACK if achieved >= required - EPS else Status.LAGGING
    return Judgement(None, achieved - required, status, ProgressMethod.GROWTH,
                     text + ("，增速达到要求" if status is Status.ON_TRACK else "，增速低于要求")), achieved


def judge_maintained(frame: Target, rollups: Sequence[RollUp], j: Judgement
                     ) -> tuple[Judgement, tuple[int, ...], tuple[int, ...]]:
    """A target to hold every year (稳定在85%以上, 确保不发生): every year so far is judged,
    and a year that broke it is named."""
    present = [r for r in rollups if r.value is not None]
    checked = tuple(r.year for r in present)
    broken = tuple(r.year for r in present if r.value is not None and not meets_frame(frame, r.value))
    if not present:
        return j, checked, broken
    if broken:
        years = "、".join(str(y) for y in broken)
        return (Judgement(j.progress, None, Status.LAGGING, j.method,
                          f"目标须每年保持，{years}年未达到"), checked, broken)
    years = f"{checked[0]}—{checked[-1]}年" if len(checked) > 1 else f"{checked[0]}年"
    return (Judgement(100.0, None, Status.ACHIEVED, j.method, f"目标须每年保持，{years}各年均已达到"),
            checked, broken)


def final_judgement(frame: Target, current: float | None, j: Judgement) -> Judgement:
    """At the end of the period: achieved or not, no schedule share and no projection."""
    if j.status is Status.UNKNOWN or current is None or frame.target is None:
        return j
    if frame.maintained:
        met = j.status is Status.ACHIEVED
    elif frame.growth is not None:
        met = j.status is Status.ACHIEVED or (j.gap is not None and j.gap >= -EPS)
    else:
        met = meets_frame(frame, current)
    status = Status.MET if met else Status.NOT_MET
    return Judgement(j.progress, None, status, j.method, ("期末已达到目标；" if met else "期末未达到目标；") + j.reason)


def _incomplete(plan: Plan, ind: Indicator, used: Sequence[RollUp]) -> str:
    """Why a partial roll-up cannot be compared with the plan-wide target ('' when it can).

    A sum that misses units is incomplete, not low. A ratio whose items come from different
    units (patents from a department, population from the towns) is distorted when some of
    them are missing. A ratio whose items all come from the same units stays a fair sample."""
    if not any(r.partial for r in used):
        return ""
    if ind.aggregation is Aggregation.SUM and not ind.computed:
        return "部分单位的合计不能与规划目标比较"
    if ind.computed and len({frozenset(it.reporters) for it in plan.formula_items(ind)}) > 1:
        return "计算所用数据项由不同单位填报，部分单位缺报会使比值失真"
    return ""


def _caveat(p: Projection, used: Sequence[RollUp]) -> Projection:
    """A projection resting on a partial roll-up says so."""
    partial = [r for r in used if r.partial]
    if p.value is None or not partial:
        return p
    note = f"（{partial[-1].year}年汇总不完整，{partial[-1].coverage}，预计值仅供参考）"
    return replace(p, reason=p.reason + note, text=p.text + note)


def projection_series(rollups: Sequence[RollUp], frame: Target) -> list[tuple[int, float]]:
    """Yearly values to project from: complete roll-ups, plus the latest one even if partial
    (a partial sum of earlier years would bend the trend). New-in-period sums use every year."""
    present = [r for r in rollups if r.value is not None]
    if not frame.new_in_period:
        present = [r for r in present[:-1] if not r.partial] + present[-1:]
    return [(r.year, r.value) for r in present if r.value is not None]


def _current(frame: Target, rollups: Sequence[RollUp]) -> tuple[float | None, int | None, list[RollUp]]:
    """The value compared with the target, its year and the roll-ups it rests on."""
    present = [r for r in rollups if r.value is not None]
    if not present:
        return None, None, []
    if frame.new_in_period:
        return sum(r.value for r in present if r.value is not None), present[-1].year, present
    return present[-1].value, present[-1].year, [present[-1]]


def _status_with_coverage(ctx: _Context, ind: Indicator, j: Judgement, used: Sequence[RollUp],
                          rollups: Sequence[RollUp]) -> tuple[Status, str]:
    """Apply the plan's partial roll-up policy and say what the judgement rests on."""
    if not used:
        expected = rollups[0].expected if rollups else ctx.plan.indicator_reporters(ind)
        rejected = [u for u in expected if u in ctx.rejected]
        if rejected:
            return Status.UNKNOWN, f"无数据：{ctx.names(rejected)}的填报表存在强制性审核问题，未纳入汇总"
        who = f"（应报单位：{ctx.names(expected)}）" if expected else "（未指定填报单位）"
        return Status.UNKNOWN, f"无数据：各年均无人填报{who}"
    missing = tuple(dict.fromkeys(u for r in used for u in r.missing))
    notes: list[str] = [j.reason]
    if any(u in ctx.rejected for u in missing):
        notes.append(f"{ctx.names([u for u in missing if u in ctx.rejected])}的填报表有错误，未纳入")
    notes.extend(_year_notes(ctx, ind, used, rollups))
    if missing:
        coverage = used[-1].coverage
        why = _incomplete(ctx.plan, ind, used)
        if why:
            return Status.UNKNOWN, f"汇总不完整（{coverage}，缺{ctx.names(missing)}），{why}，待全部单位报送后评估"
        if not ctx.plan.info.partial_ok:
            return Status.UNKNOWN, f"汇总不完整（{coverage}，缺{ctx.names(missing)}），规划规定不完整汇总不予评估"
        notes.append(f"汇总不完整（{coverage}，缺{ctx.names(missing)}）")
    return j.status, "；".join(n for n in notes if n)


def _year_notes(ctx: _Context, ind: Indicator, used: Sequence[RollUp], rollups: Sequence[RollUp]) -> list[str]:
    last = used[-1].year
    own = ctx.own_info(ind)
    latest = rollups[-1].year if rollups else ctx.plan.info.cutoff_year
    schedule = (f"，与{last}年末时间进度（{fmt.percent(ctx.time_progress_at(last, own))}）比较"
                if last < ctx.plan.info.cutoff_year and ind.kind is not Kind.MILESTONE else "")
    if target_of(ind).new_in_period:
        empty = [str(r.year) for r in rollups if r.value is None]
        return [f"{'、'.join(empty)}年无人填报，未计入{schedule}"] if empty else []
    if last != latest and ind.kind is not Kind.MILESTONE:
        return [f"{latest}年无数据，采用{last}年数据{schedule}"]
    return []


# per unit ---------------------------------------------------------------------------

def unit_results(ctx: _Context, ind: Indicator, frame: Target) -> tuple[UnitIndicatorResult, ...]:
    """The same evaluation per reporting unit (not for values only the lead unit reports)."""
    if ind.aggregation is Aggregation.LEAD and not ind.computed:
        return ()
    per_unit = _PerUnit(ctx, ind, frame)
    return tuple(per_unit.result(u) for u in ctx.plan.indicator_reporters(ind))


class _PerUnit:
    """:func:`unit_result` for every unit of one indicator, with what does not depend on the
    unit worked out once (its years, value lookup, time progress per year, milestone due date)."""

    def __init__(self, ctx: _Context, ind: Indicator, frame: Target) -> None:
        plan = ctx.plan
        self.ctx, self.ind, self.frame = ctx, ind, frame
        self.value = unit_values(plan, ind, ctx.index)
        self.years = plan.years_of(ind)
        self.base_year = plan.base_year(ind)
        self.own = ctx.own_info(ind)
        self.summed = not ind.computed and ind.aggregation is Aggregation.SUM
        self.due = milestone_due(plan, ind) if frame.milestone else None
        self._time_progress: dict[int | None, float] = {}

    def time_progress_at(self, year: int | None) -> float:
        at = self._time_progress.get(year)
        if at is None:
            at = self._time_progress[year] = self.ctx.time_progress_at(year, self.own)
        return at

    def result(self, unit: str) -> UnitIndicatorResult:
        ctx, frame, value = self.ctx, self.frame, self.value
        values = tuple((y, value(unit, y)) for y in self.years)
        present = [(y, v) for y, v in values if v is not None]
        unit_base = value(unit, self.base_year)
        unit_frame, how = self.target(unit_base)
        if frame.new_in_period:
            current = sum(v for _, v in present) if present else None
        else:
            current = present[-1][1] if present else None
        current_year = present[-1][0] if present else None
        if unit_frame is None:
            method = ProgressMethod.NEW if frame.new_in_period else ProgressMethod.NONE
            j = Judgement(None, None, Status.UNKNOWN, method, how)
        elif frame.milestone:
            j, _ = judge_milestone(ctx, self.ind, values, self.due)
        else:
            j = judge(unit_frame, current, self.time_progress_at(current_year), ctx.tolerance)
            j = Judgement(j.progress, j.gap, j.status, j.method, "；".join(x for x in (j.reason, how) if x))
        key = (unit, tuple(y for y, _ in present))
        prov = ctx.unit_provenances.get(key)
        if prov is None:
            prov = ctx.unit_provenances[key] = (ctx.index.unit_provenance(unit, key[1]) if present
                                                else Provenance((unit,)))
        return UnitIndicatorResult(unit, ctx.plan.unit_name(unit), values, current, current_year,
                                   j.progress, j.gap, j.status, j.reason, prov,
                                   unit_frame.baseline if unit_frame else unit_base,
                                   unit_frame.target if unit_frame else None)

    def target(self, unit_base: float | None) -> tuple[Target | None, str]:
        """The frame a unit's value is judged against, and how it was derived.

        The unit's baseline is its own baseline-year value, typed in the baseline-year column
        of its form (or pre-filled there from the plan). Rates, means, max/min: the plan target applies to every unit, from the unit's own
        baseline-year value when it gave one. Summed counts: the plan target shared out in
        proportion to the unit's baseline (a unit with 30% of the baseline carries 30% of the
        target). New-in-period sums are not shared out (no basis), so they are not judged.
        """
        frame, base_year = self.frame, self.base_year
        if frame.milestone:
            return frame, ""
        if self.summed and frame.new_in_period:
            return None, "期间新增目标未分解到各单位，仅列示其累计新增"
        if not self.summed:
            return with_changes(frame, baseline=unit_base, baseline_is_bound=False), \
                ("" if unit_base is not None else f"本单位无{base_year}年基期数据")
        if unit_base is None or not frame.baseline or frame.target is None:
            return None, f"本单位无{base_year}年基期数据，目标无法按基期占比分解"
        share = unit_base / frame.baseline
        return (with_changes(frame, baseline=unit_base, target=frame.target * share, baseline_is_bound=False),
                f"目标按基期占比{fmt.percent(share * 100)}分解")


# explanations and coverage --------------------------------------------------------

def explanations(ctx: _Context, ind: Indicator) -> tuple[Explanation, ...]:
    """The units' 说明 texts on this indicator's row or on its formula items' rows."""
    codes = [ind.code, *(it.code for it in ctx.plan.formula_items(ind))]
    out: list[Explanation] = []
    for ret in ctx.returns:
        unit = ret.unit or ""
        for code in codes:
            note = ret.notes.get(code)
            if note and note.explanation.strip():
                text = note.explanation.strip()
                out.append(Explanation(unit, ctx.plan.unit_name(unit), code, text, note.data_source,
                                       named_years(text)))
    return tuple(out)


def reporting_coverage(plan: Plan, returns: Sequence[ReturnData]) -> ReportingCoverage:
    expected = tuple(u.code for u in plan.reporting_units())
    files = source_files(returns)
    returned = tuple(r.unit for r in returns if r.unit)
    got, asked = set(returned), set(expected)
    ordered = tuple(u for u in expected if u in got) + tuple(u for u in returned if u not in asked)
    missing = tuple(u for u in expected if u not in got)
    return ReportingCoverage(expected, ordered, missing, files,
                             {u.code: u.name for u in plan.units})
