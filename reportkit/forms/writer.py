"""Write the Excel return forms: one workbook per reporting unit and evaluation period.

Each form is written to a temporary file beside its destination and moved into place,
so a failed run never leaves a half-written form and never touches an input file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..definitions.model import Plan, Task
from ..errors import UsageError
from ..fileio import safe_file_name, write_via_temp
from ..sheettext import new_xlsx
from .layout import year_header
from .meta import PlanIdentity, form_metadata, period_of, set_document_properties, write_meta_sheet
from .rows import FormRow, form_rows
from .sheet_indicators import IndicatorSheet, write_indicator_sheet
from .sheet_instructions import Instructions, write_instruction_sheet
from .sheet_narrative import write_narrative_sheet
from .sheet_tasks import TaskSheet, write_task_sheet
from .styles import FONT, FONT_SIZE, make_styles

Prefilled = Mapping[tuple[str, int], float]

_WORKBOOK_OPTIONS: dict[str, Any] = {  # plan text stays text: see new_xlsx
    "in_memory": True,  # no scratch files: faster, and nothing left behind in the temp dir
    "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
}


@dataclass(frozen=True)
class FormInfo:
    """One written form: where it is, whose it is, and what it asks for."""

    path: Path
    unit: str  # unit code
    unit_name: str
    rows: tuple[str, ...]  # indicator/item codes in form order
    years: tuple[int, ...]
    tasks: int = 0
    period: str = ""
    fingerprint: str = ""
    prefilled: int = 0  # pre-filled (locked) year values

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "unit": self.unit, "unit_name": self.unit_name,
                "rows": list(self.rows), "years": list(self.years), "tasks": self.tasks,
                "period": self.period, "fingerprint": self.fingerprint, "prefilled": self.prefilled}


def form_filename(plan: Plan, unit_code: str) -> str:
    """``鄂城区-2023年中期评估填报表.xlsx``: a name a coordinator can mail as it is."""
    return safe_file_name(f"{plan.unit_name(unit_code)}-{plan.info.period_label}填报表", ".xlsx")


def write_form(plan: Plan, unit_code: str, path: str | os.PathLike[str], *,
               prefilled: Prefilled | None = None, identity: PlanIdentity | None = None) -> FormInfo:
    """Write the return form of one unit to ``path`` (atomically) and describe it.

    ``identity`` is the plan's fingerprint, passed in when writing many forms of one plan.
    """
    unit = plan.unit(unit_code)
    if unit is None:
        raise UsageError(f"规划定义中没有编码为“{unit_code}”的填报单位。")
    target = Path(path)
    _refuse_input(plan, target)
    rows = form_rows(plan, unit.code)
    codes = {r.code for r in rows}
    known = {**{k: v for k, v in (prefilled or {}).items() if k[0] in codes and k[1] in plan.form_years},
             **plan_baselines(plan, rows)}
    tasks = plan.tasks_for(unit.code)
    meta = form_metadata(plan, unit.code, rows, known, identity)
    write_via_temp(target, lambda tmp: _build(plan, unit.code, unit.name, str(tmp), rows, tasks, known, meta))
    return FormInfo(path=target, unit=unit.code, unit_name=unit.name, rows=tuple(r.code for r in rows),
                    years=tuple(plan.form_years), tasks=len(tasks), period=meta["period"],
                    fingerprint=meta["fingerprint"], prefilled=len(known))


def write_forms(plan: Plan, out_dir: str | os.PathLike[str], *, units: Iterable[str] | None = None,
                prefilled_by_unit: Mapping[str, Prefilled] | None = None,
                progress: Callable[[FormInfo], None] | None = None) -> list[FormInfo]:
    """Write the forms of ``units`` (default: every unit that reports something) into ``out_dir``."""
    codes = unit_codes(plan, units)
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[FormInfo] = []
    used: set[str] = set()
    identity = PlanIdentity.of(plan)
    for code in codes:
        name = form_filename(plan, code)
        if name in used:  # two units with one name: keep both forms
            name = safe_file_name(f"{name.removesuffix('.xlsx')}（{code}）", ".xlsx")
        used.add(name)
        info = write_form(plan, code, directory / name, prefilled=(prefilled_by_unit or {}).get(code),
                          identity=identity)
        written.append(info)
        if progress is not None:
            progress(info)
    return written


def plan_baselines(plan: Plan, rows: Iterable[FormRow]) -> dict[tuple[str, int], float]:
    """Baseline-year cells pre-filled from the plan: the rows whose plan baseline is the
    unit's own value. They win over a ledger value: the plan is what progress is judged from."""
    out: dict[tuple[str, int], float] = {}
    for r in rows:
        ind = plan.indicator(r.code)
        if r.own_baseline is not None and ind is not None:
            out[(r.code, plan.base_year(ind))] = r.own_baseline
    return out


def unit_codes(plan: Plan, units: Iterable[str] | None) -> list[str]:
    if units is None:
        return [u.code for u in plan.reporting_units()]
    codes: list[str] = []
    for wanted in units:
        unit = plan.unit(wanted)
        if unit is None:
            known = "、".join(u.code for u in plan.units) or "（无）"
            raise UsageError(f"规划定义中没有填报单位“{wanted}”。已定义的单位编码：{known}")
        if unit.code not in codes:
            codes.append(unit.code)
    return codes


def _build(plan: Plan, code: str, name: str, path: str, rows: list[FormRow], tasks: list[Task],
           prefilled: Prefilled, meta: dict[str, str]) -> None:
    title = f"{plan.info.name}\n{name}{plan.info.period_label}填报表"
    short = f"{name}{plan.info.period_label}"
    wb = new_xlsx(path, **_WORKBOOK_OPTIONS)
    try:
        st = make_styles(wb)
        write_instruction_sheet(wb, st, plan, Instructions(code, name, title, tuple(rows), len(tasks)))
        write_indicator_sheet(wb, st, IndicatorSheet(
            code, name, f"{short}指标数据填报表", _indicator_subtitle(plan, name, bool(rows)),
            tuple(plan.form_years), tuple(rows), prefilled, plan.info.baseline_year))
        write_task_sheet(wb, st, plan, TaskSheet(name, f"{short}重点任务进展情况", tasks))
        write_narrative_sheet(wb, st, name, f"{short}总体情况")
        write_meta_sheet(wb, meta)
        set_document_properties(wb, plan, meta)
    finally:
        wb.close()


def _indicator_subtitle(plan: Plan, unit_name: str, has_rows: bool) -> str:
    deadline = plan.info.deadline
    when = f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else "见报送通知"
    if not has_rows:
        return f"填报单位：{unit_name}　　报送截止：{when}\n本单位本次无需填报指标数据，请填写“重点任务”和“总体情况”。"
    text = (f"填报单位：{unit_name}　　报送截止：{when}\n"
            "只在浅黄色单元格填写数字（不带单位）；无此数据填“—”并在“说明”栏注明原因；选中单元格可看到口径和填写提示。"
            f"“{year_header(plan.info.baseline_year)}”列为基期年，填本单位{plan.info.baseline_year}年的数值。")
    c = plan.info.cutoff
    if (c.month, c.day) != (12, 31):
        text += f"{c.year}年填截至{c.month}月{c.day}日的数据。"
    return text


def _refuse_input(plan: Plan, target: Path) -> None:
    if plan.path and target.resolve() == Path(plan.path).resolve():
        raise UsageError(f"不能把填报表写到规划定义文件 {target} 上。")


__all__ = ["FormInfo", "form_filename", "period_of", "unit_codes", "write_form", "write_forms"]
