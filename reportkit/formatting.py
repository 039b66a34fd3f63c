"""Numbers and dates as reportkit writes them, in every output: the Word report, the Excel
summary (its number formats agree, see :func:`excel_format`), the terminal and the texts inside
the JSON.

Rounding is 四舍五入 (half up) on the decimal value, as Chinese statistics publish figures and as
Excel displays a cell: 98.25 → 98.3 and 0.125 → 0.13, where Python's ``f"{98.25:.1f}"`` rounds the
binary float to even (98.2). Every function returns text and never ``None``: a missing value is ``—``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from .definitions.model import Indicator, Kind

NONE_TEXT = "—"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(text: str) -> str:
    """Drop the control characters XML cannot hold (keeps tab, newline, carriage return)."""
    return _CONTROL.sub("", text)


def rounded(value: float, decimals: int) -> Decimal:
    """``value`` rounded half up to ``decimals`` places, on the 15 significant digits Excel keeps
    of a number (so a cell and this text always agree)."""
    exact = Decimal(format(float(value), ".15g"))
    return exact.quantize(Decimal(1).scaleb(-max(int(decimals), 0)), rounding=ROUND_HALF_UP)


def _rounded_text(value: float, decimals: int) -> str:
    """:func:`rounded` as plain text (``-0.00`` as ``0.00``). A province's report formats a few
    hundred thousand figures: the digits are rounded as text, without ``Decimal``, when the
    15-digit form is plain (not ``1e-05``); the result is the same, digit for digit."""
    d = max(int(decimals), 0)
    text = format(float(value), ".15g")
    negative = text[0] == "-"
    whole, _, frac = (text[1:] if negative else text).partition(".")
    if "e" in text or len(whole) + d > 28:  # exponent form, or beyond Decimal's 28 digits
        q = rounded(value, d)
        return f"{abs(q) if q.is_zero() else q:f}"
    if len(frac) <= d:  # nothing to round away
        digits, point = whole + frac + "0" * (d - len(frac)), len(whole)
    else:  # half up: the first dropped digit decides (the text is the exact 15-digit value)
        n = int(whole + frac[:d]) + (frac[d] >= "5")
        digits = str(n).zfill(d + 1)
        point = len(digits) - d
    out = f"{digits[:point]}.{digits[point:]}" if d else digits
    return f"-{out}" if negative and digits.strip("0") else out  # never "-0.0"


def number(value: float | None, decimals: int = 2) -> str:
    """``18.6``, ``1200``, ``—``; rounded half up to ``decimals`` with trailing zeros kept."""
    if value is None or not math.isfinite(value):
        return NONE_TEXT
    return _rounded_text(value, decimals)


def round_half_up(value: float | None, decimals: int) -> float | None:
    """The number :func:`number` writes, as a float (for JSON): ``round_half_up(98.25, 1) == 98.3``."""
    return None if value is None or not math.isfinite(value) else float(_rounded_text(value, decimals))


def excel_format(decimals: int) -> str:
    """The Excel number format that displays a value as :func:`number` writes it: ``0.00``."""
    d = max(int(decimals), 0)
    return "0." + "0" * d if d else "0"


def trimmed(value: float | None, decimals: int = 1) -> str:
    """``60`` for 60.0, ``51.8`` for 51.83: no useless ``.0`` (a computed share, not a plan value)."""
    text = number(value, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent(value: float | None, decimals: int = 1) -> str:
    """A percentage already in percent: ``85.2%``, ``60%`` (never ``60.0%``)."""
    return NONE_TEXT if value is None else f"{trimmed(value, decimals)}%"


def points(value: float | None) -> str:
    """A gap in percentage points, unsigned: ``25.2``, ``40``."""
    return NONE_TEXT if value is None else trimmed(abs(value), 1)


def points_text(value: float | None) -> str:
    """``8.2个百分点``."""
    return NONE_TEXT if value is None else f"{points(value)}个百分点"


def count(n: int | float, measure: str = "项") -> str:
    """A count, never fractional: ``8项``."""
    return f"{int(round(n))}{measure}"


def figure(value: float | None, unit: str, decimals: int) -> str:
    """The one way a figure of an indicator is written in the report: its own decimals, its
    unit attached (``15.95万户``, ``98.31%``, ``8件``), ``—`` when there is none."""
    return with_unit(number(value, decimals), unit)


def is_percent_unit(unit: str) -> bool:
    return unit.strip() in {"%", "％", "百分比"}


def with_unit(text: str, unit: str) -> str:
    """``18.6`` + ``万户`` → ``18.6万户``; ``98.5`` + ``%`` → ``98.5%``."""
    if text == NONE_TEXT or not unit:
        return text
    return f"{text}%" if is_percent_unit(unit) else f"{text}{unit}"


def spaced_with_unit(text: str, unit: str) -> str:
    """For running text: ``18.6 万户``, ``98.5%``."""
    if text == NONE_TEXT or not unit:
        return text
    return f"{text}%" if is_percent_unit(unit) else f"{text} {unit}"


def indicator_value(ind: Indicator, value: float | None) -> str:
    """A value of this indicator, in its own decimals; milestones as 已完成/未完成."""
    if ind.kind is Kind.MILESTONE:
        if value is None:
            return NONE_TEXT
        return "已完成" if value >= 1 else "未完成"
    return number(value, ind.decimals)


WORD_JOINER = "\u2060"


_PREFIX = re.compile(r"^([^\d.]+)(?=\d)")


def nobreak(text: str) -> str:
    """A figure that must not break after its sign in a narrow table cell (``≥95%``, ``-50%``):
    a word joiner (U+2060) after the leading symbols."""
    return _PREFIX.sub(lambda m: WORD_JOINER.join(m.group(1)) + WORD_JOINER, text)


def date_text(day: dt.date | dt.datetime | None) -> str:
    """``2023年12月31日``."""
    if day is None:
        return NONE_TEXT
    return f"{day.year}年{day.month}月{day.day}日"


def datetime_text(value: str | dt.datetime | None) -> str:
    """An ISO timestamp as ``2024年1月15日 09:30``; unparseable text is returned as is."""
    if not value:
        return NONE_TEXT
    if isinstance(value, dt.datetime):
        return f"{date_text(value)} {value:%H:%M}"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{date_text(moment)} {moment:%H:%M}"


CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十, 10010 → 一万零一十 (for
    （一）-style headings: a plan may have more than 99 tasks or indicator groups)."""
    if n < 0:
        return "负" + chinese_ordinal(-n)
    if n <= 10:
        return CHINESE_NUMERALS[n]
    if n < 20:
        return "十" + CHINESE_NUMERALS[n - 10]
    high, low = divmod(n, 10_000)
    if not high:
        return _chinese_section(n)
    tail = ("零" if low < 1000 else "") + _chinese_section(low) if low else ""
    return chinese_ordinal(high) + "万" + tail


def _chinese_section(n: int) -> str:
    """1 … 9999 with 千/百/十 and one 零 for each run of zeros inside (1010 → 一千零一十)."""
    out, gap = "", False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit, n = divmod(n, size)
        if digit:
            out += ("零" if gap else "") + CHINESE_NUMERALS[digit] + unit
            gap = False
        elif out:
            gap = True
    return out


_HEADING_NUMBER = re.compile(r"^\s*(第[零一二三四五六七八九十百千万0-9]+[章节部分篇]|[零一二三四五六七八九十百千万]+、"
                             r"|[（(][零一二三四五六七八九十百千万]+[)）]|\d+[.、．])\s*")


def strip_heading_number(text: str) -> str:
    """``三、优化营商环境`` → ``优化营商环境`` (the report numbers its own headings)."""
    return _HEADING_NUMBER.sub("", text, count=1).strip()


def quoted(text: str) -> str:
    """``“text”``, with quotation marks inside turned into single ones (“着力保障‘两品一械’安全”)."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"
