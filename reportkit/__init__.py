"""reportkit: plan indicator return forms, validation, evaluation and mid-term reports.

The library API (see README, “作为 Python 库使用”)::

    import reportkit
    project = reportkit.Project("项目目录")
    evaluation = reportkit.evaluate(project)

Names are imported on first use, so ``import reportkit`` (and the command line) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Project": "reportkit.project",
    "Ledger": "reportkit.ledger",
    "load_plan": "reportkit.definitions.loader",
    "validate": "reportkit.api",
    "evaluate": "reportkit.api",
    "build": "reportkit.api",
    "write_forms": "reportkit.api",
    "collect": "reportkit.api",
}

__all__ = ["Ledger", "Project", "build", "collect", "evaluate", "load_plan", "validate", "write_forms"]

if TYPE_CHECKING:
    from .api import build, collect, evaluate, validate, write_forms
    from .definitions.loader import load_plan
    from .ledger import Ledger
    from .project import Project


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reportkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
