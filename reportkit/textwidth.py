"""Column widths for Chinese text in spreadsheets (forms, definitions, summaries, exports).

Excel's width unit is one Latin character; a CJK (wide or full-width) character takes two.
xlsxwriter's ``autofit`` under-measures CJK text by about half, so every sheet reportkit
writes measures with this one function.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)  # the same definitions are measured for every unit's form
def display_width(text: str) -> int:
    """Width in Excel character units: wide and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


WORDS = re.compile(r"[\x21-\x7e]+|\s|.", re.DOTALL)
_NO_LINE_START = set("，。、；：？！）》」』”’%·…,.;:?!)]")
_NO_LINE_END = set("“‘（《「『([")


def break_lines(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a Chinese character takes two), broken as
    Chinese text breaks: between any two characters; runs of ASCII (numbers, codes, file names)
    stay whole unless longer than the line; closing punctuation never starts a line and opening
    punctuation never ends one. Used by the terminal tables and by the command help."""
    width = max(width, 2)
    lines: list[list[str]] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0
        for token in WORDS.findall(paragraph):
            size = display_width(token)
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
            line, used = carried, sum(display_width(t) for t in carried)
            while used + size > width:  # an ASCII run longer than the line is cut
                cut = _fit(token, width - used)
                if cut == 0:
                    lines.append(line)
                    line, used = [], 0
                    continue
                lines.append([*line, token[:cut]])
                line, used, token = [], 0, token[cut:]
                size = display_width(token)
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
        used += display_width(ch)
        if used > room:
            return i
    return len(token)
