"""Plausibility of the values read: bounds, percent range, integers, a cumulative value
that falls, a year-on-year jump beyond the plan's threshold."""

from __future__ import annotations

from collections import defaultdict

from ..findings import Location, Severity, register
from ..intake.types import Observation
from ..intake.values import format_number as fmt
from .context import CheckContext, RowSpec

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

register("value.out-of-range", W, "超出合理范围", "{year}年数值 {value} 超出本项合理范围（{bounds}）。",
         "请核实数值与单位；如确实如此，请在“说明”中写明原因。")
register("value.percent-range", W, "百分比超出 0–100", "{year}年数值 {value}% 不在 0–100% 之间。",
         "请核实是否填写正确；如确实如此（如增长率），请在“说明”中写明。")
register("value.not-integer", E, "应为整数", "{year}年数值 {value} 不是整数，本项为计数，应填整数。",
         "请填写整数。")
register("value.negative", E, "不应为负数", "{year}年数值 {value} 为负数，本项不应为负。", "请核实后重新填写。")
register("value.cumulative-falls", W, "累计值下降", "累计值由 {previous}（{prev_year}年）下降为 {value}（{year}年）。",
         "累计值一般不应下降，请核实；如因口径调整等原因确实下降，请在“说明”中写明。")
register("value.yoy-jump", W, "同比变动过大",
         "{year}年数值 {value} 比{prev_label} {previous} 变动 {change}%，超过 {threshold}% 的核实阈值。",
         "请核实数值；如确实如此，请在“说明”中写明变动原因。")


def check_series(ctx: CheckContext) -> None:
    by_code: dict[str, list[Observation]] = defaultdict(list)
    for o in ctx.observations:
        by_code[o.code].append(o)
    for code, observations in by_code.items():
        spec = ctx.specs.get(code)
        if spec is None:
            continue
        numbers = sorted((o for o in observations if o.value is not None), key=lambda o: o.year)
        for o in numbers:
            if not o.prefilled:
                _single(ctx, spec, o)
        _trend(ctx, spec, numbers)


def _loc(ctx: CheckContext, o: Observation) -> Location:
    return ctx.cell_loc(o.cell, o.code, o.year)


def _single(ctx: CheckContext, spec: RowSpec, o: Observation) -> None:
    v = o.value
    assert v is not None
    if spec.integer and abs(v - round(v)) > 1e-9:
        ctx.add("value.not-integer", _loc(ctx, o), value=fmt(v), year=o.year)
    if v < 0 and (spec.integer or spec.cumulative) and not (spec.lower is not None and spec.lower < 0):
        # a negative count is impossible (an error), not merely outside a plausible range
        ctx.add("value.negative", _loc(ctx, o), value=fmt(v), year=o.year)
    elif spec.lower is not None or spec.upper is not None:
        if (spec.lower is not None and v < spec.lower) or (spec.upper is not None and v > spec.upper):
            ctx.add("value.out-of-range", _loc(ctx, o), value=fmt(v), year=o.year, bounds=_bounds(spec))
    elif spec.percent and not 0 <= v <= 100:
        ctx.add("value.percent-range", _loc(ctx, o), value=fmt(v), year=o.year)


def _bounds(spec: RowSpec) -> str:
    lo = fmt(spec.lower) if spec.lower is not None else "不限"
    hi = fmt(spec.upper) if spec.upper is not None else "不限"
    return f"{lo} ～ {hi}{spec.unit}"


def _trend(ctx: CheckContext, spec: RowSpec, numbers: list[Observation]) -> None:
    prev_value: float | None = spec.baseline if spec.sole_reporter else None
    prev_label = "基期"
    prev_year = base_year = ctx.plan.info.baseline_year
    threshold = ctx.plan.info.yoy_threshold
    for o in numbers:
        v = o.value
        assert v is not None
        # A typed baseline-year value is not compared with the plan baseline: it is the same year.
        if prev_value is not None and not o.prefilled and o.year > base_year:
            if spec.cumulative and v < prev_value - 1e-9:
                ctx.add("value.cumulative-falls", _loc(ctx, o), value=fmt(v), previous=fmt(prev_value),
                        year=o.year, prev_year=prev_year)
            if not spec.integer or abs(v - prev_value) > ctx.plan.info.yoy_min_change + 1e-9:
                _yoy(ctx, o, v, prev_value, prev_label, threshold)
        prev_value, prev_label, prev_year = v, f"{o.year}年", o.year


def _yoy(ctx: CheckContext, o: Observation, v: float, prev: float, prev_label: str, threshold: float) -> None:
    if prev == 0 or threshold <= 0:
        return
    change = (v - prev) / abs(prev) * 100
    if abs(change) > threshold:
        label = "上年" if prev_label == f"{o.year - 1}年" else prev_label
        ctx.add("value.yoy-jump", _loc(ctx, o), value=fmt(v), previous=fmt(prev), year=o.year,
                prev_label=label, change=f"{change:+.1f}", threshold=fmt(threshold))
