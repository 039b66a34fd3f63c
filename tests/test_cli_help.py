"""Every command has Chinese help with an example, exits 2 on bad usage, and is in the README."""

import gettext
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reportkit import __version__
from reportkit.cli import main
from reportkit.textwidth import display_width

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        path = (*prefix, name)
        out.append(path)
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, path))
    return out


COMMANDS = _commands(main)


def test_the_pipeline_commands_exist():
    names = {" ".join(c) for c in COMMANDS}
    assert {"init", "plan check", "forms", "validate", "collect", "status", "history", "export", "evaluate",
            "build", "template check"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_help_and_readme(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)  # Chinese help text
    assert f"reportkit {' '.join(path)}" in README or f"`{path[-1]}`" in README
    leaf: click.Command | None = main
    for name in path:
        assert isinstance(leaf, click.Group)
        leaf = leaf.get_command(click.Context(leaf), name)
    if not isinstance(leaf, click.Group):
        assert "示例" in result.output
        assert CliRunner().invoke(main, [*path, "--no-such-option"]).exit_code == 2


# click's own labels in Chinese ------------------------------------------------------------

ENGLISH_LABELS = re.compile(r"Usage|Options|Commands|Show this|Show the|Error|Try '|\[OPTIONS\]|"
                            r"COMMAND|\b(?!JSON\b|CSV\b|WPS\b)[A-Z]{3,}\b|default:")


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=["reportkit", *(" ".join(c) for c in COMMANDS)])
def test_help_has_no_english_labels(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"用法：reportkit {' '.join(path)}".replace("  ", " ").rstrip() + " [选项]")
    assert "\n选项：\n" in result.output
    assert "  -h, --help" in result.output and "显示此帮助并退出。" in result.output
    assert not ENGLISH_LABELS.search(result.output), ENGLISH_LABELS.search(result.output)


def test_plan_check_help_exactly():
    result = CliRunner().invoke(main, ["plan", "check", "--help"], terminal_width=100)
    assert result.output == (
        "用法：reportkit plan check [选项] [规划定义.xlsx]\n"
        "\n"
        "  检查规划定义（默认 inputs/plan.xlsx），一次列出全部问题及其单元格位置。\n"
        "\n"
        "  示例：\n"
        "    reportkit plan check\n"
        "    reportkit plan check inputs/plan.xlsx --json\n"
        "  退出码：0 无错误；1 有错误；2 用法错误。\n"
        "\n"
        "选项：\n"
        "  -p, --project 目录  项目目录（默认：当前目录或其上级中含 inputs/plan.xlsx 的目录）。\n"
        "  --json              以 JSON 输出结果（供程序读取）。\n"
        "  -h, --help          显示此帮助并退出。\n"
    )


@pytest.mark.parametrize(("args", "message"), [
    (["validate", "--nope"], "没有选项 '--nope'。"),
    (["validate", "--jsn"], "没有选项 '--jsn'。 是否要输入 '--json'？"),
    (["history"], "缺少参数 '单位'。"),
    (["collect"], "缺少参数 '文件或文件夹...'。"),
    (["build", "--template", "不存在.docx"], "'--template' 的取值无效：'不存在.docx' 不存在。"),
    (["evaluate", "--tolerance", "x"], "'--tolerance' 的取值无效：'x' 不是有效的数值。"),
    (["evaluate", "--tolerance", "200"], "'--tolerance' 的取值无效：200.0 不在允许的范围 0<=x<=100 内。"),
    (["history", "a", "b"], "多余的参数（b）"),
])
def test_usage_errors_in_chinese(args, message):
    result = CliRunner().invoke(main, args)
    command = " ".join(["reportkit", args[0]])
    usage = result.stderr.splitlines()[0]
    assert result.exit_code == 2
    assert usage.startswith(f"用法：{command} [选项]")
    assert result.stderr == f"{usage}\n请运行 '{command} --help' 查看帮助。\n\n错误：{message}\n"


def test_option_without_its_value_in_chinese():
    result = CliRunner().invoke(main, ["forms", "--unit"])
    assert (result.exit_code, result.stderr) == (2, "错误：选项 '--unit' 需要一个取值。\n")


def test_unknown_command_in_chinese():
    result = CliRunner().invoke(main, ["valdate"])
    assert result.exit_code == 2
    assert result.stderr == ("用法：reportkit [选项] 命令 [参数]...\n"
                             "请运行 'reportkit --help' 查看帮助。\n\n"
                             "错误：没有命令 'valdate'。 （是否要输入其中之一：'evaluate', 'validate'？）\n")


def test_version_in_chinese():
    result = CliRunner().invoke(main, ["--version"])
    assert result.output == f"reportkit，版本 {__version__}\n"


def test_click_is_english_again_outside_the_command():
    """The translation is scoped to the ``reportkit`` run: a program using click and reportkit keeps click's English."""
    CliRunner().invoke(main, ["validate", "--nope"])

    @click.command()
    def other() -> None:
        pass

    result = CliRunner().invoke(other, ["--nope"])
    assert "Error: No such option '--nope'." in result.output
    assert click.core._ is gettext.gettext


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=["reportkit", *(" ".join(c) for c in COMMANDS)])
def test_help_fits_80_columns(path):
    """click wraps help only at spaces; Chinese paragraphs and option texts are broken between characters."""
    out = CliRunner().invoke(main, [*path, "--help"], terminal_width=80).output
    assert max(display_width(line) for line in out.splitlines()) <= 80
    assert not re.search(r"[。，；：] [\u4e00-\u9fff]", out)  # no space where click joined two Chinese lines
