"""The plan model: plan info, indicators, data items, reporting units, tasks and rules.

Everything else in reportkit reads these frozen dataclasses. They are built by the
loaders in :mod:`reportkit.definitions.loader` from a definitions workbook or YAML.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from ..plain import as_plain
from .formula import Formula, FormulaError, parse_formula
from .notation import BracketConventions, Direction, Notation, PlanValue


class Attribute(StrEnum):
    EXPECTED = "预期性"
    BINDING = "约束性"


class Kind(StrEnum):
    LEVEL = "level"  # 水平值 (a state at year end)
    CUMULATIVE = "cumulative"  # 累计值 / 存量 (〔〕)
    NEW = "new"  # 规划期新增 (〈〉): yearly amounts summed over the period
    RATE = "rate"  # 比率 (%, per capita): computed or reported as a ratio
    MILESTONE = "milestone"  # 是/否 milestone

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.LEVEL: "水平值",
    Kind.CUMULATIVE: "累计值",
    Kind.NEW: "期间新增",
    Kind.RATE: "比率",
    Kind.MILESTONE: "里程碑",
}


class Aggregation(StrEnum):
    SUM = "sum"  # 求和
    FORMULA = "formula"  # 由数据项汇总后按公式计算
    MEAN = "mean"  # 平均
    MAX = "max"
    MIN = "min"
    LEAD = "lead"  # 仅由牵头单位填报全市数

    @property
    def label(self) -> str:
        return AGGREGATION_LABELS[self]


AGGREGATION_LABELS = {
    Aggregation.SUM: "求和",
    Aggregation.FORMULA: "按公式由汇总数据项计算",
    Aggregation.MEAN: "平均",
    Aggregation.MAX: "最大值",
    Aggregation.MIN: "最小值",
    Aggregation.LEAD: "牵头单位填报",
}


class UnitType(StrEnum):
    DISTRICT = "district"  # 区/县/镇街
    DEPARTMENT = "department"  # 部门/科室

    @property
    def label(self) -> str:
        return {"district": "区县", "department": "部门"}[self.value]


class EvaluationKind(StrEnum):
    ANNUAL = "年度监测"
    MIDTERM = "中期评估"
    FINAL = "总结评估"


class PlanType(StrEnum):
    """A multi-year plan (规划, evaluated against its baseline year) or an annual work plan
    (工作要点: one year, tasks with deadlines, reviewed by rounds)."""

    PLAN = "规划"
    WORK_PLAN = "工作要点"


PLAN_TYPE_WORDS = {"规划": PlanType.PLAN, "五年规划": PlanType.PLAN, "专项规划": PlanType.PLAN,
                   "工作要点": PlanType.WORK_PLAN, "年度工作要点": PlanType.WORK_PLAN, "工作计划": PlanType.WORK_PLAN,
                   "年度计划": PlanType.WORK_PLAN, "实施方案": PlanType.WORK_PLAN, "work_plan": PlanType.WORK_PLAN,
                   "plan": PlanType.PLAN}


class BaselineSource(StrEnum):
    """Where an indicator's baseline comes from."""

    PLAN = "plan"  # as printed in the plan (基期值 column)
    RETURNS = "returns"  # the units' reported base-year figures, combined by the indicator's rule

    @property
    def label(self) -> str:
        return {"plan": "规划文本", "returns": "填报汇总"}[self.value]


@dataclass(frozen=True)
class Source:
    """Where a definition came from, for findings: sheet and row (or YAML path)."""

    file: str = ""
    sheet: str = ""
    row: int = 0
    columns: tuple[tuple[str, str], ...] = ()  # field -> column letter

    def cell(self, fieldname: str) -> str:
        col = dict(self.columns).get(fieldname, "")
        if self.row and col:
            return f"{col}{self.row}"
        return col  # YAML: the key path, e.g. "indicators[3].target"; "" when unknown


NO_SOURCE = Source()


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    type: UnitType = UnitType.DISTRICT
    parent: str = ""
    contact: str = ""
    source: Source = field(default=NO_SOURCE, compare=False, repr=False)


@dataclass(frozen=True)
class DataItem:
    """A collected figure that computed indicators are made of (合格批次, 常住人口)."""

    code: str
    name: str
    unit: str = ""
    decimals: int = 0
    integer: bool = False
    lower: float | None = None
    upper: float | None = None
    definition: str = ""
    reporters: tuple[str, ...] = ()
    aggregation: Aggregation = Aggregation.SUM
    source: Source = field(default=NO_SOURCE, compare=False, repr=False)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str = ""
    category: str = ""
    baseline: PlanValue = field(default_factory=lambda: PlanValue("", None))
    target: PlanValue = field(default_factory=lambda: PlanValue("", None))
    attribute: Attribute = Attribute.EXPECTED
    kind: Kind = Kind.LEVEL
    decimals: int = 2
    lower: float | None = None
    upper: float | None = None
    definition: str = ""
    lead_unit: str = ""
    reporters: tuple[str, ...] = ()
    aggregation: Aggregation = Aggregation.SUM
    formula: str = ""
    direction_override: Direction | None = None
    integer: bool = False
    note: str = ""
    source: Source = field(default=NO_SOURCE, compare=False, repr=False)
    baseline_year: int | None = None  # the indicator's own baseline year (None: the plan's)
    target_year: int | None = None  # the indicator's own target year (None: the plan's)
    due: str = ""  # a milestone's due date as written (2023年底前, 二季度); "" → end of the target year
    baseline_source: BaselineSource = BaselineSource.PLAN
    parent: str = ""  # code of the indicator this one is a part (分指标) of

    @property
    def computed(self) -> bool:
        return bool(self.formula)

    @cached_property
    def parsed_formula(self) -> Formula | None:
        if not self.formula:
            return None
        try:
            return parse_formula(self.formula)
        except FormulaError:
            return None

    @property
    def direction(self) -> Direction:
        """Effective direction: explicit, else the target's ≥/≤, else inferred from baseline→target."""
        if self.direction_override is not None:
            return self.direction_override
        if self.target.direction is not Direction.EXACT:
            return self.target.direction
        if self.target.is_range:
            return Direction.FLOOR
        if self.kind is Kind.NEW or self.target.notation is Notation.NEW:
            # 〈5〉 is the amount to add over this period; a larger 〈8〉 last period does not make it a cap
            return Direction.FLOOR
        b, t = self.baseline.value, self.target.value
        if b is not None and t is not None and t < b:
            return Direction.CEILING
        return Direction.FLOOR

    @property
    def notation(self) -> Notation:
        if self.target.notation is not Notation.PLAIN:
            return self.target.notation
        return self.baseline.notation

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() in {"%", "％", "百分比"} or self.target.percent or self.baseline.percent

    @property
    def label(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


@dataclass(frozen=True)
class Task:
    code: str
    chapter: str
    title: str
    section: str = ""
    milestone: str = ""
    due_year: int | None = None
    lead_unit: str = ""
    reporters: tuple[str, ...] = ()
    kind: str = "重点任务"  # 重点任务 / 专栏项目
    source: Source = field(default=NO_SOURCE, compare=False, repr=False)
    due: str = ""  # the deadline as written when finer than a year (2023年二季度, 年初)


@dataclass(frozen=True)
class Rule:
    """Cross-item validation rule: ``left op right`` (expressions over item/indicator codes)."""

    code: str
    left: str
    operator: str
    right: str
    severity: str = "error"
    message: str = ""
    source: Source = field(default=NO_SOURCE, compare=False, repr=False)


@dataclass(frozen=True)
class PlanInfo:
    id: str
    name: str
    region: str = ""
    issuer: str = ""
    lead_agency: str = ""
    baseline_year: int = 2020
    target_year: int = 2025
    cutoff: dt.date = dt.date(2023, 12, 31)
    evaluation_kind: EvaluationKind = EvaluationKind.MIDTERM
    deadline: dt.date | None = None
    contact: str = ""
    form_version: str = "1"
    tolerance: float = 5.0  # percentage points around 时间进度 counted as 基本符合预期
    yoy_threshold: float = 50.0  # year-on-year change (%) that needs a 说明
    yoy_min_change: float = 3.0  # a count must also move by more than this to need a 说明 (0↔1 does not)
    partial_ok: bool = True  # may a partial roll-up be evaluated
    brackets: BracketConventions = field(default_factory=BracketConventions)
    note: str = ""
    source: Source = field(default=NO_SOURCE, compare=False, repr=False)
    plan_type: PlanType = PlanType.PLAN
    round: str = ""  # 报送期次 as a canonical name (一季度, 上半年, 全年, 2020-09-30); "" → one round per kind

    @property
    def is_work_plan(self) -> bool:
        return self.plan_type is PlanType.WORK_PLAN

    @property
    def document_kind(self) -> str:
        """What the report is called: 落实情况通报 for a work plan's round, else the evaluation kind."""
        return "落实情况通报" if self.is_work_plan else self.evaluation_kind.value

    @property
    def round_label(self) -> str:
        """The round as a reader says it: 2020年一季度、2020年上半年、2020年度、截至2020年9月30日."""
        from .rounds import round_label

        return round_label(self)

    @property
    def cutoff_year(self) -> int:
        return self.cutoff.year

    @property
    def period_label(self) -> str:
        if self.is_work_plan or self.round:
            return self.round_label
        return f"{self.cutoff.year}年{self.evaluation_kind.value}"

    @property
    def years(self) -> list[int]:
        """The years units report: baseline+1 .. cut-off year (the cut-off year may be partial)."""
        return list(range(self.baseline_year + 1, self.cutoff_year + 1))

    @property
    def form_years(self) -> list[int]:
        """The year columns of a return form: the baseline year (each unit's own baseline
        value, so its progress can be judged), then :attr:`years`."""
        return [self.baseline_year, *self.years]

    @property
    def elapsed_years(self) -> float:
        """Years from the end of the baseline year to the cut-off date, counted in months
        (2023-06-30 → 2.5, 2023-12-31 → 3.0)."""
        return self.elapsed_since(self.baseline_year)

    def elapsed_since(self, baseline_year: int) -> float:
        """Years from the end of ``baseline_year`` to the cut-off date, counted in months."""
        c = self.cutoff
        month_len = calendar.monthrange(c.year, c.month)[1]
        frac = (c.month - 1 + c.day / month_len) / 12
        return max(0.0, c.year - baseline_year - 1 + frac)

    @property
    def time_progress(self) -> float:
        """时间进度 as a percentage (0–100)."""
        return self.time_progress_between(self.baseline_year, self.target_year)

    def time_progress_between(self, baseline_year: int, target_year: int) -> float:
        """时间进度 of an indicator with its own years (2019 → 2024 at the end of 2023: 80%),
        never above 100."""
        span = target_year - baseline_year
        if span <= 0:
            return 0.0
        return round(min(100.0, 100.0 * self.elapsed_since(baseline_year) / span), 4)


@dataclass(frozen=True)
class Plan:
    info: PlanInfo
    indicators: tuple[Indicator, ...] = ()
    items: tuple[DataItem, ...] = ()
    units: tuple[Unit, ...] = ()
    tasks: tuple[Task, ...] = ()
    rules: tuple[Rule, ...] = ()
    path: str = field(default="", compare=False)

    # an indicator's own years ------------------------------------------------
    def base_year(self, indicator: Indicator) -> int:
        return indicator.baseline_year or self.info.baseline_year

    def goal_year(self, indicator: Indicator) -> int:
        return indicator.target_year or self.info.target_year

    def years_of(self, indicator: Indicator) -> list[int]:
        """The years an indicator's progress is read from: after its own baseline year up to
        the cut-off year, and not past its own target year."""
        last = min(self.info.cutoff_year, self.goal_year(indicator))
        return list(range(self.base_year(indicator) + 1, last + 1))

    @property
    def form_years(self) -> list[int]:
        """The year columns of the return forms: from the earliest baseline year (the plan's,
        or an indicator's own, e.g. 2019) to the cut-off year."""
        first = min([self.info.baseline_year, *(i.baseline_year for i in self.indicators if i.baseline_year)])
        return list(range(first, self.info.cutoff_year + 1))

    def parts_of(self, indicator: Indicator) -> list[Indicator]:
        """The sub-indicators (分指标) of an indicator, in plan order."""
        return [i for i in self.indicators if i.parent == indicator.code]

    # lookups -------------------------------------------------------------
    def indicator(self, code: str) -> Indicator | None:
        return self._indicators.get(code)

    def item(self, code_or_name: str) -> DataItem | None:
        return self._items.get(code_or_name) or self._items_by_name.get(code_or_name)

    def unit(self, code_or_name: str) -> Unit | None:
        return self._units.get(code_or_name) or self._units_by_name.get(code_or_name)

    def unit_name(self, code: str) -> str:
        u = self.unit(code)
        return u.name if u else code

    @cached_property
    def _indicators(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def _items(self) -> dict[str, DataItem]:
        return {i.code: i for i in self.items}

    @cached_property
    def _items_by_name(self) -> dict[str, DataItem]:
        return {i.name: i for i in self.items}

    @cached_property
    def _units(self) -> dict[str, Unit]:
        return {u.code: u for u in self.units}

    @cached_property
    def _units_by_name(self) -> dict[str, Unit]:
        return {u.name: u for u in self.units}

    def formula_items(self, indicator: Indicator) -> list[DataItem]:
        """The data items a computed indicator's formula names, in formula order."""
        f = indicator.parsed_formula
        if f is None:
            return []
        return [it for it in (self.item(n) for n in f.names) if it is not None]

    def computed_from(self, item_code: str) -> list[Indicator]:
        """The computed indicators whose formula names the item, in plan order."""
        return list(self._computed_from.get(item_code, ()))

    @cached_property
    def _computed_from(self) -> dict[str, list[Indicator]]:
        out: dict[str, list[Indicator]] = {}
        for i in self.indicators:
            if i.computed:
                for code in dict.fromkeys(x.code for x in self.formula_items(i)):
                    out.setdefault(code, []).append(i)
        return out

    def reporting_units(self) -> list[Unit]:
        """Units that report at least one indicator, item or task, in definition order."""
        codes: set[str] = set()
        rows: tuple[Indicator | DataItem | Task, ...] = (*self.indicators, *self.items, *self.tasks)
        for x in rows:
            codes.update(x.reporters)
        for i in self.indicators:
            if i.aggregation is Aggregation.LEAD and i.lead_unit:
                codes.add(i.lead_unit)
        return [u for u in self.units if u.code in codes]

    def direct_indicators_for(self, unit_code: str) -> list[Indicator]:
        """Non-computed indicators that this unit types a value for."""
        return [i for i in self.indicators if not i.computed and unit_code in self.reporter_set(i)]

    def indicator_reporters(self, indicator: Indicator) -> tuple[str, ...]:
        # Asked per unit and per year during an evaluation: worked out once per indicator
        # (the cache is keyed by code and holds the indicator, so another object of the same
        # code is worked out afresh).
        cached = self._reporters.get(indicator.code)
        if cached is not None and cached[0] is indicator:
            return cached[1]
        if indicator.computed:
            codes = tuple(dict.fromkeys(c for it in self.formula_items(indicator) for c in it.reporters))
        elif indicator.aggregation is Aggregation.LEAD:
            codes = (indicator.lead_unit,) if indicator.lead_unit else indicator.reporters
        else:
            codes = indicator.reporters
        self._reporters[indicator.code] = (indicator, codes, frozenset(codes))
        return codes

    def reporter_set(self, x: Indicator | DataItem | Task) -> frozenset[str]:
        """The codes of the units that report ``x`` (an indicator's as :meth:`indicator_reporters`),
        for membership tests that do not scan the list."""
        if isinstance(x, Indicator):
            self.indicator_reporters(x)
            return self._reporters[x.code][2]
        cached = self._reporter_sets.get(id(x))
        if cached is None or cached[0] is not x:
            cached = self._reporter_sets[id(x)] = (x, frozenset(x.reporters))
        return cached[1]

    @cached_property
    def _reporters(self) -> dict[str, tuple[Indicator, tuple[str, ...], frozenset[str]]]:
        return {}

    @cached_property
    def _reporter_sets(self) -> dict[int, tuple[DataItem | Task, frozenset[str]]]:
        return {}

    def items_for(self, unit_code: str) -> list[DataItem]:
        return [it for it in self.items if unit_code in self.reporter_set(it)]

    def tasks_for(self, unit_code: str) -> list[Task]:
        return [t for t in self.tasks if unit_code in self.reporter_set(t) or t.lead_unit == unit_code]

    # fingerprints ---------------------------------------------------------
    def fingerprint(self) -> str:
        """SHA-256 over everything a return form is made from (hex, 16 chars)."""
        return self._fingerprint

    def fingerprint_parts(self) -> dict[str, str]:
        """One short hash per indicator, item and task code, plus the plan frame."""
        return dict(self._fingerprint_parts)

    # The plan is immutable, so its fingerprints are computed once (validation asks per return).
    @cached_property
    def _fingerprint_parts(self) -> dict[str, str]:
        parts = {"@plan": _digest(_plain(self.info, exclude={"note", "contact", "deadline"}))}
        rows: tuple[Indicator | DataItem | Task, ...] = (*self.indicators, *self.items, *self.tasks)
        for x in rows:
            parts[x.code] = _digest(_plain(x))
        return parts

    @cached_property
    def _fingerprint(self) -> str:
        return _digest(self._fingerprint_parts)


# Fields that do not shape a return form: how a milestone's due date is written, where the
# baseline comes from, which indicator a part belongs to. Changing them must not make the
# returns already collected outdated, so the fingerprint leaves them out.
_EVALUATION_ONLY = {"due", "baseline_source", "parent", "yoy_min_change"}
# Fields added after forms were first issued: left out while at their default, so a plan
# that does not use them keeps its fingerprint.
_OPTIONAL = {"baseline_year": None, "target_year": None, "plan_type": PlanType.PLAN, "round": ""}
# What a printed baseline/target contributes: its text decides everything else parsed from it.
_VALUE_KEYS = {"text", "value", "direction", "notation", "percent", "error"}


def _plain(obj: Any, exclude: set[str] | None = None) -> Any:
    d = as_plain(obj)  # asdict without its deep copies: a national plan's reporter lists are long
    d.pop("source", None)
    for k in (exclude or set()) | _EVALUATION_ONLY:
        d.pop(k, None)
    for k, default in _OPTIONAL.items():
        if k in d and d[k] == default:
            d.pop(k)
    for k in ("baseline", "target"):
        if isinstance(d.get(k), dict):
            d[k] = {key: v for key, v in d[k].items() if key in _VALUE_KEYS}
    return d


def _digest(obj: Any) -> str:
    data = json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]
