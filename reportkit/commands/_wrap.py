"""Line breaking for Chinese text in the terminal.

rich breaks lines at spaces only, so "A05 的目标值被修改：下发时为……" in a narrow column leaves "A05"
alone on its line and folds the rest. Chinese text may break between any two characters; runs of
ASCII (numbers, codes, file names) stay whole unless longer than the line, closing punctuation
never starts a line and opening punctuation never ends one.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

_TOKEN = re.compile(r"[\x21-\x7e]+|\s|.", re.DOTALL)
_NO_LINE_START = set("，。、；：？！）》」』”’%·…,.;:?!)]")
_NO_LINE_END = set("“‘（《「『([")


def break_lines(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells (a Chinese character takes two)."""
    width = max(width, 2)
    lines: list[list[str]] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0
        for token in _TOKEN.findall(paragraph):
            size = cell_len(token)
            if token.isspace():  # never at the start of a line; at its end, dropped
                if line and used + size <= width:
                    line.append(token)
                    used += size
                elif line:
                    lines.append(line)
                    line, used = [], 0
                continue
            if used + size <= width:
                line.append(token)
                used += size
                continue
            carried = _carried(line, token)
            if line:
                lines.append(line)
            line, used = carried, sum(cell_len(t) for t in carried)
            while used + size > width:  # an ASCII run longer than the line is cut
                cut = _fit(token, width - used)
                if cut == 0:
                    lines.append(line)
                    line, used = [], 0
                    continue
                lines.append([*line, token[:cut]])
                line, used, token = [], 0, token[cut:]
                size = cell_len(token)
            line.append(token)
            used += size
        lines.append(line)
    return ["".join(line).rstrip() for line in lines]


def _carried(line: list[str], token: str) -> list[str]:
    """The end of ``line`` that moves down with ``token``: the character before a closing mark,
    and opening marks; ``line`` keeps at least one token."""
    cut = len(line)
    if token in _NO_LINE_START and cut and not line[cut - 1].isspace():
        cut -= 1
    while cut and line[cut - 1] in _NO_LINE_END:
        cut -= 1
    if cut == 0:
        return []
    carried = line[cut:]
    del line[cut:]
    return carried


def _fit(token: str, room: int) -> int:
    """How many characters of ``token`` fit in ``room`` cells."""
    used = 0
    for i, ch in enumerate(token):
        used += cell_len(ch)
        if used > room:
            return i
    return len(token)


class Wrapped:
    """Text that breaks as Chinese does; usable as a rich table cell."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(t) for t in _TOKEN.findall(self.text) if not t.isspace()), default=1)
        widest = max((cell_len(line) for line in self.text.split("\n")), default=1)
        return Measurement(min(longest, 8, widest), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in break_lines(self.text, options.max_width):
            yield Text(line, style=self.style, end="\n")
