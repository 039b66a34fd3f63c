"""Chinese heading numbers beyond 99 (a plan may list more than 99 tasks)."""

from __future__ import annotations

import pytest

from reportkit.formatting import chinese_ordinal, strip_heading_number


@pytest.mark.parametrize(("n", "text"), [
    (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
    (110, "一百一十"), (111, "一百一十一"), (999, "九百九十九"), (1000, "一千"), (1001, "一千零一"),
    (1010, "一千零一十"), (1100, "一千一百"), (10000, "一万"), (10010, "一万零一十"), (12345, "一万二千三百四十五"),
])
def test_chinese_ordinal(n: int, text: str) -> None:
    assert chinese_ordinal(n) == text


def test_every_number_to_2000_is_distinct_and_its_heading_number_strips() -> None:
    texts = [chinese_ordinal(n) for n in range(1, 2001)]
    assert len(set(texts)) == 2000
    assert all(strip_heading_number(f"（{t}）推进改革") == "推进改革" for t in texts)
    assert strip_heading_number("第一百零二章 附则") == "附则"
