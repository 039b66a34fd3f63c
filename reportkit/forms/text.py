"""Text measurement and clean-up for forms: CJK-aware widths, file names, length caps."""

from __future__ import annotations

import math
import re

from ..textwidth import display_width

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


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


def safe_filename(name: str) -> str:
    """A file name Windows accepts: forbidden characters replaced, no trailing dot or space."""
    cleaned = _WINDOWS_FORBIDDEN.sub("_", name).strip().rstrip(". ")
    stem = cleaned.split(".", 1)[0].upper()
    if not cleaned or stem in _WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_footer_text(text: str) -> str:
    """Escape ``&`` which starts a control code in Excel headers and footers."""
    return text.replace("&", "&&")
