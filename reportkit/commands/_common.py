"""Shared CLI helpers: project option, JSON output, the console."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from ..project import Project, find_project

# Markup is off: file names, unit names and cell texts are printed as they are (a cell holding
# "[/b]" must neither crash a command nor lose its brackets). Styled pieces are Text objects.
console = Console(highlight=False, markup=False)
err_console = Console(stderr=True, highlight=False, markup=False)


def styled(text: str, style: str | None = None) -> Text:
    """``text`` as literal text, in ``style`` when given."""
    return Text(text, style=style or "")


def line(*parts: str | tuple[str, str]) -> Text:
    """One printed line of literal pieces; a ``(text, style)`` pair is styled."""
    return Text.assemble(*parts)

project_option = click.option(
    "--project", "-p", "project_dir", metavar="目录", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="项目目录（默认：当前目录或其上级中含 inputs/plan.xlsx 的目录）。",
)
json_option = click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果（供程序读取）。")


def get_project(project_dir: Path | None) -> Project:
    return Project(project_dir.resolve()) if project_dir else find_project()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
