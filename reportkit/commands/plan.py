"""``reportkit plan check`` and ``reportkit init``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from ..definitions.check import PlanCheck, check_plan_file
from ..findings import Severity
from ._common import console, get_project, json_option, line, print_json, project_option, styled
from ._wrap import Wrapped

if TYPE_CHECKING:  # the importer and the project writer load openpyxl: only their own commands need them
    from ..definitions.importing import ImportResult

SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@click.group("plan")
def plan_group() -> None:
    """规划定义相关命令。"""


@plan_group.command("check")
@click.argument("path", required=False, metavar="[规划定义.xlsx]", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
    result = check_plan_file(path or get_project(project_dir).plan_path)
    if as_json:
        print_json(result.to_dict())
    else:
        _print_findings(result)
    sys.exit(1 if result.has_errors else 0)


@plan_group.command("import")
@click.argument("source", metavar="规划原文", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", metavar="文件", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写出的规划定义工作簿（默认 inputs/plan.xlsx；已存在的文件不会被覆盖）。")
@json_option
def plan_import(source: Path, out: Path | None, as_json: bool) -> None:
    """从已印发的规划原文（.docx、带文字的 .pdf、.html/.htm 网页或 .txt）导入规划定义工作簿。

    读取规划名称、印发机关、规划期、括号含义、主要指标表（类别、名称、单位、基期值、目标值、属性）
    和各章节的重点任务、专栏项目；导入的单元格都标黄并附批注（原文和位置），请逐项核对。
    规划没有载明的牵头单位、填报单位、汇总方式、计算公式和口径留空，编辑后运行 reportkit plan check。

    \b
    示例：
      reportkit plan import 规划.docx
      reportkit plan import 规划.pdf --out inputs/plan.xlsx
      reportkit plan import 规划.html --json
    退出码：0 已导入；1 无法导入（文件无法读取、没有可导入内容或输出文件已存在）。
    """
    from ..definitions.importing import import_plan

    result = import_plan(source, out or Path("inputs") / "plan.xlsx")
    if as_json:
        print_json(result.to_dict())
    else:
        _print_import(result)
    sys.exit(0 if result.ok else 1)


def _print_import(result: ImportResult) -> None:
    # Plan text goes out as literal text: a name or cell with [brackets] is not console markup.
    facts = result.facts
    if facts.name:
        console.print(line("规划：", (facts.name.value, "bold"), f"（{result.source.name}）"))
    for table in result.tables:
        console.print(styled(f"主要指标表：{table}"))
    if result.indicators or result.tasks:
        console.print(styled(f"导入指标 {len(result.indicators)} 项，候选重点任务 {len(result.tasks)} 项，"
                             f"正文中的目标表述 {len(result.targets)} 处。"))
    for f in result.findings:
        if f.code != "import.not-stated":
            where = f.location.describe()
            console.print(line((f.severity.label, SEVERITY_STYLE[f.severity]), f" {where}：{f.message}。{f.hint}"),
                          soft_wrap=True)
    missing = [f.message for f in result.findings if f.code == "import.not-stated"]
    if missing and result.out:
        console.print(styled("规划原文没有载明、需要补填：" + "；".join(
            m.removeprefix("规划原文没有载明").removesuffix("，已留空") for m in missing) + "。"), soft_wrap=True)
    if result.out:
        console.print(line(("已写出", "green"), f" {result.out}：黄色单元格为导入值，批注中有原文和位置，"
                           "请逐项核对（“导入核对”工作表列出全部导入内容）。\n"
                           f"下一步：补填后运行 reportkit plan check {result.out}"), soft_wrap=True)
    else:
        console.print(styled("未写出规划定义工作簿。", "red"))


def _print_findings(result: PlanCheck) -> None:
    target, findings, counts = result.path, result.findings, result.counts
    console.print(line("规划：", (result.plan.info.name, "bold"), f"（{target}）"))
    if not findings:
        console.print(styled("检查通过：未发现问题。", "green"))
        return
    table = Table(show_lines=True)  # a rule between findings: each folds over several lines at 80 columns
    table.add_column("类别", overflow="fold")
    table.add_column("位置", overflow="fold")
    table.add_column("问题", overflow="fold", ratio=3)
    table.add_column("处理建议", overflow="fold", ratio=2)
    for f in findings:
        style = SEVERITY_STYLE[f.severity]
        # every finding is in the plan named above: where in it, not the file name again
        where = f.location.place() if f.location.file == target.name else f.location.describe()
        table.add_row(styled(f.severity.label, style), where or "—", Wrapped(f.message), Wrapped(f.hint))
    console.print(table)
    console.print(f"共 {len(findings)} 个问题：错误 {counts['error']} 个，警告 {counts['warning']} 个，提示 {counts['info']} 个。")


@click.command("init", short_help="创建新项目，或复制内置示例（--example ezhou / dinghu / zhongshan）。")
@click.argument("directory", metavar="项目目录", type=click.Path(file_okay=True, path_type=Path))
@click.option("--example", type=str, metavar="示例", default=None, help="复制内置示例（ezhou、dinghu，或年度工作要点 zhongshan）。")
@json_option
def init_command(directory: Path, example: str | None, as_json: bool) -> None:
    """创建新的 reportkit 项目目录（规划定义工作簿、templates/、inputs/returns/、outputs/）。

    已存在的文件不会被覆盖。

    \b
    示例：
      reportkit init 我的规划
      reportkit init /tmp/x --example dinghu
    """
    from ..scaffold import example_names, init_project

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
    for label in result.rounds:
        console.print(line(("已登记", "green"), f" 上一轮（{label}）的填报表，见 inputs/earlier/"))
    # An example is ready to build; a new project's plan must be filled in first.
    step = "运行 reportkit build 生成评估报告" if example else "编辑 inputs/plan.xlsx，然后运行 reportkit plan check"
    console.print(f"项目目录：{result.root}\n下一步：{step}")


COMMANDS = [plan_group, init_command]
