"""Generate a project's return forms: check the plan, then write one form per unit."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..definitions.check import require_clean_plan
from ..definitions.model import Plan
from ..errors import PlanError
from ..findings import Finding, Severity
from ..ledger.ledger import prefill_by_unit
from ..project import Project
from .writer import FormInfo, Prefilled, unit_codes, write_forms


@dataclass
class FormsResult:
    plan_name: str
    out_dir: Path
    forms: list[FormInfo] = field(default_factory=list)
    seconds: float = 0.0
    warnings: int = 0  # plan warnings (forms are still written)

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_name, "out_dir": str(self.out_dir), "seconds": round(self.seconds, 3),
                "count": len(self.forms), "plan_warnings": self.warnings,
                "forms": [f.to_dict() for f in self.forms]}


def forms_dir(project: Project) -> Path:
    return project.outputs / "forms"


def load_checked_plan(plan_path: Path) -> tuple[Plan, list[Finding]]:
    """The plan, if it has no error findings; else PlanError listing them."""
    return require_clean_plan(plan_path, "不能生成填报表")


def resolve_units(plan: Plan, units: Sequence[str] | None) -> list[str]:
    codes = unit_codes(plan, units or None)
    if not codes:
        raise PlanError("规划定义中没有需要填报的单位：请在指标、数据项或任务中指定填报单位。")
    return codes


def check_out_dir(project: Project, out_dir: Path) -> Path:
    """Forms never go into inputs/: that is where the plan and the received returns live."""
    return project.check_output(out_dir, "填报表输出目录")


def earlier_values(project: Project, plan: Plan, codes: Sequence[str]) -> dict[str, Prefilled]:
    """Accepted values from the ledger for years before the cut-off year, to pre-fill.

    The cut-off year itself is never pre-filled: it is what this round of returns reports,
    and a unit must be able to correct it.
    """
    known = prefill_by_unit(project, plan, codes)
    return {unit: kept for unit, values in known.items()
            if (kept := {k: v for k, v in values.items() if k[1] < plan.info.cutoff_year})}


def generate_forms(plan: Plan, codes: Sequence[str], out_dir: Path,
                   progress: Callable[[FormInfo], None] | None = None, warnings: int = 0,
                   prefilled_by_unit: Mapping[str, Prefilled] | None = None) -> FormsResult:
    start = time.perf_counter()
    forms = write_forms(plan, out_dir, units=codes, progress=progress, prefilled_by_unit=prefilled_by_unit)
    return FormsResult(plan.info.name, out_dir, forms, time.perf_counter() - start, warnings)


def make_forms(project: Project, *, units: Sequence[str] | None = None, out_dir: Path | None = None,
               prefill: bool = True, progress: Callable[[FormInfo], None] | None = None) -> FormsResult:
    """Check the project's plan and write one form per reporting unit (``units`` narrows them) into
    ``out_dir`` (default ``outputs/forms/``), earlier accepted values pre-filled unless ``prefill`` is off."""
    plan, findings = load_checked_plan(project.plan_path)
    codes = resolve_units(plan, list(units or []))
    target = check_out_dir(project, out_dir or forms_dir(project))
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    prefilled = earlier_values(project, plan, codes) if prefill else {}
    return generate_forms(plan, codes, target, warnings=warnings, prefilled_by_unit=prefilled, progress=progress)
