"""``reportkit init``: create a new project directory, or copy a bundled example.

Never overwrites an existing file: files that already exist are skipped and reported.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .definitions.loader import load_plan
from .definitions.writer import write_plan_workbook
from .errors import UsageError

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

    def to_dict(self) -> dict[str, object]:
        return {"root": str(self.root), "created": [str(p) for p in self.created],
                "skipped": [str(p) for p in self.skipped]}


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
    _copy_tree(DATA / "templates", root / "templates", result)
    return result


def _copy_tree(src: resources.abc.Traversable, dest: Path, result: InitResult) -> None:
    if not src.is_dir():
        return
    for entry in src.iterdir():
        if not entry.is_file() or entry.name.startswith((".", "__")):
            continue
        target = dest / entry.name
        if target.exists():
            result.skipped.append(target)
            continue
        with entry.open("rb") as fsrc, open(target, "xb") as fdst:
            shutil.copyfileobj(fsrc, fdst)
        result.created.append(target)
