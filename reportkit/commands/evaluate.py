"""``reportkit evaluate``: indicator progress against the schedule, as a table or JSON."""

from __future__ import annotations

from pathlib import Path

import click
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from .. import formatting as fmt
from ..api import evaluate
from ..evaluation import Evaluation, IndicatorResult, Status
from ._common import console, err_console, get_project, json_option, line, print_json, project_option, styled
from ._wrap import Wrapped

STATUS_STYLE = {Status.ACHIEVED: "bold green", Status.AHEAD: "green", Status.ON_TRACK: "cyan",
                Status.LAGGING: "bold red", Status.UNKNOWN: "yellow",
                Status.NOT_DUE: "white", Status.MET: "bold green", Status.NOT_MET: "bold red"}


@click.command("evaluate")
@click.option("--tolerance", type=click.FloatRange(min=0, max=100), default=None, metavar="百分点",
              help="完成进度与时间进度相差多少个百分点以内算“基本符合预期”（默认取规划设定，通常为 5）。")
@project_option
@json_option
def evaluate_cmd(tolerance: float | None, project_dir: Path | None, as_json: bool) -> None:
    """评估各项指标的完成进度、时间进度、状态和预计完成情况。

    读取 inputs/returns/ 中的填报表，审核后采用无错误的填报表（同一单位取最新一份），
    按各指标的汇总规则汇总到全市，与时间进度比较并给出预计。

    \b
    示例：
      reportkit evaluate
      reportkit evaluate --json > 评估结果.json
      reportkit evaluate --tolerance 3
    """
    project = get_project(project_dir)
    with Progress(TextColumn("审核填报表"), BarColumn(), MofNCompleteColumn(), console=err_console,
                  transient=True, disable=as_json or not err_console.is_terminal) as bar:
        task = bar.add_task("", total=None)
        result = evaluate(project, tolerance=tolerance,
                          progress=lambda _stage, done, total: bar.update(task, completed=done, total=total))
    if as_json:
        print_json(result.to_dict())
        return
    print_evaluation(result)


def print_evaluation(result: Evaluation) -> None:
    info = result.info
    console.print(line((info.name, "bold"), f"  {info.period_label}  截至 {info.cutoff.isoformat()}  "
                       f"时间进度 {fmt.percent(result.time_progress)}（±{result.tolerance:g} 个百分点为基本符合预期）"))
    console.print(indicator_table(result))
    console.print(result.summary_text())
    for r in result.alerts:
        console.print(line(("预警", "bold red"), f"：约束性指标“{r.indicator.name}”滞后（{r.reason}）"))
    _print_coverage(result)
    _print_tasks(result)


def indicator_table(result: Evaluation) -> Table:
    # one space between columns (collapsed padding): nine columns fit in 80 terminal columns
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, collapse_padding=True,
                  show_edge=False)
    table.add_column("指标", ratio=1, min_width=8, overflow="fold")
    for header in ("基期值", "目标值", "当前值", "完成进度", "时间进度"):
        table.add_column(header, justify="right", overflow="fold")
    table.add_column("状态", min_width=8, overflow="fold")
    table.add_column("覆盖", justify="right", overflow="fold")
    table.add_column("预计", ratio=1, min_width=8, overflow="fold")

    for r in result.indicators:
        table.add_row(*indicator_row(r, result))
    return table


def indicator_row(r: IndicatorResult, result: Evaluation) -> list[str | Text | Wrapped]:
    ind = r.indicator
    current = fmt.indicator_value(ind, r.current)
    if r.current is not None and r.current_year != result.info.cutoff_year:
        current += f"（{r.current_year}）"
    coverage = styled(r.coverage if r.rollups else "—", "yellow" if r.partial else None)
    style = STATUS_STYLE[r.status]
    alert: list[str | tuple[str, str]] = [" ", ("预警", "bold red")] if r.alert else []
    status = line((r.status.value, style), *alert)
    return [
        Wrapped(f"{ind.code} {ind.label}"), ind.baseline.display(), ind.target.display(), current,
        fmt.percent(r.progress), fmt.percent(r.time_progress), status, coverage, _projection(r),
    ]


def _projection(r: IndicatorResult) -> str:
    p = r.projection
    if p is None or p.value is None:
        return "—"
    value = fmt.number(p.value, r.indicator.decimals if p.decimals is None else p.decimals)
    if p.will_meet is None:
        return value
    return f"{value}（{'可完成' if p.will_meet else '难完成'}）"


def _print_coverage(result: Evaluation) -> None:
    cov = result.coverage
    text = f"纳入评估的单位：{cov.label}"
    not_reported = [u for u in cov.missing if u not in result.rejected_units]
    if not_reported:
        text += "，未报送：" + "、".join(cov.unit_names.get(u, u) for u in not_reported)
    console.print(text)
    if result.rejected_files:
        names = "、".join(result.rejected_files)
        console.print(line(("以下填报表存在错误，未纳入评估：", "yellow"), f"{names}（请运行 reportkit validate 查看）"))


def _print_tasks(result: Evaluation) -> None:
    tasks = result.tasks
    if not tasks.results:
        return
    counts = "，".join(f"{k} {v} 项" for k, v in tasks.counts.items() if v)
    console.print(f"重点任务 {len(tasks.results)} 项：{counts}")
    for t in tasks.lagging:
        problems = "；".join(f"{u}：{p}" for u, p in t.problems) or "未说明原因"
        console.print(line("  ", (str(t.status), "red"), f" {t.task.code} {t.task.title}（{problems}）"))


COMMANDS = [evaluate_cmd]
