"""Make the bundled example returns: generated forms filled as the units would fill them.

    python -m reportkit.data.examples.make_returns                 # both examples
    python -m reportkit.data.examples.make_returns ezhou --out inputs/returns

For 2021 to the cut-off year, every reporting unit but one (which has not reported yet)
fills its form with plausible figures moving from the baseline towards the target, and
its own 2020 (baseline-year) values: the districts' shares of a summed indicator add up to
the plan's baseline, and the items of a rate give the plan's baseline rate when summed
(a unit that alone reports a figure finds its 2020 value pre-filled from the plan). So
that the example shows the whole validation flow, one return has a year-on-year jump
explained in its 说明 cell (accepted), one has an unexplained jump (待说明), one breaks a
cross-item rule (合格批次 > 抽检批次: an error), and one department marks a figure as not
yet available ("—" with a 说明). Values are deterministic (seeded by unit and code).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from reportkit.definitions.loader import load_plan
from reportkit.definitions.model import Aggregation, DataItem, Indicator, Kind, Plan, UnitType
from reportkit.definitions.writer import write_plan_workbook
from reportkit.evaluation.rollup import compute
from reportkit.forms import layout as L
from reportkit.forms.writer import form_filename, write_form
from reportkit.ledger.receipts import RECEIPT_LOG

HERE = Path(__file__).resolve().parent
EXAMPLES = ("ezhou", "dinghu")
# 鄂州: every district reports and a task-only department has not, so the city figures are
# complete; the return with an error comes from the department that alone reports the drug
# sampling items. 鼎湖: a town has not reported, which shows partial roll-ups (n/m).
NOT_REPORTED = {"ezhou": "informatization", "dinghu": "lianhua"}
RULE_ERROR = {"ezhou": "drug"}
PROBLEMS = (
    "项目资金到位较晚，部分工作推进慢于计划。",
    "基层执法人员不足，专项检查覆盖面不够。",
    "跨部门数据共享机制尚未建立，信息归集进度滞后。",
    "相关配套政策尚未出台，试点工作暂缓推进。",
    "检验检测设备采购流程较长，能力建设未达预期。",
)
Values = dict[tuple[str, int], object]


def _number(value: object) -> float:
    """A generated figure (the tables hold numbers and the odd "—")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def _rand(*parts: object) -> float:
    """A deterministic number in [0, 1) from its parts."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class Scenario:
    explained: str = ""  # unit with a jump explained in 说明
    unexplained: str = ""  # unit with an unexplained jump
    rule_error: str = ""  # unit whose 合格批次 exceed 抽检批次
    no_data: str = ""  # department that marks the last year "—" with a 说明


def project_plan(example: str) -> Plan:
    """The plan as a project made with ``reportkit init --example`` loads it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_plan_workbook(load_plan(HERE / example / "plan.yaml"), Path(tmp) / "plan.xlsx")
        return load_plan(path)


def scenario(plan: Plan, skipped: str, rule_error: str = "") -> Scenario:
    units = [u for u in plan.reporting_units() if u.code != skipped]
    districts = [u.code for u in units if u.type is UnitType.DISTRICT and plan.items_for(u.code)]
    departments = [u.code for u in units if u.type is UnitType.DEPARTMENT and plan.direct_indicators_for(u.code)]
    return Scenario(explained=districts[1] if len(districts) > 1 else "",
                    unexplained=districts[2] if len(districts) > 2 else "",
                    rule_error=rule_error or (districts[-1] if len(districts) > 3 else ""),
                    no_data=departments[-1] if departments else "")


# figures ----------------------------------------------------------------------------

def indicator_series(plan: Plan, ind: Indicator, unit: str, share: float) -> dict[int, float]:
    """Baseline year to cut-off; the baseline-year value is the plan baseline times ``share``."""
    years = plan.info.form_years
    span = plan.info.target_year - plan.info.baseline_year
    pace = 0.85 + 0.35 * _rand(unit, ind.code, "pace")
    t = ind.target.value
    b = ind.baseline.value if ind.baseline.value is not None else (t or 10) * 0.6
    t = t if t is not None else b * 1.2
    if ind.kind is Kind.NEW:
        return {y: max(t, 1) / span * pace * share * (0.9 + 0.2 * _rand(unit, ind.code, y)) for y in years}
    if ind.kind is Kind.MILESTONE:
        return {y: 1.0 if y == years[-1] else 0.0 for y in years}
    # a share of a percentage is meaningless: every unit moves around the city rate
    scale = share if not ind.is_percent else 1.0
    return {y: _towards(b, t, (y - plan.info.baseline_year) / span * pace) * scale for y in years}


def _towards(b: float, t: float, fraction: float) -> float:
    """The value ``fraction`` of the way from ``b`` to ``t``: at a steady rate of change when
    both are positive (a small baseline does not jump in the first year), else linearly."""
    if b > 0 and t > 0:
        return b * (t / b) ** fraction
    return b + (t - b) * fraction


def item_base(item: DataItem, unit: str, city: bool) -> float:
    r = _rand(unit, item.code, "base")
    if item.upper is not None:  # stay well inside the plausible bounds the plan declares
        lower = item.lower or 0.0
        return lower + (item.upper - lower) * ((0.45 if city else 0.25) + 0.25 * r)
    if item.unit.strip() in {"人", "万人"}:
        base = (250_000 + 600_000 * r) * (4 if city else 1)
        return base / 10_000 if item.unit.strip() == "万人" else base
    if "批次" in item.unit:
        return (600 + 1500 * r) * (3 if city else 1)
    if item.unit.strip() in {"户", "家"}:
        return (2_000 + 8_000 * r) * (4 if city else 1)
    return 30 + 60 * r


def item_values(plan: Plan, unit: str) -> Values:
    """Items come in numerator/denominator pairs of a formula indicator: derive both."""
    out: Values = {}
    mine = {it.code for it in plan.items_for(unit)}
    city = plan.unit(unit) is not None and plan.unit(unit).type is UnitType.DEPARTMENT  # type: ignore[union-attr]
    for ind in plan.indicators:
        items = [it for it in plan.formula_items(ind) if it.code in mine]
        if not ind.computed or not items:
            continue
        rates = indicator_series(plan, ind, unit, 1.0)
        num, den = (items + items)[:2] if len(items) == 2 else (items[0], None)
        if den is None:
            continue
        grow = 1 + 0.03 * _rand(unit, den.code)
        k = ind.parsed_formula.evaluate({num.name: 1.0, den.name: 1.0}) if ind.parsed_formula else 1.0
        for i, y in enumerate(plan.info.form_years, start=-1):  # the baseline year: one step back
            d = item_base(den, unit, city) * grow**i
            n = rates[y] * d / (k or 1.0)
            out.setdefault((den.code, y), _round(d, den))
            out.setdefault((num.code, y), _round(min(n, d) if "合格" in num.name else n, num))
    return out


def _round(v: float, row: DataItem | Indicator) -> float:
    return float(round(v)) if row.integer else round(v, max(0, min(row.decimals, 4)))


def _weight(unit: str) -> float:
    return 0.6 + 0.8 * _rand(unit, "share")


def share_of(plan: Plan, ind: Indicator, unit: str) -> float:
    """A unit's share of a summed indicator: weights normalised over its reporters (so the
    shares add up to 1); other aggregations take every unit near the city level."""
    reporters = plan.indicator_reporters(ind)
    if ind.aggregation is not Aggregation.SUM or len(reporters) < 2:
        return 1.0
    return _weight(unit) / sum(_weight(u) for u in reporters)


def unit_values(plan: Plan, unit: str) -> Values:
    values: Values = {}
    for ind in plan.direct_indicators_for(unit):
        for y, v in indicator_series(plan, ind, unit, share_of(plan, ind, unit)).items():
            values[(ind.code, y)] = _round(v, ind)
    values.update(item_values(plan, unit))
    _fill_gaps(plan, unit, values)
    return values


def all_values(plan: Plan) -> dict[str, Values]:
    """Every reporting unit's figures (the one that does not report included, so that the
    baseline-year values add up over all the units that should report)."""
    by_unit = {u.code: unit_values(plan, u.code) for u in plan.reporting_units()}
    for ind in plan.indicators:
        if ind.baseline.value is None:
            continue
        if ind.computed:
            _match_rate(plan, ind, ind.baseline.value, by_unit)
        elif ind.aggregation is Aggregation.SUM and len(plan.indicator_reporters(ind)) > 1:
            _fix_total(by_unit, plan.indicator_reporters(ind), ind, ind.baseline.value, plan.info.baseline_year)
    return by_unit


def _fix_total(by_unit: dict[str, Values], units: tuple[str, ...], row: Indicator | DataItem,
               total: float, year: int) -> None:
    """Make the units' ``year`` values add up to ``total`` exactly at the row's precision:
    the last unit takes the rounding remainder."""
    others = sum(_number(by_unit[u][(row.code, year)]) for u in units[:-1])
    by_unit[units[-1]][(row.code, year)] = _round(total - others, row)


def _match_rate(plan: Plan, ind: Indicator, rate: float, by_unit: dict[str, Values]) -> None:
    """Scale the numerator item so that the summed baseline-year items give the plan's
    baseline rate (the numerator and denominator may be reported by different units)."""
    items = plan.formula_items(ind)
    if len(items) != 2:
        return
    num, den = items
    year = plan.info.baseline_year
    k = compute(plan, ind, {num.code: 1.0, den.code: 1.0}) or 1.0
    den_total = sum(_number(by_unit[u][(den.code, year)]) for u in den.reporters)
    num_now = sum(_number(by_unit[u][(num.code, year)]) for u in num.reporters)
    wanted = _round(rate * den_total / k, num)
    if not num_now or not wanted:
        return
    factor = float(wanted) / num_now
    for u in num.reporters:
        for (code, y), v in list(by_unit[u].items()):
            if code == num.code:
                by_unit[u][(code, y)] = _round(float(v) * factor, num)  # type: ignore[arg-type]
    _fix_total(by_unit, num.reporters, num, float(wanted), year)
    if "合格" in num.name:  # passed never exceeds tested
        for u in set(num.reporters) & set(den.reporters):
            for (code, y), v in list(by_unit[u].items()):
                if code == num.code:
                    by_unit[u][(code, y)] = min(_number(v), _number(by_unit[u][(den.code, y)]))


def _fill_gaps(plan: Plan, unit: str, values: Values) -> None:
    """Items not paired inside this unit's form (the other half is reported elsewhere)."""
    city = plan.unit(unit) is not None and plan.unit(unit).type is UnitType.DEPARTMENT  # type: ignore[union-attr]
    for item in plan.items_for(unit):
        base = item_base(item, unit, city)
        for i, y in enumerate(plan.info.form_years, start=-1):
            values.setdefault((item.code, y), _round(base * (1 + 0.04 * i), item))


# scenarios ----------------------------------------------------------------------------

def apply_scenario(plan: Plan, unit: str, values: Values, sc: Scenario) -> dict[str, str]:
    """Change ``values`` for this unit's role in the example; return 说明 texts by code."""
    years = plan.info.years
    notes: dict[str, str] = {}
    items = plan.items_for(unit)
    countable = [it.code for it in items if it.unit.strip() not in {"人", "万人"}]  # not population
    codes = countable or [it.code for it in items]
    first_item = codes[0] if codes else None
    if unit in (sc.explained, sc.unexplained) and first_item and len(years) >= 2:
        y = years[1] if unit == sc.explained else years[-1]
        values[(first_item, y)] = float(round(float(values[(first_item, y)]) * 1.6))  # type: ignore[arg-type]
        if unit == sc.explained:
            notes[first_item] = f"{y}年开展专项行动，数量集中增加，已与业务台账核对无误。"
            for later in years[2:]:
                values[(first_item, later)] = float(round(values[(first_item, y)] * 1.03))  # type: ignore[operator]
    if unit == sc.rule_error:
        _break_rule(plan, unit, values)
    if unit == sc.no_data:
        code = plan.direct_indicators_for(unit)[0].code
        values[(code, years[-1])] = "—"
        notes[code] = f"{years[-1]}年数据需待省级主管部门年报发布后确认，暂无法填报。"
    return notes


def _break_rule(plan: Plan, unit: str, values: Values) -> None:
    """The typical mistake: passed batches typed larger than tested batches (columns swapped)."""
    year = plan.info.years[-1]
    for rule in plan.rules:
        left, right = plan.item(rule.left), plan.item(rule.right)
        if left and right and (left.code, year) in values and (right.code, year) in values:
            values[(left.code, year)], values[(right.code, year)] = _number(values[(right.code, year)]) + 12, \
                values[(left.code, year)]
            return


# filling --------------------------------------------------------------------------

def _header(ws: Worksheet, key: str) -> tuple[int, dict[str, int]]:
    for r in range(1, 40):
        cells = {str(c.value).split("\n")[0]: c.column for c in ws[r] if c.value is not None}
        if key in cells:
            return r, cells
    raise LookupError(key)


def _rows(ws: Worksheet, key: str) -> dict[str, int]:
    r0, cols = _header(ws, key)
    return {str(ws.cell(r, cols[key]).value): r for r in range(r0 + 1, ws.max_row + 1) if ws.cell(r, cols[key]).value}


def fill_form(form: Path, target: Path, plan: Plan, example: str, unit: str, values: Mapping[tuple[str, int], object],
              notes: Mapping[str, str]) -> None:
    wb = load_workbook(form)
    ws = wb[L.SHEET_INDICATORS]
    _, cols = _header(ws, L.CODE_HEADER)
    rows = _rows(ws, L.CODE_HEADER)
    for (code, year), v in values.items():
        if code in rows and L.year_header(year) in cols:
            cell = ws.cell(rows[code], cols[L.year_header(year)])
            if not cell.protection.locked:  # a pre-filled (locked) year is not typed again
                cell.value = v
    for code, r in rows.items():
        ws.cell(r, cols[L.SOURCE_HEADER]).value = "业务统计台账"
        if code in notes:
            ws.cell(r, cols[L.EXPLANATION_HEADER]).value = notes[code]
    _fill_tasks(wb[L.SHEET_TASKS], plan, unit)
    _fill_narrative(wb[L.SHEET_NARRATIVE], example, unit, plan.unit_name(unit))
    wb.save(target)


PROGRESS = (
    "制定“{title}”年度工作方案，细化具体措施{n}项，已完成{k}项，其余按计划推进。",
    "建立工作台账和月调度机制，{year}年以来开展专项行动{n}次，阶段性目标基本完成。",
    "联合相关部门开展督导检查{n}轮，发现并整改问题{k}个，形成经验做法2项。",
    "按照规划要求推进“{title}”，相关工作已覆盖全部乡镇（街道），完成年度任务。",
    "完成年度目标任务的{p}%，相关制度文件已印发实施。",
)
NEXT_STEPS = (
    "按照规划时间节点倒排工期，确保{due}年前全面完成。",
    "加强部门协同和督导考核，推动各项措施落地见效。",
    "总结试点经验，在全辖区复制推广。",
    "争取专项资金支持，补齐能力短板。",
    "完善长效机制，巩固已取得的成效。",
)
ACHIEVEMENTS = (
    "{name}围绕规划确定的目标任务细化年度工作要点，重点任务总体按进度推进，市场主体活力持续增强。",
    "{name}深化“放管服”改革，企业开办实现一日办结，营商环境持续优化。",
    "{name}扎实开展食品安全专项整治，未发生区域性、系统性食品安全事件。",
    "{name}推进质量强市建设，新增地方标准和企业标准，质量基础设施服务能力明显提升。",
    "{name}加强知识产权保护，建立快速维权工作机制，高价值发明专利数量稳步增长。",
)
NARRATIVE_PROBLEMS = (
    "基层监管力量与监管任务不相匹配，专业技术人员不足。",
    "检验检测设备老化，部分项目需委托外地检测。",
    "部门间数据共享不充分，信用监管协同效果有待提升。",
    "新兴业态监管手段不足，网络交易监管存在短板。",
    "专项经费保障不足，部分项目推进受到影响。",
)
SUGGESTIONS = (
    "建议市级加大对基层执法装备和检验检测能力建设的经费支持。",
    "建议建立全市统一的市场监管数据共享平台。",
    "建议结合实际进度研究调整部分指标的年度目标。",
    "建议加强业务培训，提升基层执法人员专业能力。",
    "建议将规划重点任务纳入年度绩效考核。",
)
FILLERS = ("张明", "李娟", "王磊", "刘芳", "陈刚", "杨帆", "赵静", "黄伟")
LATE_UNIT = {"ezhou": "liangzihu", "dinghu": "shapu"}  # received after the deadline


def _pick(pool: tuple[str, ...], *parts: object) -> str:
    return pool[int(_rand(*parts) * len(pool))]


def _fill_tasks(ws: Worksheet, plan: Plan, unit: str) -> None:
    if not plan.tasks_for(unit):
        return
    _, cols = _header(ws, L.TASK_CODE_HEADER)
    for i, (code, r) in enumerate(_rows(ws, L.TASK_CODE_HEADER).items()):
        task = next((t for t in plan.tasks if t.code == code), None)
        title = task.title if task else code
        lagging = _rand(unit, code, "status") < 0.06
        status = "滞后" if lagging else ("已完成" if i % 4 == 3 else "按进度推进")
        n = 3 + int(_rand(unit, code, "n") * 9)
        fields = {"title": title, "n": n, "k": max(1, n - 2), "year": plan.info.baseline_year + 1,
                  "p": 60 + int(_rand(unit, code, "p") * 35), "due": (task.due_year if task else None)
                  or plan.info.target_year}
        texts = {"进展情况": _pick(PROGRESS, unit, code, "progress").format(**fields),
                 "完成状态": status,
                 "存在问题": _pick(PROBLEMS, unit, code, "problem") if lagging else "",
                 "下一步打算": _pick(NEXT_STEPS, unit, code, "next").format(**fields)}
        for header, text in texts.items():
            ws.cell(r, cols[header]).value = text or None


def filled_on(example: str, unit: str) -> dt.date:
    """The day a unit filled its form: before the deadline, except the one late unit."""
    if unit == LATE_UNIT.get(example):
        return dt.date(2024, 1, 23)
    return dt.date(2024, 1, 8) + dt.timedelta(days=int(_rand(unit, "filled") * 11))


def _fill_narrative(ws: Worksheet, example: str, unit: str, name: str) -> None:
    texts = {"主要成效": _pick(ACHIEVEMENTS, unit, "achievements").format(name=name),
             "存在问题": _pick(NARRATIVE_PROBLEMS, unit, "problems"),
             "意见建议": _pick(SUGGESTIONS, unit, "suggestions"),
             "填报人": _pick(FILLERS, unit, "filler"),
             "联系电话": f"0711-33{int(_rand(unit, 'phone') * 100000):05d}",
             "填报日期": filled_on(example, unit).isoformat()}
    for r in range(1, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if label in texts:
            ws.cell(r, 2).value = texts[label]


def write_receipt_log(example: str, out_dir: Path, files: dict[str, Path]) -> Path:
    """收件记录.csv: the coordinator's log of when each return arrived (the day after it was
    filled, in office hours), so the example's on-time/late status does not depend on when
    the files were checked out."""
    lines = ["文件名,收到时间"]
    for unit, path in files.items():
        day = filled_on(example, unit) + dt.timedelta(days=1)
        hour = 9 + int(_rand(unit, "hour") * 8)
        lines.append(f"{path.name},{day.isoformat()} {hour:02d}:{int(_rand(unit, 'minute') * 60):02d}")
    log = out_dir / RECEIPT_LOG
    log.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return log


def make_returns(example: str, out_dir: Path) -> list[Path]:
    plan = project_plan(example)
    skipped = NOT_REPORTED.get(example, "")
    sc = scenario(plan, skipped, RULE_ERROR.get(example, ""))
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    by_unit = all_values(plan)
    with tempfile.TemporaryDirectory() as tmp:
        for unit in plan.reporting_units():
            if unit.code == skipped:
                continue
            form = write_form(plan, unit.code, Path(tmp) / f"{unit.code}.xlsx").path
            values = by_unit[unit.code]
            notes = apply_scenario(plan, unit.code, values, sc)
            target = out_dir / form_filename(plan, unit.code)
            fill_form(form, target, plan, example, unit.code, values, notes)
            written[unit.code] = target
    write_receipt_log(example, out_dir, written)
    return list(written.values())


def main() -> None:
    parser = argparse.ArgumentParser(description="生成内置示例的已填报表。")
    parser.add_argument("examples", nargs="*", default=list(EXAMPLES))
    parser.add_argument("--out", type=Path, default=None, help="输出目录（默认 examples/<示例>/returns）")
    args = parser.parse_args()
    for example in args.examples:
        files = make_returns(example, args.out or HERE / example / "returns")
        print(f"{example}: {len(files)} 份填报表 → {files[0].parent if files else '-'}")


if __name__ == "__main__":
    main()
