"""Chinese text in rich tables, broken as Chinese breaks (:func:`reportkit.textwidth.break_lines`).

rich breaks lines at spaces only, so "A05 的目标值被修改：下发时为……" in a narrow column leaves "A05"
alone on its line and folds the rest.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from ..textwidth import WORDS, break_lines

__all__ = ["Wrapped", "break_lines"]


class Wrapped:
    """Text that breaks as Chinese does; usable as a rich table cell."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(t) for t in WORDS.findall(self.text) if not t.isspace()), default=1)
        widest = max((cell_len(line) for line in self.text.split("\n")), default=1)
        return Measurement(min(longest, 8, widest), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in break_lines(self.text, options.max_width):
            yield Text(line, style=self.style, end="\n")
