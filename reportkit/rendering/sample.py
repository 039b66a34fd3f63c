"""A small, complete sample evaluation: every context key is filled and every list is non-empty.

Used to check custom templates (a trial render reaches every loop body) and to generate the
context reference ``docs/context.md``.
"""

from __future__ import annotations

import datetime as dt

from ..definitions.model import Aggregation, Attribute, Indicator, Kind, Plan, PlanInfo, Task, Unit, UnitType
from ..definitions.notation import Direction, PlanValue
from ..evaluation.types import (
    Evaluation,
    Explanation,
    IndicatorResult,
    ProgressMethod,
    Projection,
    ReportingCoverage,
    RollUp,
    Status,
    TaskResult,
    TaskSummary,
    UnitIndicatorResult,
    UnitTaskReport,
)
from ..findings import Finding, Location, Severity
from ..intake.types import Narrative, ReturnData, ReturnMeta, TaskReport
from .context import ReportInputs

UNITS = (Unit("A", "甲区"), Unit("B", "乙区"), Unit("J", "市市场监管局", UnitType.DEPARTMENT))
TIME_PROGRESS = 60.0


def sample_plan() -> Plan:
    info = PlanInfo(id="sample", name="示例市市场监管“十四五”规划", region="示例市", issuer="示例市人民政府",
                    lead_agency="示例市市场监督管理局", cutoff=dt.date(2023, 12, 31))
    indicators = (
        Indicator("I1", "市场主体数量", "万户", "发展", PlanValue("12", 12.0), PlanValue("20", 20.0),
                  kind=Kind.CUMULATIVE, decimals=1, lead_unit="J", reporters=("A", "B")),
        Indicator("I2", "食品抽检合格率", "%", "安全", PlanValue("97", 97.0), PlanValue("≥98", 98.0, Direction.FLOOR),
                  Attribute.BINDING, Kind.RATE, 1, lead_unit="J", reporters=("A", "B"), aggregation=Aggregation.SUM),
        Indicator("I3", "特种设备万台死亡人数", "人", "安全", PlanValue("0.3", 0.3),
                  PlanValue("≤0.2", 0.2, Direction.CEILING), decimals=2, lead_unit="J", reporters=("J",),
                  aggregation=Aggregation.LEAD),
    )
    tasks = (Task("T1", "一、优化营商环境", "深化商事制度改革", lead_unit="J", reporters=("A", "B")),
             Task("T2", "二、守牢安全底线", "建设智慧监管平台", lead_unit="J", reporters=("J",), due_year=2024))
    return Plan(info, indicators, (), UNITS, tasks)


def _rollup(code: str, year: int, value: float, units: tuple[str, ...]) -> RollUp:
    return RollUp(code, year, value, "sum", covered=units, expected=units)


def _results(plan: Plan) -> tuple[IndicatorResult, ...]:
    i1, i2, i3 = plan.indicators
    proj = Projection("linear", "各年增量较稳定，按线性外推", 2025, 20.6, True, "预计2025年可达 20.6 万户，能够完成规划目标",
                      ((2021, 13.5), (2022, 15.0), (2023, 16.8)))
    r1 = IndicatorResult(
        i1, tuple(_rollup("I1", y, v, ("A", "B")) for y, v in ((2021, 13.5), (2022, 15.0), (2023, 16.8))),
        current=16.8, current_year=2023, baseline=12.0, target=20.0, progress=60.0, time_progress=TIME_PROGRESS,
        gap=0.0, status=Status.ON_TRACK, method=ProgressMethod.FLOOR, projection=proj,
        units=(UnitIndicatorResult("A", "甲区", ((2021, 8.0), (2022, 9.0), (2023, 10.0)), 10.0, 2023),
               UnitIndicatorResult("B", "乙区", ((2021, 5.5), (2022, 6.0), (2023, 6.8)), 6.8, 2023,
                                   status=Status.LAGGING)),
        explanations=(Explanation("B", "乙区", "I1", "受疫情影响，新设主体减少。"),))
    r2 = IndicatorResult(
        i2, (_rollup("I2", 2023, 96.5, ("A", "B")),), current=96.5, current_year=2023, baseline=97.0, target=98.0,
        progress=-50.0, time_progress=TIME_PROGRESS, gap=-110.0, status=Status.LAGGING,
        method=ProgressMethod.FLOOR,
        projection=Projection("linear", "数据年份较少，按线性外推", 2025, 96.0, False, "预计2025年为 96.0%，难以完成规划目标"),
        units=(UnitIndicatorResult("A", "甲区", ((2023, 96.5),), 96.5, 2023, status=Status.LAGGING),),
        explanations=(Explanation("A", "甲区", "I2", "抽检范围扩大到小作坊。"),))
    r3 = IndicatorResult(i3, (), time_progress=TIME_PROGRESS, status=Status.UNKNOWN, reason="牵头单位未报送数据")
    return r1, r2, r3


def _tasks(plan: Plan) -> TaskSummary:
    t1, t2 = plan.tasks
    rep = UnitTaskReport(TaskReport("A", "T1", "推行“一照通行”改革，新登记主体 2.1 万户。", "按进度推进"), "甲区", "甲区.xlsx")
    late = UnitTaskReport(TaskReport("J", "T2", "平台完成招标。", "滞后", "资金未到位。", "争取专项资金。"),
                          "市市场监管局", "市市场监管局.xlsx")
    results = (TaskResult(t1, (rep,), "按进度推进", ("B",)), TaskResult(t2, (late,), "滞后"))
    by_chapter = {"一、优化营商环境": {"按进度推进": 1}, "二、守牢安全底线": {"滞后": 1}}
    return TaskSummary(results, by_chapter, {"J": {"按进度推进": 1, "滞后": 1}}, {"按进度推进": 1, "滞后": 1})


def sample_evaluation(plan: Plan | None = None) -> Evaluation:
    plan = plan or sample_plan()
    cov = ReportingCoverage(("A", "B", "J"), ("A", "J"), ("B",), {"A": "甲区.xlsx", "J": "市市场监管局.xlsx"},
                            {u.code: u.name for u in UNITS})
    return Evaluation(plan.info, TIME_PROGRESS, 5.0, _results(plan), _tasks(plan), cov)


def _return(unit: str, name: str, errors: bool = False) -> ReturnData:
    meta = ReturnMeta("sample", "0" * 16, "1", unit, name, "2023-中期评估", (2021, 2022, 2023))
    finding = Finding("value.out-of-range" if errors else "value.yoy-jump",
                      Severity.ERROR if errors else Severity.WARNING, f"{name}的数值超出范围。",
                      Location(f"{name}.xlsx", "指标数据", "F7", unit, "I1", 2023), explained=not errors,
                      explanation="" if errors else "统计口径调整。")
    return ReturnData(f"{name}.xlsx", "0" * 64, meta, findings=[finding], received_at="2024-01-15T09:30:00",
                      narrative=Narrative(f"{name}主要成效。", f"{name}存在的问题。", f"{name}的建议。"))


def sample_inputs() -> ReportInputs:
    plan = sample_plan()
    good = [_return("A", "甲区"), _return("J", "市市场监管局")]
    bad = [_return("B", "乙区", errors=True)]
    findings = [f for r in (*good, *bad) for f in r.findings]
    return ReportInputs(plan, sample_evaluation(plan), good, bad, findings,
                        generated_at=dt.datetime(2024, 2, 1, 10, 0))
