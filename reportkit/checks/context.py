"""What every check sees: the plan, the read form, and the findings gathered so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..definitions.model import DataItem, Indicator, Kind, Plan
from ..findings import Finding, Location, make
from ..forms.rows import FormRow, form_rows
from ..intake.reader import FormContent
from ..intake.types import Observation, RowNote


@dataclass(frozen=True)
class RowSpec:
    """An indicator or data item as far as checking its values goes."""

    code: str
    name: str
    unit: str = ""
    integer: bool = False
    lower: float | None = None
    upper: float | None = None
    percent: bool = False
    cumulative: bool = False
    baseline: float | None = None
    target: float | None = None
    sole_reporter: bool = False  # the unit reports the whole-plan value (its baseline is the plan's)

    @property
    def label(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


def spec_for_indicator(plan: Plan, ind: Indicator, unit: str) -> RowSpec:
    return RowSpec(
        ind.code, ind.name, ind.unit, ind.integer, ind.lower, ind.upper, ind.is_percent,
        ind.kind is Kind.CUMULATIVE, ind.baseline.value, ind.target.value,
        plan.indicator_reporters(ind) == (unit,),
    )


def spec_for_item(item: DataItem) -> RowSpec:
    percent = item.unit.strip() in {"%", "％"}
    return RowSpec(item.code, item.name, item.unit, item.integer, item.lower, item.upper, percent)


def row_specs(plan: Plan, unit: str) -> dict[str, RowSpec]:
    """What the unit is expected to report now, by code, in plan order."""
    out = {i.code: spec_for_indicator(plan, i, unit) for i in plan.direct_indicators_for(unit)}
    out.update({it.code: spec_for_item(it) for it in plan.items_for(unit)})
    return out


class RowSpecs:
    """:func:`row_specs` of the units of one plan, for a batch of returns: each indicator's and
    item's spec is made once (an indicator's has two forms: the unit is its only reporter or
    not), not once per return."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._indicators: dict[tuple[int, bool], RowSpec] = {}
        self._items: dict[int, RowSpec] = {}

    def __call__(self, unit: str) -> dict[str, RowSpec]:
        plan = self.plan
        out = {}
        for i in plan.direct_indicators_for(unit):
            key = (id(i), plan.indicator_reporters(i) == (unit,))
            spec = self._indicators.get(key)
            if spec is None:
                spec = self._indicators[key] = spec_for_indicator(plan, i, unit)
            out[i.code] = spec
        for it in plan.items_for(unit):
            spec = self._items.get(id(it))
            if spec is None:
                spec = self._items[id(it)] = spec_for_item(it)
            out[it.code] = spec
        return out


def any_spec(plan: Plan, code: str, unit: str) -> RowSpec | None:
    ind = plan.indicator(code)
    if ind is not None:
        return spec_for_indicator(plan, ind, unit)
    item = plan.item(code)
    return spec_for_item(item) if item is not None else None


MAX_SHOWN = 100  # characters of a typed text quoted in a message
QUOTED_PARAMS = ("value", "code", "actual", "claimed")  # message parameters that quote what a unit typed


def clip(v: Any) -> Any:
    """A long text (a pasted paragraph in a number cell) quoted in a message: its start only."""
    if isinstance(v, str) and len(v) > MAX_SHOWN:
        return f"{v[:MAX_SHOWN]}…（共 {len(v)} 字）"
    return v


@dataclass
class CheckContext:
    plan: Plan
    content: FormContent
    findings: list[Finding] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    notes: dict[str, RowNote] = field(default_factory=dict)
    specs: dict[str, RowSpec] = field(default_factory=dict)
    stop: bool = False  # set when later checks cannot run (unreadable, not a form, other plan)

    # Asked for every finding and observation; the content does not change while it is checked.
    @cached_property
    def file(self) -> str:
        return self.content.path.name

    @cached_property
    def unit(self) -> str | None:
        return self.content.unit or None

    @cached_property
    def indicator_sheet(self) -> str | None:
        t = self.content.sheets.indicators
        return t.sheet.name if t else None

    # what the form was generated with: the metadata sheet, or (when a unit deleted it and
    # only the document properties identify the form) the current plan's form for the unit

    def _plan_rows(self) -> list[FormRow]:
        return form_rows(self.plan, self.unit or "")

    def _same_definitions(self) -> bool:
        meta = self.content.meta
        return meta is not None and meta.get("fingerprint") == self.plan.fingerprint()

    @property
    def form_codes(self) -> list[str]:
        """The row codes in form order."""
        meta = self.content.meta
        return (meta.rows if meta else []) or [r.code for r in self._plan_rows()]

    @property
    def locked(self) -> dict[str, dict[str, str]]:
        meta = self.content.meta
        if meta is not None and (meta.locked or not self._same_definitions()):
            return meta.locked
        return {r.code: r.locked_texts for r in self._plan_rows()}

    @property
    def prefilled(self) -> dict[tuple[str, int], Any]:
        meta = self.content.meta
        if meta is not None and (meta.source == "sheet" or not self._same_definitions()):
            return meta.prefilled
        year = self.plan.info.baseline_year
        return {(r.code, year): r.own_baseline for r in self._plan_rows() if r.own_baseline is not None}

    def loc(self, *, sheet: str | None = None, cell: str | None = None, indicator: str | None = None,
            year: int | None = None) -> Location:
        return Location(self.file, sheet, cell, self.unit, indicator, year)

    def cell_loc(self, cell: str, indicator: str, year: int | None = None) -> Location:
        return self.loc(sheet=self.indicator_sheet, cell=cell, indicator=indicator, year=year)

    def add(self, finding_code: str, location: Location | None = None, /, **params: Any) -> Finding:
        params = {k: clip(v) if k in QUOTED_PARAMS else v for k, v in params.items()}
        f = make(finding_code, location or self.loc(), **params)
        self.findings.append(f)
        return f
