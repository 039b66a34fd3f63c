"""Plan definitions: the model, notation and formula parsing, loading, linting, writing."""

from .check import check_plan, lint_plan
from .loader import load_plan, load_plan_with_findings
from .model import Plan

__all__ = ["Plan", "check_plan", "lint_plan", "load_plan", "load_plan_with_findings"]
