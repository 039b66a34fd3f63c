"""Reporting rounds (报送期次): a period with its own cut-off, carried by forms and the ledger.

An annual work plan is reviewed by rounds: 一季度, 上半年, 三季度 (前三季度), 全年, or up to any
date. Each round has a canonical name (kept in the forms' ``period`` and the ledger), a
cut-off date, and a label a reader understands (2020年上半年). A five-year plan's yearly
monitoring is one round per year under its evaluation kind (2023-年度监测), as before.

Conventions (README 评估口径): 半年/上半年/年中 end on 30 June, 前三季度/三季度 on 30 September,
全年/年度/四季度/年底 on 31 December; the round after a cut-off ends at the next quarter end.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING

from .dates import DateError, Resolution, parse_due
from .notation import normalise

if TYPE_CHECKING:
    from .model import Plan, PlanInfo

QUARTER_NAMES = ("一季度", "上半年", "前三季度", "全年")
_QUARTER_OF = {"一季度": 1, "第一季度": 1, "q1": 1, "1季度": 1,
               "二季度": 2, "第二季度": 2, "q2": 2, "2季度": 2, "半年": 2, "上半年": 2, "年中": 2, "h1": 2,
               "三季度": 3, "第三季度": 3, "前三季度": 3, "q3": 3, "3季度": 3,
               "四季度": 4, "第四季度": 4, "q4": 4, "4季度": 4, "全年": 4, "年度": 4, "年底": 4, "年末": 4,
               "下半年": 4, "h2": 4}
_CANONICAL = {"一季度": "一季度", "第一季度": "一季度", "q1": "一季度", "1季度": "一季度",
              "二季度": "二季度", "第二季度": "二季度", "q2": "二季度", "2季度": "二季度",
              "半年": "上半年", "上半年": "上半年", "年中": "上半年", "h1": "上半年",
              "三季度": "前三季度", "第三季度": "前三季度", "前三季度": "前三季度", "q3": "前三季度", "3季度": "前三季度",
              "四季度": "全年", "第四季度": "全年", "q4": "全年", "4季度": "全年", "全年": "全年", "年度": "全年",
              "年底": "全年", "年末": "全年", "下半年": "全年", "h2": "全年"}
READABLE_ROUNDS = "一季度、上半年（半年）、前三季度（三季度）、全年（年度）或截止日期如 2020-09-30"
_DATE_NAME = re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")


class RoundError(ValueError):
    """The text is not a round this module reads; the message says which are read."""


def parse_round(text: str | dt.date, year: int) -> tuple[str, dt.date]:
    """(canonical name, cut-off) of a round written as 一季度/半年/三季度/全年/2020-09-30 in ``year``."""
    raw = str(text or "").strip()
    key = normalise(raw).replace(" ", "").lower().removeprefix(f"{year}年").removesuffix("度末")
    key = key.removesuffix("末") if key.endswith("季度末") else key
    if key in _CANONICAL:
        q = _QUARTER_OF[key]
        month = 3 * q
        return _CANONICAL[key], dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        due = parse_due(raw, year)
    except DateError:
        raise RoundError(f"“{raw}”不是可识别的报送期次，可写成 {READABLE_ROUNDS}") from None
    if due.resolution is not Resolution.DAY and due.resolution is not Resolution.MONTH:
        raise RoundError(f"“{raw}”不是可识别的报送期次，可写成 {READABLE_ROUNDS}")
    return date_round_name(due.date), due.date


def date_round_name(day: dt.date) -> str:
    """The canonical name of a round ending on ``day``: a quarter end gets the quarter's name."""
    last = calendar.monthrange(day.year, day.month)[1]
    if day.day == last and day.month % 3 == 0:
        return QUARTER_NAMES[day.month // 3 - 1]
    return f"{day.month}月{day.day}日"


def round_label(info: PlanInfo) -> str:
    """2020年一季度、2020年上半年、2020年前三季度、2020年度、截至2020年9月30日."""
    year = info.cutoff.year
    name = info.round or date_round_name(info.cutoff)
    if name == "全年":
        return f"{year}年度"
    if _DATE_NAME.match(name):
        return f"截至{year}年{name}"
    return f"{year}年{name}"


def period_round_label(period: str) -> str:
    """A ledger ``period`` (2020-上半年, 2023-年度监测) as a reader says it."""
    year, sep, name = period.partition("-")
    if not (sep and year.isdigit()):
        return period
    if name == "全年":
        return f"{year}年度"
    if _DATE_NAME.match(name):
        return f"截至{year}年{name}"
    return f"{year}年{name}"


def period_cutoff(period: str) -> dt.date | None:
    """The cut-off of a round's ledger ``period`` (None for a period that is not a round)."""
    year, sep, name = period.partition("-")
    if not (sep and year.isdigit()):
        return None
    try:
        return parse_round(name, int(year))[1]
    except RoundError:
        return None


def next_cutoff(cutoff: dt.date) -> dt.date | None:
    """The cut-off of the round after one ending on ``cutoff``: the next quarter end within the
    same year; None after the year's last round."""
    quarter_end = 3 * ((cutoff.month - 1) // 3 + 1)
    end = dt.date(cutoff.year, quarter_end, calendar.monthrange(cutoff.year, quarter_end)[1])
    if end > cutoff:
        return end
    if quarter_end == 12:
        return None
    month = quarter_end + 3
    return dt.date(cutoff.year, month, calendar.monthrange(cutoff.year, month)[1])


def plan_for_round(plan: Plan, text: str) -> Plan:
    """The same plan reviewed at another round of its year (一季度, 2020-09-30)."""
    from dataclasses import replace

    name, cutoff = parse_round(text, plan.info.target_year)
    return replace(plan, info=replace(plan.info, round=name, cutoff=cutoff))
