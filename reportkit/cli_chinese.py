"""click's own labels and messages in Chinese: usage lines, section headings, help options, errors.

click marks every text it prints with ``gettext`` (``_("Usage:")``, ``ngettext(...)``), bound in each of
its modules at import time. :func:`chinese_click` swaps those bindings for a lookup in
:data:`MESSAGES` while the ``reportkit`` command runs and restores them afterwards, so a program that
imports reportkit as a library keeps click as it was. :func:`localize` gives the commands Chinese
usage placeholders (``[选项]`` instead of ``[OPTIONS]``), which click keeps on each command.
A message missing from the table falls back to click's English; the CLI tests assert the exact
Chinese output of help and usage errors, so a click upgrade that renames a message shows there.
"""

from __future__ import annotations

import gettext
import importlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click

from .textwidth import break_lines, display_width

OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."

MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    # usage errors (exit code 2)
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "请运行 '{command} {option}' 查看帮助。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否要输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否要输入其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个取值。",
    "Aborted!": "已中止。",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    # parameter types
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    # ({name} is "File"/"Directory"/"Path", named in English when the option was declared)
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，此处需要目录。",
    "{name} {filename!r} is a directory.": "{filename!r} 是目录，此处需要文件。",
    "{name} {filename!r} is not readable.": "{filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{filename!r} 无法执行。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数值。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否取值，可用：{states}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 中。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
}

# click's modules that print marked texts (each imported ``gettext as _`` and ``ngettext`` itself)
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


@contextmanager
def chinese_click() -> Iterator[None]:
    """click speaks Chinese inside the ``with`` block."""
    saved: list[tuple[object, str, object]] = []
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        for attr, replacement in (("_", translate), ("ngettext", ntranslate)):
            current = getattr(module, attr, None)
            if current in (gettext.gettext, gettext.ngettext):
                saved.append((module, attr, current))
                setattr(module, attr, replacement)
    try:
        yield
    finally:
        for owner, attr, original in saved:
            setattr(owner, attr, original)


class ChineseFormatter(click.HelpFormatter):
    """click's help formatter with the usage line starting 用法： (click adds a space after "Usage:")."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        """click's help paragraphs, wrapped as Chinese wraps (click breaks only at spaces, so a
        Chinese paragraph ran past the terminal's width) and joined without the space click puts
        between two lines of Chinese. A paragraph after a ``\\b`` line is kept as written."""
        indent = " " * self.current_indent
        blocks: list[str] = []
        for paragraph in re.split(r"\n[ \t]*\n", text.expandtabs().strip("\n")):
            lines = paragraph.splitlines()
            if lines and lines[0].strip() == "\b":
                blocks.append("\n".join(indent + line for line in lines[1:]))
                continue
            own = " " * (len(lines[0]) - len(lines[0].lstrip())) if lines else ""
            flowed = _join(line.strip() for line in lines)
            width = max(self.width - self.current_indent - len(own), 11)
            blocks.append("\n".join(indent + own + line for line in break_lines(flowed, width)))
        self.write("\n\n".join(blocks) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """click's option list, aligned by display width (a Chinese metavar such as 目录 takes 4 columns)."""
        rows = list(rows)
        first_col = min(max((display_width(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            self.write(f"{indent}{term}")
            if not text:
                self.write("\n")
                continue
            if display_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(term)))
            else:
                self.write("\n" + indent + " " * first_col)
            text = _CHINESE_GAP.sub("", _join(text.split("\n")))  # click's short help joins lines with a space
            lines = break_lines(text, max(self.width - self.current_indent - first_col, 10)) or [""]
            self.write(lines[0] + "\n")
            for more in lines[1:]:
                self.write(f"{indent}{' ' * first_col}{more}\n")


_CHINESE_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) (?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def _join(lines: Iterable[str]) -> str:
    """Lines of one paragraph as one: a space between them only where both sides are not Chinese."""
    out = ""
    for line in lines:
        if out and line and not (_wide(out[-1]) or _wide(line[0])):
            out += " "
        out += line
    return out


def _wide(ch: str) -> bool:
    return display_width(ch) == 2


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


def missing_parameter(exc: click.MissingParameter) -> click.UsageError:
    """click's "Missing argument 'X'." (its full stop is not translatable) as a Chinese usage error."""
    param = exc.param
    if param is None or exc.ctx is None:
        return click.UsageError(translate("Missing parameter"), ctx=exc.ctx)
    kind = "选项" if param.param_type_name == "option" else "参数"
    return click.UsageError(f"缺少{kind} {param.get_error_hint(exc.ctx)}。", ctx=exc.ctx)


def localize(command: click.Command) -> click.Command:
    """``command`` (and the commands of a group) with Chinese usage placeholders and usage line."""
    command.context_class = ChineseContext
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            localize(sub)
    return command
