"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def terminal_80() -> Iterator[None]:
    """The commands print as on an 80-column terminal. rich's ``Console.width`` setter pins the
    width; setting ``_width`` back to ``None`` afterwards lets the console measure again, so no
    later test inherits the pinned width."""
    from reportkit.commands import _common

    pinned = _common.console._width
    _common.console.width = 80
    yield
    _common.console._width = pinned
