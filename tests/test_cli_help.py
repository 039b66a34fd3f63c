"""Every command has Chinese help with an example, exits 2 on bad usage, and is in the README."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reportkit.cli import main

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
