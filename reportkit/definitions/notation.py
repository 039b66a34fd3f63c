"""Parse values as they are printed in real plan indicator tables.

``〔3.12〕`` cumulative, ``〈5〉`` new in the plan period, ``≥99`` a floor, ``≤2`` a ceiling,
``≥95%`` a floor in percent, ``—`` no value. Which bracket means what can be set per plan
(a plan's own 备注 says so); the defaults follow the usual convention
(〔〕/[] cumulative, 〈〉/（）/() new-in-period).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Direction(StrEnum):
    FLOOR = "floor"  # ≥: at least
    CEILING = "ceiling"  # ≤: at most
    EXACT = "exact"  # a plain number as printed (direction inferred from the baseline)

    @property
    def label(self) -> str:
        return {"floor": "≥", "ceiling": "≤", "exact": ""}[self.value]


class Notation(StrEnum):
    PLAIN = "plain"
    CUMULATIVE = "cumulative"  # 〔〕: stock / cumulative value
    NEW = "new"  # 〈〉: amount new during the plan period

    @property
    def label(self) -> str:
        return {"plain": "", "cumulative": "累计数", "new": "规划期新增数"}[self.value]


NO_VALUE_TOKENS = {"", "—", "——", "-", "--", "－", "/", "／", "无", "暂无", "不适用", "n/a", "na", "none", "…", "..."}

DEFAULT_CUMULATIVE = ("〔〕", "[]", "［］", "【】")
DEFAULT_NEW = ("〈〉", "（）", "()", "<>", "《》")

_FLOOR_PREFIX = ("≥", ">=", "＞＝", "≧", "不低于", "不少于", "大于等于", "达到")
_CEILING_PREFIX = ("≤", "<=", "＜＝", "≦", "不高于", "不超过", "小于等于", "控制在")
_FLOOR_SUFFIX = ("以上",)
_CEILING_SUFFIX = ("以内", "以下")

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class BracketConventions:
    """Which bracket pairs mean cumulative and which mean new-in-period in one plan."""

    cumulative: tuple[str, ...] = DEFAULT_CUMULATIVE
    new: tuple[str, ...] = DEFAULT_NEW

    @classmethod
    def from_text(cls, cumulative: str | None, new: str | None) -> BracketConventions:
        """Build from plan-workbook text such as ``〔〕 []`` (pairs separated by space/、/,)."""
        return cls(
            cumulative=_pairs(cumulative) or DEFAULT_CUMULATIVE,
            new=_pairs(new) or DEFAULT_NEW,
        )


def _pairs(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    parts = [p for p in re.split(r"[\s,，、;；]+", text.strip()) if p]
    return tuple(p for p in parts if len(p) == 2)


@dataclass(frozen=True)
class PlanValue:
    """A baseline or target as printed: the number, its direction and its notation."""

    text: str
    value: float | None
    direction: Direction = Direction.EXACT
    notation: Notation = Notation.PLAIN
    percent: bool = False
    error: str | None = field(default=None, compare=False)

    @property
    def is_blank(self) -> bool:
        return self.value is None and self.error is None

    @property
    def ok(self) -> bool:
        return self.error is None

    def display(self) -> str:
        return self.text.strip() if self.text.strip() else "—"


def normalise(text: str) -> str:
    """NFKC-normalise (full-width digits and signs) but keep the CJK brackets we care about."""
    keep = {"〔": "〔", "〕": "〕", "〈": "〈", "〉": "〉", "（": "（", "）": "）", "【": "【", "】": "】",
            "［": "［", "］": "］", "《": "《", "》": "》", "—": "—", "－": "－", "／": "／"}
    out = []
    for ch in text:
        out.append(keep[ch] if ch in keep else unicodedata.normalize("NFKC", ch))
    return "".join(out).strip()


def parse_plan_value(raw: object, conventions: BracketConventions | None = None) -> PlanValue:
    """Parse one baseline/target cell. Never raises: an unparseable text has ``error`` set."""
    conv = conventions or BracketConventions()
    if raw is None:
        return PlanValue("", None)
    if isinstance(raw, bool):
        return PlanValue(str(raw), None, error="不是数值")
    if isinstance(raw, int | float):
        if not usable_number(float(raw)):
            return PlanValue(str(raw), None, error=f"“{raw}”超出可处理的数值范围")
        return PlanValue(_fmt(float(raw)), float(raw))
    text = str(raw)
    s = normalise(text)
    if s.lower() in NO_VALUE_TOKENS:
        return PlanValue(text, None)
    notation = Notation.PLAIN
    for pair in conv.cumulative + conv.new:
        opener, closer = _norm_pair(pair)
        if s.startswith(opener) and s.endswith(closer):
            s = s[len(opener): len(s) - len(closer)].strip()
            notation = Notation.CUMULATIVE if pair in conv.cumulative else Notation.NEW
            break
    direction = Direction.EXACT
    for prefix in _FLOOR_PREFIX + _CEILING_PREFIX:
        p = normalise(prefix)
        if s.startswith(p):
            s = s[len(p):].strip()
            direction = Direction.FLOOR if prefix in _FLOOR_PREFIX else Direction.CEILING
            break
    for suffix in _FLOOR_SUFFIX + _CEILING_SUFFIX:
        if s.endswith(suffix):
            s = s[: -len(suffix)].strip()
            direction = Direction.FLOOR if suffix in _FLOOR_SUFFIX else Direction.CEILING
            break
    percent = False
    if s.endswith("%"):
        s = s[:-1].strip()
        percent = True
    s = s.replace(",", "")
    if s.lower() in NO_VALUE_TOKENS:
        if direction is not Direction.EXACT or percent:
            return PlanValue(text, None, direction, notation, percent, error=f"“{text}”缺少数值")
        return PlanValue(text, None, direction, notation, percent)
    if not _NUMBER.match(s):
        return PlanValue(text, None, direction, notation, percent, error=f"无法识别“{text}”中的数值")
    if not usable_number(float(s)):
        return PlanValue(text, None, direction, notation, percent, error=f"“{text}”超出可处理的数值范围")
    return PlanValue(text, float(s), direction, notation, percent)


def usable_number(v: float) -> bool:
    """Finite and of a size no plan figure reaches (1e308 becomes inf at the first sum)."""
    from ..intake.values import MAX_MAGNITUDE

    return math.isfinite(v) and abs(v) < MAX_MAGNITUDE


def _norm_pair(pair: str) -> tuple[str, str]:
    return normalise(pair[0]) or pair[0], normalise(pair[1]) or pair[1]


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


_UNIT_IN_NAME = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()]{1,12})[)）]\s*$")


def split_unit(name: str) -> tuple[str, str]:
    """``全市市场主体数量(万户)`` → (``全市市场主体数量``, ``万户``). Returns (name, '') if none."""
    m = _UNIT_IN_NAME.match(name.strip())
    if not m:
        return name.strip(), ""
    return m.group("name").strip(), m.group("unit").strip()
