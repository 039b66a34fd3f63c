"""``reportkit build``: validate, evaluate and write the report, the summary and the manifest."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import formatting as fmt
from ..findings import Severity
from ..rendering.build import BuildResult, build
from ._common import console, err_console, get_project, json_option, line, print_json, project_option, styled
from ._wrap import Wrapped

STATUS_STYLE = {"提前实现": "green", "快于预期": "cyan", "基本符合预期": "yellow", "滞后": "red", "无法评估": "dim"}


class _Bars:
    """One rich progress bar per build stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=max(total, 1))
        self.progress.update(self.tasks[stage], completed=done if total else 1, total=max(total, 1))


def _status_table(result: BuildResult) -> Table:
    ev = result.evaluation
    table = Table(title="主要指标评估结果", show_lines=False)
    table.add_column("指标", overflow="fold", ratio=2, min_width=8)
    for head in ("当前值", "完成进度", "时间进度"):
        table.add_column(head, overflow="fold", justify="right")
    table.add_column("状态", overflow="fold", min_width=12)  # 基本符合预期 on one line
    table.add_column("预计", overflow="fold", ratio=2, min_width=8)
    if ev is None:
        return table
    for r in ev.indicators:
        proj = r.projection.text if r.projection else ""
        cur = fmt.indicator_value(r.indicator, r.current)
        prog = fmt.percent(r.progress)
        style = STATUS_STYLE.get(r.status.value, "")
        table.add_row(Wrapped(f"{r.code} {r.indicator.label}"), cur, prog, fmt.percent(r.time_progress),
                      Wrapped(f"{r.status.value}{'（预警）' if r.alert else ''}", style), Wrapped(proj))
    return table


def _summary(result: BuildResult) -> None:
    # (imported with the build's evaluation, not before the returns are read)
    from ..evaluation.types import STATUS_ORDER

    ev = result.evaluation
    f = result.findings
    if ev is not None:
        counts = "、".join(f"{s.value} {ev.counts[s]} 项" for s in STATUS_ORDER if ev.counts[s])
        console.print(f"指标：{len(ev.indicators)} 项（{counts or '无'}）；预警 {len(ev.alerts)} 项。")
        missing = "、".join(ev.coverage.unit_names.get(u, u) for u in ev.coverage.missing)
        console.print(f"报送：{ev.coverage.label} 个单位纳入汇总" + (f"；未纳入：{missing}" if missing else "") + "。")
    sup = result.supervision
    if sup is not None:
        tally = "、".join(f"{k} {n} 项" for k, n in sup.counts.items() if n)
        compare = f"；上一轮为{sup.previous_label}" if sup.previous_label else "；没有可比较的上一轮"
        console.print(f"任务（{sup.round_label}督办台账）：{len(sup.rows)} 项（{tally}）{compare}。")
    if result.revalidated:
        console.print(f"规划定义有修改，已按新定义重新审核台账中的 {result.revalidated} 份填报表。")
    console.print(f"审核：强制性问题 {f['error']} 个，核实性问题 {f['warning']} 个（已说明 {f['accepted']} 个），"
                  f"提示 {f['info']} 个。")
    excluded = {id(r) for r in result.excluded}
    for r in result.run.active:
        if id(r) not in excluded and r.has_errors:  # unreadable, or not a return of this plan
            first = next(f for f in r.findings if f.severity is Severity.ERROR)
            console.print(line(("无法受理：", "yellow"), f"{Path(r.path).name}：{first.message}"))
    for r in result.excluded:
        who = result.plan.unit_name(r.unit) if r.unit else "未识别单位"
        console.print(line(("未纳入汇总：", "yellow"), f"{Path(r.path).name}（{who}）存在强制性审核问题，"
                           "请运行 reportkit validate 查看并退回修改。"))


@click.command("build")
@click.option("--strict", is_flag=True, help="任何填报表有强制性问题时不生成报告，退出码 1。")
@click.option("--dry-run", is_flag=True, help="只审核和评估，打印评估结果，不写任何文件。")
@click.option("--force", is_flag=True, help="即使自上次生成以来没有任何变化，也重新生成全部输出文件。")
@click.option("--template", "template", metavar="文件", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="使用指定的报告模板（默认：templates/中期评估报告模板.docx）。")
@project_option
@json_option
def build_cmd(strict: bool, dry_run: bool, force: bool, template: Path | None, project_dir: Path | None,
              as_json: bool) -> None:
    """审核 inputs/returns/ 中的填报表，评估指标进度，生成中期评估报告。

    \b
    写入 outputs/：
      《规划名称》中期评估报告.docx   Word 报告（可在 Word/WPS 中编辑）
      《规划名称》汇总表.xlsx         Excel 汇总表
      validation/审核结果.xlsx        审核问题清单
      manifest.json                   输入文件的哈希、版本、生成时间、未汇总的文件

    先把 inputs/returns/ 中新的填报表审核并登记到报送台账（.reportkit/，原件按内容存档），
    再按每个单位最新的无错误填报表汇总；同一文件不会重复登记。收到时间取自
    inputs/returns/收件记录.csv（如有），否则取文件的修改时间。

    有强制性问题的填报表不纳入汇总，并在报告附件中列出；报告仍会生成（退出码 0）。
    尚未收到任何单位的填报表时，报告仍会生成（文中注明尚未收到数据，可预览版式），退出码 1。
    --dry-run 只审核 inputs/returns/ 中的文件，不登记、不写任何文件。
    自上次生成以来规划、模板和各单位报送均无变化、输出文件也未被改动时，不重新生成
    （输出内容相同）；--force 强制重新生成。

    \b
    示例：
      reportkit build
      reportkit build --dry-run --json
      reportkit build --strict -p 项目目录
    """
    project = get_project(project_dir)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=as_json or not err_console.is_terminal) as progress:
        result = build(project, strict=strict, dry_run=dry_run, progress=_Bars(progress), template=template,
                       force=force)
    if as_json:
        print_json(result.to_dict())
        raise SystemExit(result.exit_code)
    if result.strict_failed:
        err_console.print(styled("有填报表存在强制性审核问题，按 --strict 要求未生成报告。", "red"))
        _summary(result)
        raise SystemExit(1)
    console.print(_status_table(result))
    _summary(result)
    for path in result.written:
        console.print(line(("已生成", "green"), f" {path}"))
    if result.up_to_date:
        console.print("自上次生成以来，规划、报告模板和各单位报送均无变化，输出文件也未被改动，"
                      "未重新生成（如需重新生成，请加 --force）：")
        for path in result.kept:
            console.print(line(("无变化", "cyan"), f" {path}"))
    if dry_run:
        console.print("（--dry-run：未写入任何文件）")
    if result.received_nothing:
        done = "" if dry_run else "报告已生成，文中注明尚未收到数据，可用于预览版式；"
        err_console.print(styled(f"尚未收到任何单位的填报表：{done}请将各单位报送的填报表放入 "
                                 f"{project.returns_dir} 后重新运行 reportkit build。", "red"))
    raise SystemExit(result.exit_code)


COMMANDS = [build_cmd]
