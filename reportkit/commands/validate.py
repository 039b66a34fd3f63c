"""``reportkit validate``: check returned forms and write feedback for the units."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import Progress
from rich.table import Table

from ..api import validate_into
from ..checks.report import ValidationOutputs
from ..checks.run import ValidationRun
from ..intake.types import STATE_LABELS
from ._common import (
    console,
    err_console,
    get_project,
    json_option,
    print_findings,
    print_json,
    project_option,
    quiet_option,
    styled,
)
from ._wrap import Wrapped


@click.command("validate")
@click.argument("paths", nargs=-1, metavar="[文件或文件夹]...", type=click.Path(exists=True, path_type=Path))
@project_option
@json_option
@click.option("--out", "out_dir", metavar="目录", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="审核结果输出目录（默认：项目的 outputs/validation）。")
@quiet_option
def validate_command(paths: tuple[Path, ...], project_dir: Path | None, as_json: bool, out_dir: Path | None,
                     quiet: bool) -> None:
    """审核回收的填报表（文件或文件夹，默认 inputs/returns），按表内标识识别单位。

    先按单位列出统计，再逐份列出审核意见（类别、单元格、问题；--quiet 只显示统计）。
    写出 审核结果.xlsx、审核结果.json，并为每份有问题的填报表生成带批注的
    “单位名称-审核意见.xlsx”（在 反馈/ 中），可直接发回填报单位。原文件不会被修改。

    \b
    示例：
      reportkit validate
      reportkit validate inputs/returns/鄂城区.xlsx --json
      reportkit validate 收到的表/ --out outputs/validation
    退出码：0 无强制性错误；1 有强制性错误；2 用法错误。
    """
    with Progress(console=err_console, transient=True, disable=as_json) as progress:
        task = progress.add_task("审核填报表", total=None)
        run, outputs = validate_into(get_project(project_dir), paths or None, out_dir=out_dir,
                                     progress=lambda _p, _d: progress.advance(task))
    if as_json:
        print_json(run.to_dict())
    else:
        _print_summary(run, outputs)
        if not quiet:
            _print_findings(run)
    sys.exit(1 if run.has_errors else 0)


def _print_summary(run: ValidationRun, outputs: ValidationOutputs) -> None:
    table = Table(title="填报表审核结果")
    table.add_column("单位", overflow="fold", ratio=1)
    for col in ("文件数", "强制性", "核实性", "已说明", "提示性"):
        table.add_column(col, overflow="fold", justify="right")
    table.add_column("结论", overflow="fold")
    for row in run.counts_by_unit().values():
        state = STATE_LABELS.get(row["state"], row["state"])
        style = "red" if row["error"] else ("yellow" if row["warning"] > row["accepted"] else "green")
        table.add_row(Wrapped(row["unit_name"] or row["unit"]), str(row["files"]), str(row["error"]), str(row["warning"]),
                      str(row["accepted"]), str(row["info"]), styled(state, style))
    console.print(table)
    missing = [run.units[code] for code in run.missing_units]
    if missing:
        # One line, not a row per unit: validating a single file must not bury its result.
        console.print(styled(f"未报送（{len(missing)} 个单位）：{'、'.join(missing)}", "dim"))
    totals = run.to_dict()["totals"]
    console.print(f"共审核 {len(run.returns)} 个文件：强制性 {totals['error']} 条，核实性 {totals['warning']} 条"
                  f"（已说明 {totals['accepted']} 条），提示性 {totals['info']} 条。")
    console.print(f"审核结果：{outputs.summary}")
    if outputs.feedback:
        console.print(f"反馈给单位的审核意见（{len(outputs.feedback)} 份）：{outputs.feedback[0].parent}")
    if run.has_errors:
        console.print(styled("存在强制性错误，请将审核意见发回相关单位修改后重新报送。", "red"))



def _print_findings(run: ValidationRun) -> None:
    """Each file's findings, errors first: what the clerk fixes, in which cell."""
    for r in run.active:
        if not r.findings:
            continue
        findings = sorted(r.findings, key=lambda f: f.severity.rank)  # stable: cell order within a kind
        unit = run.units.get(r.unit, "") if r.unit else "未识别单位"
        console.print()
        print_findings(styled(f"{unit or r.unit}（{Path(r.path).name}）", "bold"), findings)


COMMANDS = [validate_command]
