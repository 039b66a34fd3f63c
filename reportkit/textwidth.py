"""Column widths for Chinese text in spreadsheets (forms, definitions, summaries, exports).

Excel's width unit is one Latin character; a CJK (wide or full-width) character takes two.
xlsxwriter's ``autofit`` under-measures CJK text by about half, so every sheet reportkit
writes measures with this one function.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)  # the same definitions are measured for every unit's form
def display_width(text: str) -> int:
    """Width in Excel character units: wide and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
