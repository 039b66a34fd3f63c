"""``as_plain`` gives what ``dataclasses.asdict`` gives, without copying the leaves."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import asdict, dataclass, field
from enum import Enum

from reportkit.definitions.loader import load_plan
from reportkit.findings import Finding, Location, Severity
from reportkit.plain import as_plain
from reportkit.scaffold import example_plan_path


class Colour(Enum):
    RED = "red"


Pair = namedtuple("Pair", "left right")


@dataclass
class Inner:
    name: str
    when: dt.date
    tags: tuple[str, ...] = ()


@dataclass
class Outer:
    inner: Inner
    items: list[Inner] = field(default_factory=list)
    by_code: dict[str, Inner] = field(default_factory=dict)
    pair: Pair = Pair(1, 2)
    colour: Colour = Colour.RED
    nested: tuple[tuple[int, ...], ...] = ((1, 2), (3,))
    anything: object = None


def test_as_plain_is_asdict_without_copies():
    leaf = {"不会被复制"}  # a set: a leaf to asdict, which deep-copies it
    obj = Outer(Inner("甲", dt.date(2023, 1, 1), ("a", "b")), [Inner("乙", dt.date(2024, 2, 2))],
                {"K": Inner("丙", dt.date(2025, 3, 3))}, anything={"leaf": leaf})
    plain = as_plain(obj)
    assert plain == asdict(obj)
    assert type(plain["pair"]) is Pair and type(plain["nested"]) is tuple and type(plain["items"]) is list
    assert plain["anything"]["leaf"] is leaf  # asdict would have copied it


def test_as_plain_matches_asdict_on_the_projects_own_data():
    plan = load_plan(example_plan_path("dinghu"))
    for row in (plan.info, *plan.indicators, *plan.items, *plan.tasks, *plan.units):
        assert as_plain(row) == asdict(row)
    finding = Finding("value.not-number", Severity.ERROR, "不是数字", Location(sheet="指标", cell="C5"), value=3)
    assert {**finding.to_dict()} == {**asdict(finding), "severity": "error", "severity_label": finding.severity.label,
                                     "value": "3"}
    assert finding.with_location(cell="D6").location == Location(sheet="指标", cell="D6")
