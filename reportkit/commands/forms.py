"""``reportkit forms``: write the Excel return forms of the reporting units."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..forms.run import FormsResult, make_forms
from ._common import console, err_console, get_project, json_option, print_json, project_option, styled
from ._wrap import Wrapped


@click.command("forms")
@project_option
@click.option("--unit", "-u", "units", multiple=True, metavar="单位",
              help="只生成指定单位的填报表（单位编码或名称，可重复）。默认：全部填报单位。")
@click.option("--out", "-o", "out_dir", metavar="目录", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认 outputs/forms/）。")
@click.option("--no-prefill", is_flag=True, help="不预填已回收的往年数据（默认预填并锁定）。")
@json_option
def forms_command(project_dir: Path | None, units: tuple[str, ...], out_dir: Path | None, no_prefill: bool,
                  as_json: bool) -> None:
    """生成各填报单位的 Excel 填报表（每个单位一个 .xlsx，可直接发送）。

    规划定义有错误时不生成（先运行 reportkit plan check）。已登记回收的往年数据预先填入并锁定
    （评估截止年份的数据不预填）。已有的同名填报表会被新表替换。

    \b
    示例：
      reportkit forms
      reportkit forms --unit D01 --unit 华容区
      reportkit forms --out 发送/第一批 --json
    退出码：0 成功；1 规划定义有错误；2 用法错误。
    """
    project = get_project(project_dir)
    with Progress(TextColumn("生成填报表"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}", markup=False), console=err_console, transient=True,
                  disable=as_json) as bar:
        task = bar.add_task("", total=None)
        result = make_forms(project, units=units, out_dir=out_dir, prefill=not no_prefill,
                            progress=lambda info: bar.update(task, advance=1, description=info.unit_name))
    if as_json:
        print_json(result.to_dict())
    else:
        _print_summary(result)


def _print_summary(result: FormsResult) -> None:
    table = Table(title=f"{result.plan_name} 填报表", title_justify="left")
    # every column folds: at 80 columns a long unit name takes more lines, never loses characters
    table.add_column("编码", overflow="fold")
    table.add_column("填报单位", overflow="fold", ratio=2)
    for head in ("指标/数据项", "重点任务", "预填"):
        table.add_column(head, justify="right", overflow="fold", min_width=4)
    table.add_column("文件", overflow="fold", ratio=3)
    for f in result.forms:
        table.add_row(f.unit, Wrapped(f.unit_name), str(len(f.rows)), str(f.tasks), str(f.prefilled),
                      Wrapped(f.path.name))
    console.print(table)
    console.print(f"共生成 {len(result.forms)} 份填报表，保存在 {result.out_dir}，用时 {result.seconds:.2f} 秒。")
    if result.warnings:
        console.print(styled(f"规划定义有 {result.warnings} 个警告，建议运行 reportkit plan check 查看。", "yellow"))


COMMANDS = [forms_command]
