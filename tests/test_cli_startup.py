"""The command line starts without loading what its commands do not need."""

import pkgutil
import subprocess
import sys

import click
from click.testing import CliRunner

from reportkit import commands
from reportkit.cli import main
from reportkit.cli_chinese import OPTIONS_METAVAR, SUBCOMMAND_METAVAR, ChineseContext, chinese_click, localize
from reportkit.commands import COMMAND_TABLE, load_command

HEAVY = ("matplotlib", "openpyxl", "docxtpl", "docx", "python_calamine", "xlsxwriter", "numpy",
         "reportkit.rendering", "reportkit.evaluation", "reportkit.intake")

PROBE = """
import sys
from reportkit.cli import main
from reportkit.cli_chinese import OPTIONS_METAVAR, SUBCOMMAND_METAVAR, ChineseContext, chinese_click, localize
try:
    main(["--help"])
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_help_loads_no_heavy_module():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert "reportkit plan check" in done.stdout and "validate" in done.stdout
    loaded = set(done.stderr.split())
    assert "click" in loaded and "reportkit.cli" in loaded  # the probe saw the real module list
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []
    assert not any(m.startswith("reportkit.commands.") for m in loaded)


def test_a_command_loads_only_its_module():
    probe = PROBE.replace('["--help"]', '["status", "--help"]')
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    loaded = set(done.stderr.split())
    assert "reportkit.commands.ledger" in loaded
    assert not {"reportkit.commands.build", "reportkit.rendering.build", "matplotlib", "docxtpl"} & loaded


def test_the_table_names_every_command_of_every_module():
    declared: dict[str, click.Command] = {}
    for mod in pkgutil.iter_modules(commands.__path__):
        if not mod.name.startswith("_"):
            module = __import__(f"reportkit.commands.{mod.name}", fromlist=["COMMANDS"])
            declared.update({cmd.name or "": cmd for cmd in module.COMMANDS})
    assert sorted(declared) == sorted(COMMAND_TABLE)
    for name, cmd in declared.items():
        assert load_command(name) is cmd
        assert cmd.get_short_help_str(10**6) == click.Command(name, help=COMMAND_TABLE[name].short_help).get_short_help_str(10**6)


def test_lazy_listing_reads_as_the_commands_themselves_would():
    class Eager(click.Group):
        context_class = ChineseContext

    eager = Eager("reportkit", help=main.help, params=main.params, options_metavar=OPTIONS_METAVAR,
                  subcommand_metavar=SUBCOMMAND_METAVAR, context_settings={"help_option_names": ["-h", "--help"]})
    for name in COMMAND_TABLE:
        eager.add_command(localize(load_command(name)), name)
    for width in (80, 200):
        lazy_help = CliRunner().invoke(main, ["--help"], terminal_width=width).output
        with chinese_click():
            eager_help = CliRunner().invoke(eager, ["--help"], terminal_width=width).output
        assert "serve" in lazy_help
        assert lazy_help == eager_help
