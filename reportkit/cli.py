"""The ``reportkit`` command line: a thin layer over the library.

Each command lives in :mod:`reportkit.commands` and is imported only when it runs; errors raised as
:class:`~reportkit.errors.ReportkitError` are turned into messages and exit codes here,
in one place (0 fine, 1 findings/errors in the data, 2 usage).
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .cli_chinese import (
    OPTIONS_METAVAR,
    SUBCOMMAND_METAVAR,
    ChineseContext,
    chinese_click,
    localize,
    missing_parameter,
)
from .commands import LazyGroup
from .errors import ReportkitError


class _Group(LazyGroup):
    """The ``reportkit`` group: click's own texts in Chinese, library errors as messages."""

    context_class = ChineseContext

    def main(self, *args, **kwargs):  # type: ignore[override]
        with chinese_click():
            return super().main(*args, **kwargs)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        return None if command is None else localize(command)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except click.MissingParameter as exc:
            raise missing_parameter(exc) from None
        except ReportkitError as exc:
            from .commands._common import err_console, line  # rich loads only when a command runs

            err_console.print(line(("错误：", "red"), str(exc)), soft_wrap=True)
            sys.exit(exc.exit_code)


@click.group("reportkit", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar=OPTIONS_METAVAR, subcommand_metavar=SUBCOMMAND_METAVAR)
@click.version_option(__version__, "--version", "-V", prog_name="reportkit", help="显示版本号并退出。",
                      message="%(prog)s，版本 %(version)s")
def main() -> None:
    """reportkit：规划指标填报、审核、评估与中期评估报告生成。

    \b
    常用流程：
      reportkit plan check          检查规划定义
      reportkit forms               生成各填报单位的 Excel 填报表
      reportkit validate [收到的表] 审核回收的填报表
      reportkit collect 收到的表    登记回收的填报表
      reportkit status              查看报送情况
      reportkit build               生成中期评估报告（outputs/）
    """

