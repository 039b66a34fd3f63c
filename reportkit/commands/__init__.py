"""CLI command modules. Each module exposes ``COMMANDS``: a list of click commands/groups.

Modules are discovered, so each pipeline stage owns its own command file.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register_all(group: click.Group) -> None:
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for cmd in getattr(module, "COMMANDS", []):
            group.add_command(cmd)
