"""CLI command modules. Each module exposes ``COMMANDS``: a list of click commands/groups.

Command modules are imported only when their command runs (or its own ``--help`` is asked for):
``reportkit --help`` lists the commands from :data:`COMMAND_TABLE`, so it loads neither the
pipeline nor matplotlib, openpyxl or the renderer. A test checks that the table names every
command of every module with the short help the command itself would show.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import click


class LazyCommand(NamedTuple):
    module: str  # module under reportkit.commands
    attribute: str  # the click command in that module
    short_help: str  # first paragraph of its help, as ``reportkit --help`` shows it


COMMAND_TABLE: dict[str, LazyCommand] = {
    "build": LazyCommand("build", "build_cmd", "审核 inputs/returns/ 中的填报表，评估指标进度，生成中期评估报告。"),
    "collect": LazyCommand("ledger", "collect_cmd", "审核并登记回收的填报表：原件按内容存档，同一文件不会重复登记。"),
    "evaluate": LazyCommand("evaluate", "evaluate_cmd", "评估各项指标的完成进度、时间进度、状态和预计完成情况。"),
    "export": LazyCommand("ledger", "export_cmd", "把台账中的填报数值导出为 CSV 或 Excel（按扩展名 .csv / .xlsx）。"),
    "forms": LazyCommand("forms", "forms_command", "生成各填报单位的 Excel 填报表（每个单位一个 .xlsx，可直接发送）。"),
    "history": LazyCommand("ledger", "history_cmd",
                           "查看一个填报单位（编码或名称）的全部报送记录，含被替换的旧版本及其审核意见。"),
    "init": LazyCommand("plan", "init_command", "创建新项目，或复制内置示例（--example ezhou / dinghu / zhongshan）。"),
    "links": LazyCommand("web", "links_cmd",
                         "为各填报单位发放专用填报链接（网页报送用），并写出可直接分发的链接表 .xlsx。"),
    "plan": LazyCommand("plan", "plan_group", "规划定义相关命令。"),
    "serve": LazyCommand("web", "serve_cmd", "启动网页填报系统：各单位通过专用链接下载填报表、上传并立即看到审核意见；"
                         " 牵头单位登录后查看报送情况、审核意见，下载审核结果和报告。"),
    "status": LazyCommand("ledger", "status_cmd",
                          "查看本期各填报单位的报送情况：是否报送、报送时间、审核状态、报送次数、是否逾期。"),
    "template": LazyCommand("template", "template_group", "报告模板相关命令。"),
    "validate": LazyCommand("validate", "validate_command",
                            "审核回收的填报表（文件或文件夹，默认 inputs/returns），按表内标识识别单位。"),
}


def load_command(name: str) -> click.Command:
    """Import the module of command ``name`` and return the command."""
    entry = COMMAND_TABLE[name]
    module = importlib.import_module(f"{__name__}.{entry.module}")
    command: click.Command = getattr(module, entry.attribute)
    return command


class LazyGroup(click.Group):
    """A group whose subcommands in :data:`COMMAND_TABLE` are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_TABLE, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_TABLE:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The listing is made from the table's texts through stand-in commands, so click shortens
        # them exactly as it would the real ones, without importing any command module.
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            entry = COMMAND_TABLE.get(name)
            command = self.commands.get(name) if entry is None else click.Command(name, help=entry.short_help)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("命令"):
            formatter.write_dl(rows)
