"""``reportkit template check``: does a custom report template fit the build context?"""

from __future__ import annotations

from pathlib import Path

import click

from ..rendering.bulletin import sample_bulletin
from ..rendering.context import build_context
from ..rendering.docx_report import check_template
from ..rendering.sample import sample_inputs
from ._common import console, err_console, json_option, line, print_json


@click.group("template")
def template_group() -> None:
    """报告模板相关命令。"""


@template_group.command("check")
@click.argument("path", metavar="模板.docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def check_cmd(path: Path, as_json: bool) -> None:
    """检查报告模板：语法错误、报告数据中没有的变量，并试生成一次（不写任何文件）。

    可用变量见 docs/context.md。

    \b
    示例：
      reportkit template check templates/中期评估报告模板.docx
      reportkit template check templates/落实情况通报模板.docx
    """
    # the 落实情况通报 of a work plan also reads ``bulletin`` (the round's 督办台账)
    result = check_template(path, {**build_context(sample_inputs()), "bulletin": sample_bulletin()})
    if as_json:
        print_json(result.to_dict())
    elif result.ok:
        console.print(line(("模板可用：", "green"), str(path)))
    else:
        for message in result.messages():
            err_console.print(line(("问题：", "red"), message), soft_wrap=True)
    raise SystemExit(0 if result.ok else 1)


COMMANDS = [template_group]
