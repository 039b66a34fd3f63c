"""Dates as plans and coordinators write them: one parser for the whole project.

``2023-12-31``, ``2023年6月30日``, ``2023年6月``, ``2023年6月底前``, ``2023年二季度``,
``2023年上半年``, ``2023年初``, ``2023年底前``, ``2023年``, ``2023年建成`` and, inside an
annual plan whose year is known, ``二季度``, ``年初``, ``上半年``, ``6月底``. Each becomes a
:class:`Due`: the last day by which it is due, and the resolution it was written at (day,
month, quarter, half-year, year), so a report can say "2023年二季度" instead of a made-up day.

Conventions (stated in the README's 评估口径): ``年初`` is due by the end of the first
quarter; ``年底``/``年末``/``年内``/``××年前``/``××年底前`` by 31 December of that year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from .notation import chinese_number, normalise


class Resolution(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


@dataclass(frozen=True)
class Due:
    """A due date: the last day it is due on, and how precisely it was written."""

    date: dt.date
    resolution: Resolution
    text: str = ""

    @property
    def label(self) -> str:
        """The due date at its own resolution: 2023年、2023年二季度、2023年6月、2023年6月30日."""
        d = self.date
        if self.resolution is Resolution.YEAR:
            return f"{d.year}年"
        if self.resolution is Resolution.HALF:
            return f"{d.year}年{'上' if d.month <= 6 else '下'}半年"
        if self.resolution is Resolution.QUARTER:
            return f"{d.year}年{'一二三四'[(d.month - 1) // 3]}季度"
        if self.resolution is Resolution.MONTH:
            return f"{d.year}年{d.month}月"
        return f"{d.year}年{d.month}月{d.day}日"

    def to_dict(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "resolution": self.resolution.value, "label": self.label,
                "text": self.text}


class DateError(ValueError):
    """The text is not a date this parser reads; the message says which forms are read."""


READABLE_DATES = "2023-12-31、2023年6月30日、2023年6月、2023年二季度、2023年上半年、2023年初、2023年底前、2023年"

_NUM = r"(\d{1,4}|[零〇一二两三四五六七八九十]{1,3})"
_DAY = re.compile(rf"^(?:(?P<y>\d{{4}})\s*[-/.年])?\s*(?P<m>{_NUM})\s*[-/.月]\s*(?P<d>{_NUM})\s*[日号]?$")
_MONTH = re.compile(rf"^(?:(?P<y>\d{{4}})\s*[-/.年])?\s*(?P<m>{_NUM})\s*月(份)?(底|末)?$")
_QUARTER = re.compile(r"^(?:(?P<y>\d{4})\s*年)?\s*(第)?(?P<q>[一二三四1-4])\s*季度(末|底)?$")
_HALF = re.compile(r"^(?:(?P<y>\d{4})\s*年)?\s*(?P<h>上|下)半年(末|底)?$")
_YEAR_PART = re.compile(r"^(?:(?P<y>\d{4})\s*年)?\s*(?P<p>年初|初|年中|年底|底|年末|末|年内|内|全年)$")
_YEAR = re.compile(r"^(?P<y>\d{4})\s*年?$")
# words around a due date that do not change it: 前/以前/之前/完成/建成/实现/…
_TRAILING = re.compile(r"(之前|以前|前|止|为止|截止|完成|建成|实现|达到|达成|落实|到位|以内)+$")
_LEADING = re.compile(r"^(力争|争取|计划|预计|于|在|到|至|截至|截止|截止到|截止于)+")


def _int(text: str) -> int:
    if text.isdigit():
        return int(text)
    n = chinese_number(text)
    if n is None:
        raise DateError(text)
    return n


def parse_due(raw: object, default_year: int | None = None) -> Due:
    """Parse a due date; raise :class:`DateError` if it cannot be read. A text without a
    year (二季度, 年初) takes ``default_year`` (the plan's year for an annual plan)."""
    if isinstance(raw, dt.datetime):
        return Due(raw.date(), Resolution.DAY, raw.date().isoformat())
    if isinstance(raw, dt.date):
        return Due(raw, Resolution.DAY, raw.isoformat())
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw) == int(raw) and 1900 < raw < 2200:
        return Due(dt.date(int(raw), 12, 31), Resolution.YEAR, str(int(raw)))
    text = str(raw or "").strip()
    s = _LEADING.sub("", normalise(text).replace(" ", ""))
    s = _TRAILING.sub("", s)
    if not s:
        raise DateError(f"“{text}”不是日期，可写成 {READABLE_DATES}")

    def year(m: re.Match[str]) -> int:
        y = m.group("y")
        if y:
            return int(y)
        if default_year is None:
            raise DateError(f"“{text}”没有写年份，请写成 2023年二季度 这样带年份的日期")
        return default_year

    try:
        if m := _YEAR.match(s):
            return Due(dt.date(int(m.group("y")), 12, 31), Resolution.YEAR, text)
        if m := _DAY.match(s):
            return Due(dt.date(year(m), _int(m.group("m")), _int(m.group("d"))), Resolution.DAY, text)
        if m := _MONTH.match(s):
            y, mo = year(m), _int(m.group("m"))
            return Due(dt.date(y, mo, calendar.monthrange(y, mo)[1]), Resolution.MONTH, text)
        if m := _QUARTER.match(s):
            q = _int(m.group("q"))
            y, mo = year(m), 3 * q
            return Due(dt.date(y, mo, calendar.monthrange(y, mo)[1]), Resolution.QUARTER, text)
        if m := _HALF.match(s):
            y = year(m)
            return Due(dt.date(y, 6, 30) if m.group("h") == "上" else dt.date(y, 12, 31), Resolution.HALF, text)
        if m := _YEAR_PART.match(s):
            y, part = year(m), m.group("p").removeprefix("年")
            if part == "初":
                return Due(dt.date(y, 3, 31), Resolution.QUARTER, text)
            if part == "中":
                return Due(dt.date(y, 6, 30), Resolution.HALF, text)
            return Due(dt.date(y, 12, 31), Resolution.YEAR, text)
    except ValueError as exc:  # dt.date out of range (month 13, 30 February), or DateError
        if isinstance(exc, DateError):
            raise
        raise DateError(f"“{text}”不是有效日期") from None
    raise DateError(f"“{text}”不是可识别的日期，可写成 {READABLE_DATES}")


def parse_date(raw: object) -> dt.date:
    """A calendar date (评估截止日期, 填报截止日期): a day, or the last day of a month,
    quarter, half-year or year written as such."""
    return parse_due(raw).date


_CLOCK = re.compile(r"[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]\s*(\d{1,2})\s*秒?)?\s*$")


def parse_datetime(raw: object) -> dt.datetime:
    """A moment (接收时间): a day as :func:`parse_date` reads it, written to the day, and an
    optional clock time: ``2024-01-15``, ``2024-01-15T09:30``, ``2024/1/15 9:30``, ``2024年1月15日 9时30分``."""
    if isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time())
    text = str(raw).strip()
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    clock = _CLOCK.search(text)
    day_text = text[:clock.start()] if clock else text
    due = parse_due(day_text)
    if due.resolution is not Resolution.DAY:
        raise DateError(f"“{text}”没有写到具体哪一天，可写成 2024-01-15、2024-01-15 09:30 或 2024年1月15日")
    try:
        hour, minute, second = (int(g or 0) for g in clock.groups()) if clock else (0, 0, 0)
        time = dt.time(hour, minute, second)
    except ValueError:
        raise DateError(f"“{text}”中的时刻无效") from None
    return dt.datetime.combine(due.date, time)


_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def named_years(text: str) -> tuple[int, ...]:
    """The years a text names: "2022年受疫情影响，2023年恢复" → (2022, 2023)."""
    return tuple(sorted({int(m) for m in _YEAR_IN_TEXT.findall(text)}))


def explains_year(text: str, year: int | None) -> bool:
    """Does a 说明 speak about ``year``? One that names years speaks only about those; one that
    names none speaks about its whole row."""
    years = named_years(text)
    return not years or year is None or year in years
