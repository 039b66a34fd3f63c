"""``reportkit collect``, ``status``, ``history`` and ``export``: the submission ledger."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from ..definitions.rounds import period_round_label
from ..findings import Severity
from ..ledger import (
    CollectResult,
    Outcome,
    StatusReport,
    SubmissionRecord,
    UnitHistory,
    project_status,
    unit_history,
)
from ._common import (
    console,
    err_console,
    get_project,
    json_option,
    line,
    print_findings,
    print_json,
    project_option,
    quiet_option,
    styled,
)

OUTCOME_STYLE = {Outcome.NEW: "green", Outcome.SUPERSEDED: "cyan", Outcome.ALREADY: "dim",
                 Outcome.OUTDATED: "yellow", Outcome.REJECTED: "red"}
STATE_STYLE = {"accepted": "green", "accepted-with-explanations": "green", "has-warnings": "yellow",
               "has-errors": "red", "rejected": "red"}
MAX_FINDINGS_SHOWN = 5


# collect ---------------------------------------------------------------------------------

@click.command("collect")
@click.argument("paths", nargs=-1, required=True, metavar="文件或文件夹...", type=click.Path(exists=True, path_type=Path))
@click.option("--received-at", "received_at", default=None, metavar="日期",
              help="接收时间（如 2024-01-15 或 2024-01-15T09:30；默认取文件的修改时间）。")
@project_option
@json_option
@quiet_option
def collect_cmd(paths: tuple[Path, ...], received_at: str | None, project_dir: Path | None,
                as_json: bool, quiet: bool) -> None:
    """审核并登记回收的填报表：原件按内容存档，同一文件不会重复登记。

    同一单位重新报送时，新表替换旧表用于汇总，旧表及其审核意见保留在报送历史中。
    每份需修改或说明的填报表列出前几条审核意见（单元格、问题；--quiet 只显示统计）。

    \b
    示例：
      reportkit collect inputs/returns/
      reportkit collect 鄂城区-2023年中期评估填报表.xlsx --received-at 2024-01-15
    退出码：0 无错误；1 有现用的填报表存在错误，或有文件无法受理；2 用法错误。
    """
    from ..ledger.collecting import collect_project  # the readers and checks load only for collect

    project = get_project(project_dir)
    columns = (TextColumn("登记填报表"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}", markup=False))
    with Progress(*columns, console=err_console, transient=True,
                  disable=as_json or not err_console.is_terminal) as progress:
        task = progress.add_task("", total=None)

        def advance(path: Path) -> None:
            progress.update(task, advance=1, description=Path(path).name)

        done = collect_project(project, paths, received_at=received_at, on_file=advance)
    if as_json:
        print_json(done.to_dict())
    else:
        if done.revalidated:
            console.print(f"规划定义有修改，已按新定义重新审核台账中的 {len(done.revalidated)} 份填报表。")
        _print_collect(done.results, quiet=quiet)
    sys.exit(1 if done.needs_attention else 0)


def _print_collect(results: list[CollectResult], *, quiet: bool = False) -> None:
    table = Table(title="填报表登记结果")
    for col in ("文件", "登记结果", "填报单位", "审核状态", "错误", "警告"):
        table.add_column(col, overflow="fold")
    for r in results:
        rec = r.record
        table.add_row(Path(r.path).name, styled(r.outcome.label, OUTCOME_STYLE[r.outcome]),
                      rec.unit_name or rec.unit or "—", _state_cell(rec),
                      str(rec.errors), str(rec.warnings))
    console.print(table)
    console.print(_collect_summary(results))
    if not quiet:
        for r in results:
            _print_problems(r)


def _state_cell(rec: SubmissionRecord) -> Text:
    if not rec.current:
        return styled(f"{rec.state_label}（已被替换）", "dim")
    return styled(rec.state_label, STATE_STYLE.get(rec.state))


def _collect_summary(results: list[CollectResult]) -> str:
    counts = Counter(r.outcome for r in results)
    parts = [f"{o.label.split('（')[0]} {counts[o]}" for o in Outcome if counts[o]]
    return f"共 {len(results)} 个文件：{'，'.join(parts)}。"


def _print_problems(result: CollectResult) -> None:
    if not result.record.current:  # replaced by a later return: its problems are history
        return
    findings = result.record.findings
    errors = [f for f in findings if f.severity is Severity.ERROR]
    unexplained = [f for f in findings if f.severity is Severity.WARNING and not f.explained]
    unit = result.record.unit_name or result.record.unit
    name = Path(result.path).name + (f"（{unit}）" if unit else " ")
    more = "，运行 reportkit validate 查看全部审核意见"
    if errors:
        print_findings(line((name, "red"), f"有 {len(errors)} 处错误，需退回修改："), errors,
                       limit=MAX_FINDINGS_SHOWN, more=more)
    if unexplained:
        print_findings(line((name, "yellow"), f"有 {len(unexplained)} 处需核实，请填报单位在“说明”栏说明："),
                       unexplained, limit=MAX_FINDINGS_SHOWN, more=more)


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ") if iso else "—"


# status ----------------------------------------------------------------------------------

@click.command("status")
@project_option
@json_option
def status_cmd(project_dir: Path | None, as_json: bool) -> None:
    """查看本期各填报单位的报送情况：是否报送、报送时间、审核状态、报送次数、是否逾期。

    \b
    示例：
      reportkit status
      reportkit status --json
    """
    report = project_status(get_project(project_dir))
    if as_json:
        print_json(report.to_dict())
        return
    _print_status(report)


def _print_status(report: StatusReport) -> None:
    deadline = f"，截止日期 {report.deadline}" if report.deadline else ""
    table = Table(title=f"{report.plan_name} 报送情况（{period_round_label(report.period)}{deadline}）")
    for col in ("单位", "是否报送", "报送时间", "状态", "报送次数", "按时/逾期"):
        table.add_column(col, overflow="fold")
    for u in [*report.units, *report.others]:
        name = u.name if u.in_plan else f"{u.name}（非本规划填报单位）"
        table.add_row(name, "是" if u.reported else styled("否", "red"),
                      _when(u.first_received),
                      styled(u.state_label, STATE_STYLE.get(u.state)),
                      str(u.submissions), u.timeliness_label)
    console.print(table)
    console.print(report.summary)


# history ---------------------------------------------------------------------------------

@click.command("history")
@click.argument("unit", metavar="单位")
@project_option
@json_option
def history_cmd(unit: str, project_dir: Path | None, as_json: bool) -> None:
    """查看一个填报单位（编码或名称）的全部报送记录，含被替换的旧版本及其审核意见。

    \b
    示例：
      reportkit history echeng
      reportkit history 鄂城区 --json
    """
    history = unit_history(get_project(project_dir), unit)
    if as_json:
        print_json(history.to_dict())
        return
    _print_history(history)


def _print_history(history: UnitHistory) -> None:
    name, records = history.name, history.submissions
    if not records:
        console.print(f"{name} 尚未报送。")
        return
    table = Table(title=f"{name} 报送记录")
    for col in ("序号", "接收时间", "文件", "期别", "审核状态", "错误", "警告", "用于汇总", "文件指纹"):
        table.add_column(col, overflow="fold")
    for i, r in enumerate(records, start=1):
        current = ("现用版本" if r.current else "其他期次，不用" if r.other_period
                   else f"已被 {r.superseded_by[:8] if r.superseded_by else ''} 替换")
        table.add_row(str(i), _when(r.received_at), r.file_name, period_round_label(r.period) if r.period else "—",
                      styled(r.state_label, STATE_STYLE.get(r.state)), str(r.errors), str(r.warnings),
                      current, r.sha256[:8])
    console.print(table)
    for i, r in enumerate(records, start=1):
        for f in r.findings:
            if f.severity is not Severity.INFO:
                console.print(f"  第 {i} 次 · {f.severity.label}：{f.message}", soft_wrap=True)


# export ----------------------------------------------------------------------------------

@click.command("export")
@click.argument("path", metavar="导出文件", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all", "everything", is_flag=True, help="导出全部报送版本（含被替换和有错误的），并注明状态。")
@project_option
def export_cmd(path: Path, everything: bool, project_dir: Path | None) -> None:
    """把台账中的填报数值导出为 CSV 或 Excel（按扩展名 .csv / .xlsx）。

    默认导出各单位用于汇总的版本（最新一次无错误的报送）。

    \b
    示例：
      reportkit export outputs/台账数据.xlsx
      reportkit export 全部报送.csv --all
    """
    from ..ledger.export import export_project

    rows = export_project(get_project(project_dir), path, everything=everything)
    console.print(f"已导出 {rows} 条数值到 {path}。")


COMMANDS = [collect_cmd, status_cmd, history_cmd, export_cmd]
