"""A reportkit project directory: where the plan, returns, templates and outputs live.

Layout (``reportkit init`` creates it; the repository root is itself the 鄂州 example)::

    inputs/plan.xlsx      plan definitions (or inputs/plan.yaml)
    inputs/returns/       filled returns as received
    templates/            Word report template(s)
    outputs/              everything a run writes
    .reportkit/           the submission ledger and stored originals
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

PLAN_NAMES = ("plan.xlsx", "plan.yaml", "plan.yml")


@dataclass(frozen=True)
class Project:
    root: Path

    def __post_init__(self) -> None:
        # ``Project("项目目录")`` works as well as ``Project(Path(...))``.
        object.__setattr__(self, "root", Path(self.root))

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    @property
    def returns_dir(self) -> Path:
        return self.inputs / "returns"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def state_dir(self) -> Path:
        return self.root / ".reportkit"

    @property
    def ledger_path(self) -> Path:
        return self.state_dir / "ledger.db"

    @property
    def plan_path(self) -> Path:
        for name in PLAN_NAMES:
            p = self.inputs / name
            if p.exists():
                return p
        raise UsageError(
            f"在 {self.inputs} 中找不到规划定义文件（{' / '.join(PLAN_NAMES)}）。"
            "请在项目目录中运行，或用 --project 指定项目目录，或先运行 reportkit init 创建项目。"
        )


    def check_output(self, path: Path, what: str = "输出") -> Path:
        """``path`` resolved, refused when writing there could overwrite or pollute an input:
        anything inside ``inputs/`` (the plan and the returns as received) or ``.reportkit/``
        (the ledger and the stored originals)."""
        target = Path(path).resolve()
        for protected, label in ((self.inputs, "输入目录"), (self.state_dir, "台账目录")):
            root = protected.resolve()
            if target == root or root in target.parents:
                raise UsageError(f"{what}位置 {path} 在{label} {protected} 内；为避免覆盖或混入输入文件，请换一个位置"
                                 "（例如 outputs/ 下）。")
        return target


def find_project(start: Path | None = None) -> Project:
    """The nearest directory at or above ``start`` that has inputs/plan.*; else ``start`` itself."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if any((d / "inputs" / n).exists() for n in PLAN_NAMES):
            return Project(d)
    return Project(here)
