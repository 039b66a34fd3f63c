"""Shared CLI helpers: project option, JSON output, the console."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..findings import Finding, Severity
from ..project import Project, find_project
from ._wrap import Wrapped

# Markup is off: file names, unit names and cell texts are printed as they are (a cell holding
# "[/b]" must neither crash a command nor lose its brackets). Styled pieces are Text objects.
# Soft wrap: a long line of Chinese is wrapped by the terminal between characters, not by rich at
# the last space (which leaves "预警 0" at a line end and "项。" alone on the next); tables still fit the width.
console = Console(highlight=False, markup=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)


def styled(text: str, style: str | None = None) -> Text:
    """``text`` as literal text, in ``style`` when given."""
    return Text(text, style=style or "")


def line(*parts: str | tuple[str, str]) -> Text:
    """One printed line of literal pieces; a ``(text, style)`` pair is styled."""
    return Text.assemble(*parts)

SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def print_findings(title: Text | str, findings: list[Finding], *, limit: int | None = None,
                   more: str = "") -> None:
    """``title``, then one line per finding: its kind, where in the file (sheet!cell) and the message,
    the message folded under itself at any width. ``limit``: show that many, then say how many more
    (``more`` tells where to see them)."""
    console.print(title)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    shown = findings if limit is None else findings[:limit]
    for f in shown:
        kind = "已说明" if f.explained else f.severity.label
        text = f.message + (f"（说明：{f.explanation}）" if f.explained and f.explanation else "")
        grid.add_row(styled(kind, "green" if f.explained else SEVERITY_STYLE[f.severity]),
                     f.location.place() or "整表", Wrapped(text))
    console.print(Padding(grid, (0, 0, 0, 2)))
    if len(findings) > len(shown):
        console.print(f"  ……另有 {len(findings) - len(shown)} 处{more}。")


project_option = click.option(
    "--project", "-p", "project_dir", metavar="目录", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="项目目录（默认：当前目录或其上级中含 inputs/plan.xlsx 的目录）。",
)
json_option = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果（供程序读取）。")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="只显示统计，不逐条列出审核意见。")


def get_project(project_dir: Path | None) -> Project:
    return Project(project_dir.resolve()) if project_dir else find_project()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
