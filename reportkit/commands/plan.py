"""``reportkit plan check`` and ``reportkit init``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from ..definitions.check import lint_plan, sort_findings
from ..findings import Finding, Severity, count_by_severity
from ..scaffold import example_names, init_project
from ._common import console, get_project, json_option, line, print_json, project_option, styled

SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@click.group("plan")
def plan_group() -> None:
    """规划定义相关命令。"""


@plan_group.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
@json_option
def plan_check(path: Path | None, project_dir: Path | None, as_json: bool) -> None:
    """检查规划定义（默认 inputs/plan.xlsx），一次列出全部问题及其单元格位置。

    \b
    示例：
      reportkit plan check
      reportkit plan check inputs/plan.xlsx --json
    退出码：0 无错误；1 有错误；2 用法错误。
    """
    target = path or get_project(project_dir).plan_path
    plan, findings = lint_plan(target)
    findings = sort_findings(findings)
    counts = count_by_severity(findings)
    if as_json:
        print_json({"plan": plan.info.name, "path": str(target), "counts": counts,
                    "findings": [f.to_dict() for f in findings]})
    else:
        _print_findings(plan.info.name, target, findings, counts)
    sys.exit(1 if counts["error"] else 0)


def _print_findings(name: str, target: Path, findings: list[Finding], counts: dict[str, int]) -> None:
    console.print(line("规划：", (name, "bold"), f"（{target}）"))
    if not findings:
        console.print(styled("检查通过：未发现问题。", "green"))
        return
    table = Table(show_lines=False)
    for col in ("类别", "位置", "问题", "处理建议"):
        table.add_column(col, overflow="fold")
    for f in findings:
        style = SEVERITY_STYLE[f.severity]
        table.add_row(styled(f.severity.label, style), f.location.describe(), f.message, f.hint)
    console.print(table)
    console.print(f"共 {len(findings)} 个问题：错误 {counts['error']} 个，警告 {counts['warning']} 个，提示 {counts['info']} 个。")


@click.command("init", short_help="创建新项目，或复制内置示例（--example ezhou / dinghu）。")
@click.argument("directory", type=click.Path(file_okay=True, path_type=Path))
@click.option("--example", type=str, default=None, help="复制内置示例（如 ezhou、dinghu）。")
@json_option
def init_command(directory: Path, example: str | None, as_json: bool) -> None:
    """创建新的 reportkit 项目目录（规划定义工作簿、templates/、inputs/returns/、outputs/）。

    已存在的文件不会被覆盖。

    \b
    示例：
      reportkit init 我的规划
      reportkit init /tmp/x --example dinghu
    """
    if example is not None and example not in example_names():
        raise click.BadParameter(f"没有名为“{example}”的示例，可用：{'、'.join(example_names())}", param_hint="--example")
    result = init_project(directory, example)
    if as_json:
        print_json(result.to_dict())
        return
    for p in result.created:
        console.print(line(("已创建", "green"), f" {p.relative_to(result.root)}"))
    for p in result.skipped:
        console.print(line(("已存在，未覆盖", "yellow"), f" {p.relative_to(result.root)}"))
    console.print(f"项目目录：{result.root}\n下一步：编辑 inputs/plan.xlsx，然后运行 reportkit plan check")


COMMANDS = [plan_group, init_command]
