"""The ``reportkit`` command line: a thin layer over the library.

Each command lives in :mod:`reportkit.commands` and is imported only when it runs; errors raised as
:class:`~reportkit.errors.ReportkitError` are turned into messages and exit codes here,
in one place (0 fine, 1 findings/errors in the data, 2 usage).
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .commands import LazyGroup
from .errors import ReportkitError


class _Group(LazyGroup):
    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ReportkitError as exc:
            from .commands._common import err_console, line  # rich loads only when a command runs

            err_console.print(line(("错误：", "red"), str(exc)), soft_wrap=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportkit")
def main() -> None:
    """reportkit：规划指标填报、审核、评估与中期评估报告生成。

    \b
    常用流程：
      reportkit plan check        检查规划定义
      reportkit forms             生成各填报单位的 Excel 填报表
      reportkit validate RETURNS  审核回收的填报表
      reportkit collect RETURNS   登记回收的填报表
      reportkit status            查看报送情况
      reportkit build             生成中期评估报告（outputs/）
    """

