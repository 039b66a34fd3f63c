"""``evaluate(plan, returns)``: everything the report needs about indicators and tasks.

Pure functions over the plan model and the accepted :class:`ReturnData` values; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..definitions.model import Aggregation, Indicator, Plan
from ..intake.types import ReturnData
from .progress import Judgement, Target, judge, target_of
from .projection import no_projection, project
from .rollup import ValueIndex, rollup_indicator, unit_value
from .tasks import summarise_tasks
from .types import (
    Evaluation,
    Explanation,
    IndicatorResult,
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
    results = tuple(evaluate_indicator(ctx, ind) for ind in plan.indicators)
    return Evaluation(
        info=plan.info,
        time_progress=plan.info.time_progress,
        tolerance=tol,
        indicators=results,
        tasks=summarise_tasks(plan, chosen),
        coverage=reporting_coverage(plan, chosen),
    )


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

    def judge(self, frame: Target, current: float | None, year: int | None = None) -> Judgement:
        """Judge a value against the schedule as of its own year: a 2022 figure (the 2023 one not
        yet available) is compared with the time elapsed by the end of 2022, not by the cut-off."""
        return judge(frame, current, self.time_progress_at(year), self.tolerance)

    def time_progress_at(self, year: int | None) -> float:
        info = self.plan.info
        if year is None or year >= info.cutoff_year:
            return self.time_progress
        span = info.target_year - info.baseline_year
        return round(100.0 * max(year - info.baseline_year, 0) / span, 4) if span > 0 else 0.0

    def names(self, codes: Sequence[str]) -> str:
        return "、".join(self.plan.unit_name(c) for c in codes)


def evaluate_indicator(ctx: _Context, ind: Indicator) -> IndicatorResult:
    plan = ctx.plan
    rollups = tuple(rollup_indicator(plan, ind, y, ctx.index) for y in plan.info.years)
    frame = target_of(ind)
    current, current_year, used = _current(frame, rollups)
    judgement = ctx.judge(frame, current, current_year)
    status, reason = _status_with_coverage(ctx, ind, judgement, used, rollups)
    series = projection_series(rollups, frame)
    projection = _caveat(project(ind, frame, series, plan.info), used)
    if _incomplete(plan, ind, used):
        # A total over some of the units is not comparable with the plan-wide target.
        judgement = replace(judgement, progress=None, gap=None)
        projection = no_projection(plan.info.target_year, "汇总缺少部分单位的数据，不作预计")
    return IndicatorResult(
        indicator=ind,
        rollups=rollups,
        current=current,
        current_year=current_year,
        baseline=frame.baseline,
        target=frame.target,
        progress=judgement.progress,
        time_progress=ctx.time_progress_at(current_year),
        gap=judgement.gap,
        status=status,
        reason=reason,
        method=judgement.method,
        projection=projection,
        units=unit_results(ctx, ind, frame),
        explanations=explanations(ctx, ind),
        provenance=Provenance.merge(r.provenance for r in used),
    )


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
    schedule = (f"，与{last}年末时间进度（{ctx.time_progress_at(last):.1f}%）比较"
                if last < ctx.plan.info.cutoff_year else "")
    if target_of(ind).new_in_period:
        empty = [str(r.year) for r in rollups if r.value is None]
        return [f"{'、'.join(empty)}年无人填报，未计入{schedule}"] if empty else []
    if last != ctx.plan.info.cutoff_year:
        return [f"{ctx.plan.info.cutoff_year}年无数据，采用{last}年数据{schedule}"]
    return []


# per unit ---------------------------------------------------------------------------

def unit_results(ctx: _Context, ind: Indicator, frame: Target) -> tuple[UnitIndicatorResult, ...]:
    """The same evaluation per reporting unit (not for values only the lead unit reports)."""
    if ind.aggregation is Aggregation.LEAD and not ind.computed:
        return ()
    return tuple(unit_result(ctx, ind, frame, u) for u in ctx.plan.indicator_reporters(ind))


def unit_result(ctx: _Context, ind: Indicator, frame: Target, unit: str) -> UnitIndicatorResult:
    plan, info = ctx.plan, ctx.plan.info
    values = tuple((y, unit_value(plan, ind, unit, y, ctx.index)) for y in info.years)
    present = [(y, v) for y, v in values if v is not None]
    unit_frame, how = unit_target(ctx, ind, frame, unit)
    if frame.new_in_period:
        current = sum(v for _, v in present) if present else None
    else:
        current = present[-1][1] if present else None
    current_year = present[-1][0] if present else None
    if unit_frame is None:
        method = ProgressMethod.NEW if frame.new_in_period else ProgressMethod.NONE
        j = Judgement(None, None, Status.UNKNOWN, method, how)
    else:
        j = ctx.judge(unit_frame, current, current_year)
        j = replace(j, reason="；".join(x for x in (j.reason, how) if x))
    years = [y for y, _ in present]
    prov = ctx.index.provenance([unit], years) if present else Provenance((unit,))
    base = unit_frame.baseline if unit_frame else unit_value(plan, ind, unit, info.baseline_year, ctx.index)
    return UnitIndicatorResult(unit, plan.unit_name(unit), values, current, current_year,
                               j.progress, j.gap, j.status, j.reason, prov, base,
                               unit_frame.target if unit_frame else None)


def unit_target(ctx: _Context, ind: Indicator, frame: Target, unit: str) -> tuple[Target | None, str]:
    """The frame a unit's value is judged against, and how it was derived.

    The unit's baseline is its own baseline-year value, typed in the baseline-year column
    of its form (or pre-filled there from the plan). Rates, means, max/min: the plan target applies to every unit, from the unit's own
    baseline-year value when it gave one. Summed counts: the plan target shared out in
    proportion to the unit's baseline (a unit with 30% of the baseline carries 30% of the
    target). New-in-period sums are not shared out (no basis), so they are not judged.
    """
    base_year = ctx.plan.info.baseline_year
    unit_base = unit_value(ctx.plan, ind, unit, base_year, ctx.index)
    summed = not ind.computed and ind.aggregation is Aggregation.SUM
    if frame.milestone:
        return frame, ""
    if summed and frame.new_in_period:
        return None, "期间新增目标未分解到各单位，仅列示其累计新增"
    if not summed:
        return replace(frame, baseline=unit_base, baseline_is_bound=False), \
            ("" if unit_base is not None else f"本单位无{base_year}年基期数据")
    if unit_base is None or not frame.baseline or frame.target is None:
        return None, f"本单位无{base_year}年基期数据，目标无法按基期占比分解"
    share = unit_base / frame.baseline
    return (replace(frame, baseline=unit_base, target=frame.target * share, baseline_is_bound=False),
            f"目标按基期占比{share * 100:.1f}%分解")


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
                out.append(Explanation(unit, ctx.plan.unit_name(unit), code, note.explanation.strip(),
                                       note.data_source))
    return tuple(out)


def reporting_coverage(plan: Plan, returns: Sequence[ReturnData]) -> ReportingCoverage:
    expected = tuple(u.code for u in plan.reporting_units())
    index = ValueIndex.build(returns)
    returned = tuple(r.unit for r in returns if r.unit)
    ordered = tuple(u for u in expected if u in returned) + tuple(u for u in returned if u not in expected)
    missing = tuple(u for u in expected if u not in returned)
    return ReportingCoverage(expected, ordered, missing, dict(index.files),
                             {u.code: u.name for u in plan.units})
