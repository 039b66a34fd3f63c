"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fixtures import plans

from reportkit.definitions.model import Plan


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


@pytest.fixture
def small_plan() -> Plan:
    """The shared small test plan (``tests/fixtures/plans.py``). Tests that need another shape
    derive it there with named changes: ``plans.small_plan(units=plans.only(plans.UNITS, "D01"))``."""
    return plans.small_plan()
