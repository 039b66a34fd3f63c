"""One date parser: due dates, calendar dates and the moment a return was received."""

from __future__ import annotations

import datetime as dt

import pytest

from reportkit.definitions.dates import DateError, parse_date, parse_datetime
from reportkit.errors import UsageError
from reportkit.ledger import normalize_received


@pytest.mark.parametrize(("text", "moment"), [
    ("2024-01-15", dt.datetime(2024, 1, 15)),
    ("2024-01-15T09:30", dt.datetime(2024, 1, 15, 9, 30)),
    ("2024/1/15 9:30", dt.datetime(2024, 1, 15, 9, 30)),
    ("2024.1.15 09:30:05", dt.datetime(2024, 1, 15, 9, 30, 5)),
    ("2024年1月15日", dt.datetime(2024, 1, 15)),
    ("2024年1月15日 9时30分", dt.datetime(2024, 1, 15, 9, 30)),
    ("２０２４年１月１５日", dt.datetime(2024, 1, 15)),  # full-width digits, as typed in a CSV
])
def test_moments(text: str, moment: dt.datetime) -> None:
    assert parse_datetime(text) == moment
    assert normalize_received(text) == moment.isoformat(timespec="seconds")


@pytest.mark.parametrize("text", ["2024年1月", "2024年", "昨天", "2024-13-01", "2024-01-15 25:00"])
def test_not_a_moment(text: str) -> None:
    with pytest.raises(DateError):
        parse_datetime(text)
    with pytest.raises(UsageError, match="接收时间"):
        normalize_received(text)


def test_a_day_is_read_the_same_way_as_a_moment() -> None:
    for text in ("2023-12-31", "2023年12月31日", "2023/12/31"):
        assert parse_datetime(text).date() == parse_date(text) == dt.date(2023, 12, 31)
