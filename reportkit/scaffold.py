"""``reportkit init``: create a new project directory, or copy a bundled example.

Never overwrites an existing file: files that already exist are skipped and reported.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .definitions.loader import load_plan
from .definitions.model import Plan
from .definitions.writer import write_plan_workbook
from .errors import PlanError, UsageError
from .project import Project

DATA = resources.files("reportkit") / "data"


def example_names() -> list[str]:
    root = DATA / "examples"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "plan.yaml").is_file())


def example_plan_path(name: str) -> Path:
    p = Path(str(DATA / "examples" / name / "plan.yaml"))
    if not p.is_file():
        raise UsageError(f"没有名为“{name}”的示例。可用示例：{'、'.join(example_names())}")
    return p


@dataclass
class InitResult:
    root: Path
    created: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)  # earlier rounds collected into the ledger

    def to_dict(self) -> dict[str, object]:
        return {"root": str(self.root), "created": [str(p) for p in self.created],
                "skipped": [str(p) for p in self.skipped], "earlier_rounds": self.rounds}


def init_project(root: str | Path, example: str | None = None) -> InitResult:
    root = Path(root).resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} 已存在且不是目录")
    result = InitResult(root)
    for d in ("inputs/returns", "templates", "outputs"):
        (root / d).mkdir(parents=True, exist_ok=True)
    plan_target = root / "inputs" / "plan.xlsx"
    if plan_target.exists() or (root / "inputs" / "plan.yaml").exists():
        result.skipped.append(plan_target)
    elif example:
        write_plan_workbook(load_plan(example_plan_path(example)), plan_target)
        result.created.append(plan_target)
    else:
        write_plan_workbook(None, plan_target, example_rows=True)
        result.created.append(plan_target)
    if example:
        _copy_tree(DATA / "examples" / example / "returns", root / "inputs" / "returns", result)
    plan = _project_plan(root)
    _copy_template(plan, root / "templates", result)
    if example and plan is not None:
        _earlier_rounds(DATA / "examples" / example / "earlier", root, plan, result)
    return result


def _project_plan(root: Path) -> Plan | None:
    """The project's plan as it stands (None while it does not load: the default template then)."""
    project = Project(root)
    try:
        return load_plan(project.plan_path)
    except (PlanError, OSError):
        return None


def _copy_template(plan: Plan | None, dest: Path, result: InitResult) -> None:
    """The default Word template for the kind of document the plan's round needs."""
    from .rendering.kinds import template_name
    from .rendering.make_template import TEMPLATE_NAME

    name = template_name(plan.info) if plan is not None else TEMPLATE_NAME
    _copy_file(DATA / "templates" / name, dest / name, result)


def _earlier_rounds(src: resources.abc.Traversable, root: Path, plan: Plan, result: InitResult) -> None:
    """An example's earlier rounds: their returns under ``inputs/earlier/<round>/``, collected
    into the ledger as that round collected them, so the current round has one to compare with."""
    if not src.is_dir():
        return
    from .definitions.rounds import plan_for_round
    from .ledger import Ledger
    from .ledger.rounds import record_round

    project = Project(root)
    for entry in sorted(src.iterdir(), key=lambda e: e.name):
        if not entry.is_dir():
            continue
        dest = root / "inputs" / "earlier" / entry.name
        dest.mkdir(parents=True, exist_ok=True)
        _copy_tree(entry, dest, result)
        then = plan_for_round(plan, entry.name)
        with Ledger.for_project(project) as ledger:
            ledger.collect_dir(then, dest)
            record_round(ledger, then)
        result.rounds.append(then.info.period_label)


def _copy_tree(src: resources.abc.Traversable, dest: Path, result: InitResult) -> None:
    if not src.is_dir():
        return
    for entry in src.iterdir():
        if not entry.is_file() or entry.name.startswith((".", "__")):
            continue
        _copy_file(entry, dest / entry.name, result)


def _copy_file(entry: resources.abc.Traversable, target: Path, result: InitResult) -> None:
    """Copy one packaged file; an existing file is kept and reported as skipped."""
    if target.exists():
        result.skipped.append(target)
        return
    with entry.open("rb") as fsrc, open(target, "xb") as fdst:
        shutil.copyfileobj(fsrc, fdst)
    result.created.append(target)
