"""Text measurement and clean-up for forms: CJK-aware widths, length caps."""

from __future__ import annotations

import math

from ..textwidth import display_width


def longest_line(text: str) -> int:
    return max((display_width(line) for line in text.splitlines()), default=0)


# A CJK glyph at 11 pt is slightly wider than two width units, and line-breaking rules
# (no 。，） at a line start) waste part of a line: estimate generously so nothing is cut off.
WRAP_FACTOR = 1.12


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(display_width(line) * WRAP_FACTOR / usable))
               for line in (text.splitlines() or [""]))


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_footer_text(text: str) -> str:
    """Escape ``&`` which starts a control code in Excel headers and footers."""
    return text.replace("&", "&&")
