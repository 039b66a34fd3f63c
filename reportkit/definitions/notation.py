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


class Relative(StrEnum):
    """A target printed relative to the baseline; its number is resolved when the baseline is known."""

    NONE = ""
    FACTOR = "factor"  # 翻一番: baseline × amount
    PERCENT = "percent"  # 下降10%: baseline × (1 + amount/100)
    POINTS = "points"  # 提高3个百分点: baseline + amount (percentage points)
    ADD = "add"  # 增加3件: baseline + amount
    GROWTH = "growth"  # 年均增长7%: judged by the yearly growth achieved against amount %

    @property
    def label(self) -> str:
        return {"": "", "factor": "倍数", "percent": "增减幅度", "points": "百分点", "add": "增减量",
                "growth": "年均增速"}[self.value]


# A milestone's baseline / target as plans and coordinators write it: done (1) or not (0).
MILESTONE_WORDS = {"是": 1.0, "完成": 1.0, "已完成": 1.0, "建成": 1.0, "已建成": 1.0, "实现": 1.0, "已实现": 1.0,
                   "否": 0.0, "未完成": 0.0, "未建成": 0.0, "未实现": 0.0}
NO_VALUE_TOKENS = {"", "—", "——", "-", "--", "－", "/", "／", "无", "暂无", "不适用", "n/a", "na", "none", "…", "..."}

DEFAULT_CUMULATIVE = ("〔〕", "[]", "［］", "【】")
DEFAULT_NEW = ("〈〉", "（）", "()", "<>", "《》")

# Longest first within each list; (prefix, strict)
_FLOOR_PREFIX = (("大于等于", False), ("不低于", False), ("不少于", False), ("力争达到", False), ("达到", False),
                 ("至少", False), ("超过", True), ("高于", True), ("大于", True), ("≥", False), (">=", False),
                 ("≧", False), ("达", False), (">", True))
_CEILING_PREFIX = (("小于等于", False), ("不高于", False), ("不超过", False), ("不多于", False), ("控制在", False),
                   ("压缩至", False), ("压缩到", False), ("降低至", False), ("下降至", False), ("降至", False),
                   ("缩短至", False), ("低于", True), ("小于", True), ("≤", False), ("<=", False), ("≦", False),
                   ("<", True))
_EXACT_PREFIX = ("为", "保持", "达")
# Words that make a target hold every year, not only at the target year.
_MAINTAINED_PREFIX = (("每年不低于", Direction.FLOOR), ("每年不少于", Direction.FLOOR),
                      ("每年不高于", Direction.CEILING), ("每年不超过", Direction.CEILING),
                      ("持续稳定在", Direction.EXACT), ("稳定保持在", Direction.EXACT), ("稳定在", Direction.EXACT),
                      ("保持在", Direction.EXACT), ("始终保持", Direction.EXACT), ("持续保持", Direction.EXACT),
                      ("保持", Direction.EXACT), ("每年", Direction.EXACT))
_FLOOR_SUFFIX = ("以上",)
_CEILING_SUFFIX = ("以内", "以下")
_NEVER = re.compile(r"^(确保|力争|坚决)?(不发生|无|杜绝|零发生)")
_FULL_COVERAGE = re.compile(r"^(实现|达到)?全(面)?覆盖$")
_BASE_YEAR = re.compile(r"^(在|较|比)?(?P<year>\d{4})年?(的)?(基础上|基础|水平上)?(?P<rest>.*)$")
_BASE_PERIOD = re.compile(r"^(在|较|比)“?(?P<period>[^基]{1,12}?)”?(的)?基础上")
_DOUBLING = {"翻一番": 2.0, "翻番": 2.0, "翻两番": 4.0, "翻二番": 4.0, "翻三番": 8.0}
_GROWTH = re.compile(r"^年均(增长|增速|增长率|提高)?(?P<sign>下降|减少|降低)?(率)?(为|达到|达)?")
_UP = ("增长", "提高", "提升", "增加", "上升")
# 逐年提高 / 同比下降, alone or after a level (保持在80%以上并逐年提高)
_YEARLY = re.compile(r"(^|[并且，,、；;]+)(逐年|同比|年年|每年|持续|稳步)(?P<verb>提高|提升|增长|增加|上升|下降|降低|减少)$")
_DOWN = ("下降", "降低", "减少", "压减", "缩减")

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_LEADING_NUMBER = re.compile(r"^(?P<num>[+-]?(\d+(\.\d*)?|\.\d+))(?P<rest>.*)$")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUMBER = re.compile(r"^(?P<num>[零〇一二两三四五六七八九十百千万]+)(?P<rest>.*)$")
_RANGE = re.compile(r"^(?P<lo>\d+(\.\d+)?)\s*(?P<u1>%|‰)?\s*(-|~|～|至|到|—|－)\s*(?P<hi>\d+(\.\d+)?)(?P<rest>.*)$")
_UNIT_TEXT = re.compile(r"^[^\d\s.+\-][^\s]{0,11}$")

READABLE_FORMS = ("≥95%、95%以上、达95%以上、不少于100人、≤2、控制在10以内、〔6000〕、≥〔6000〕、〈5〉、6-10、"
                  "全覆盖、确保不发生、稳定在85%以上、翻一番、下降10%、提高3个百分点、年均增长7%、逐年提高、保持在80%以上并逐年提高")


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
    """A baseline or target as printed: the number, its direction and its notation.

    ``value`` is the absolute number (the lower end of a range ``6-10``); a relative target
    (``翻一番``, ``下降10%``, ``年均增长7%``) has ``value`` None and its ``relative`` kind and
    ``amount``, resolved against the baseline when it is known. ``maintained`` targets
    (``稳定在85%以上``, ``确保不发生``) must hold in every year, ``strict`` ones (``>95``) exclude
    the bound itself. ``unit`` is a unit printed inside the value (``100人以上``).
    """

    text: str
    value: float | None
    direction: Direction = Direction.EXACT
    notation: Notation = Notation.PLAIN
    percent: bool = False
    error: str | None = field(default=None, compare=False)
    maintained: bool = False
    strict: bool = False
    upper: float | None = None  # upper end of a range target (6-10 → value 6, upper 10)
    relative: Relative = Relative.NONE
    amount: float | None = None  # the number of a relative target (2 for 翻一番, -10 for 下降10%)
    base_year: int | None = None  # 在2019年基础上 → 2019
    unit: str = ""  # a unit printed in the value: 件, 人, ‰, 个百分点 is not a unit
    yearly: bool = False  # 逐年提高 / 同比下降: each year better than the year before, in ``direction``

    @property
    def is_blank(self) -> bool:
        return self.value is None and self.error is None and self.relative is Relative.NONE and not self.yearly

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def is_range(self) -> bool:
        return self.upper is not None

    def display(self) -> str:
        return self.text.strip() if self.text.strip() else "—"

    def resolve(self, baseline: float | None) -> float | None:
        """The absolute target: ``value``, or a relative target applied to ``baseline``.
        Growth-rate targets give the level the growth would reach after one year per unit of
        ``amount``, so they are resolved by the evaluation (which knows the span), not here."""
        if self.relative is Relative.NONE:
            return self.value
        if baseline is None or self.amount is None or self.relative is Relative.GROWTH:
            return None
        if self.relative is Relative.FACTOR:
            return baseline * self.amount
        if self.relative is Relative.PERCENT:
            return baseline * (1 + self.amount / 100)
        return baseline + self.amount


def normalise(text: str) -> str:
    """NFKC-normalise (full-width digits and signs) but keep the CJK brackets we care about;
    the typeset minus (−) becomes a hyphen-minus."""
    keep = {"〔": "〔", "〕": "〕", "〈": "〈", "〉": "〉", "（": "（", "）": "）", "【": "【", "】": "】",
            "［": "［", "］": "］", "《": "《", "》": "》", "—": "—", "－": "－", "／": "／"}
    out = []
    for ch in text:
        if ch == "\u2212":
            out.append("-")
        else:
            out.append(keep[ch] if ch in keep else unicodedata.normalize("NFKC", ch))
    return "".join(out).strip()


def chinese_number(text: str) -> int | None:
    """``八`` → 8, ``十二`` → 12, ``两千三百`` → 2300; None when not a Chinese numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, section, digit, last = 0, 0, None, 10000
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # 十三五 is a plan period, not a number
            digit = _CN_DIGITS[ch]
            continue
        unit = _CN_UNITS[ch]
        if unit == 10000:
            total += (section + (digit or 0)) * unit
            section, digit, last = 0, None, 10000
        else:
            if unit >= last:
                return None  # 百百, 十百: units must descend
            section += (1 if digit is None else digit) * unit
            digit, last = None, unit
    return total + section + (digit or 0)


class _Unreadable(Exception):
    pass


@dataclass
class _Parse:
    """Mutable state while one cell is read."""

    s: str
    direction: Direction = Direction.EXACT
    notation: Notation = Notation.PLAIN
    percent: bool = False
    maintained: bool = False
    strict: bool = False
    upper: float | None = None
    relative: Relative = Relative.NONE
    amount: float | None = None
    base_year: int | None = None
    unit: str = ""
    yearly: bool = False

    def set_direction(self, d: Direction) -> None:
        if d is Direction.EXACT:
            return
        if self.direction is not Direction.EXACT and self.direction is not d:
            raise _Unreadable("同时写了下限和上限")
        self.direction = d

    def brackets(self, conv: BracketConventions) -> None:
        for pair in conv.cumulative + conv.new:
            opener, closer = _norm_pair(pair)
            if self.s.startswith(opener) and self.s.endswith(closer) and len(self.s) > 2:
                self.s = self.s[len(opener): len(self.s) - len(closer)].strip()
                self.notation = Notation.CUMULATIVE if pair in conv.cumulative else Notation.NEW
                return

    def prefix(self, words: tuple[tuple[str, bool], ...], d: Direction) -> bool:
        for word, strict in words:
            w = normalise(word)
            if self.s.startswith(w):
                self.s = self.s[len(w):].strip()
                self.set_direction(d)
                self.strict = self.strict or strict
                return True
        return False


def parse_plan_value(raw: object, conventions: BracketConventions | None = None) -> PlanValue:
    """Parse one baseline/target cell. Never raises: an unparseable text has ``error`` set,
    quoting the text and naming the forms that are read."""
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
    if s in MILESTONE_WORDS:
        return PlanValue(text, MILESTONE_WORDS[s])
    p = _Parse(s)
    try:
        value = _read(p, conv)
    except _Unreadable as exc:
        why = str(exc)
        return PlanValue(text, None, p.direction, p.notation, p.percent,
                         error=f"无法识别“{text}”{('（' + why + '）') if why else ''}；可识别的写法如 {READABLE_FORMS}")
    if value is None and p.relative is Relative.NONE and not p.yearly:
        if p.direction is not Direction.EXACT or p.percent:
            return PlanValue(text, None, p.direction, p.notation, p.percent, error=f"“{text}”缺少数值")
        return PlanValue(text, None, p.direction, p.notation, p.percent)
    return PlanValue(text, value, p.direction, p.notation, p.percent, None, p.maintained, p.strict, p.upper,
                     p.relative, p.amount, p.base_year, p.unit, p.yearly)


def _read(p: _Parse, conv: BracketConventions) -> float | None:
    """Consume ``p.s`` from the left: brackets, maintained words, base year, sign words,
    relative words, the number and its unit, suffix words; brackets may sit outside or
    inside the sign (``〔≥6000〕`` and ``≥〔6000〕``)."""
    p.brackets(conv)
    yearly = _YEARLY.search(p.s)
    if yearly:
        p.yearly = True
        p.s = p.s[: yearly.start()].strip()
        p.set_direction(Direction.CEILING if yearly.group("verb") in _DOWN else Direction.FLOOR)
        if not p.s:
            return None
    if _NEVER.match(p.s):  # 确保不发生重大食品安全事故: zero, every year
        p.maintained, p.direction = True, Direction.CEILING
        return 0.0
    if _FULL_COVERAGE.match(p.s):  # 全覆盖: 100%, a floor
        p.percent, p.direction = True, Direction.FLOOR
        return 100.0
    for word, d in _MAINTAINED_PREFIX:
        if p.s.startswith(word):
            p.s = p.s[len(word):].strip()
            p.maintained = True
            p.set_direction(d)
            break
    _base(p)
    p.prefix(_FLOOR_PREFIX, Direction.FLOOR) or p.prefix(_CEILING_PREFIX, Direction.CEILING)
    p.brackets(conv)
    for word in _EXACT_PREFIX:
        if p.s.startswith(word) and len(p.s) > len(word):
            p.s = p.s[len(word):].strip()
            break
    if _relative(p):
        return None
    for suffix in _FLOOR_SUFFIX + _CEILING_SUFFIX:
        if p.s.endswith(suffix):
            p.s = p.s[: -len(suffix)].strip()
            p.set_direction(Direction.FLOOR if suffix in _FLOOR_SUFFIX else Direction.CEILING)
            break
    if p.s.endswith("左右"):
        p.s = p.s[:-2].strip()
    p.brackets(conv)
    if p.s.lower() in NO_VALUE_TOKENS:
        return None
    return _number_and_unit(p)


def _base(p: _Parse) -> None:
    m = _BASE_YEAR.match(p.s)
    if m and (m.group(0) != m.group("rest")) and re.match(r"^(在|较|比)?\d{4}年", p.s):
        p.base_year = int(m.group("year"))
        p.s = m.group("rest").strip().lstrip("，,").strip()
        return
    m2 = _BASE_PERIOD.match(p.s)
    if m2:
        raise _Unreadable(f"相对目标的基准“{m2.group('period')}”不是年份，请填写基期年和基期值，目标写成“翻一番”等")


def _relative(p: _Parse) -> bool:
    """翻一番 / 年均增长7% / 下降10% / 提高3个百分点 / 增加3件."""
    s = p.s
    for word, factor in _DOUBLING.items():
        if s.startswith(word) or s == word:
            p.relative, p.amount, p.direction = Relative.FACTOR, factor, Direction.FLOOR
            p.s = s[len(word):].strip()
            if p.s:
                raise _Unreadable("“翻番”后还有其他内容")
            return True
    m = _GROWTH.match(s)
    if m and m.group(0):
        rest = s[m.end():].strip()
        amount, rest = _leading_number(rest)
        if amount is None or not rest.startswith("%"):
            raise _Unreadable("年均增速应写成百分数，如 年均增长7%")
        p.relative, p.amount, p.percent = Relative.GROWTH, -amount if m.group("sign") else amount, False
        p.set_direction(Direction.CEILING if m.group("sign") else Direction.FLOOR)
        p.s = rest[1:].strip()
        _trailing_direction(p)
        return True
    for words, sign in ((_UP, 1.0), (_DOWN, -1.0)):
        for word in words:
            if not s.startswith(word):
                continue
            amount, rest = _leading_number(s[len(word):].strip())
            if amount is None:
                raise _Unreadable(f"“{word}”后缺少数值")
            rest = rest.strip()
            if rest.startswith("个百分点"):
                p.relative, rest = Relative.POINTS, rest[4:]
            elif rest.startswith("%"):
                p.relative, rest = Relative.PERCENT, rest[1:]
            elif rest.startswith("倍"):
                p.relative, amount, rest = Relative.FACTOR, 1 + amount, rest[1:]
            else:
                p.relative = Relative.ADD
                unit, rest = _split_unit_text(rest)
                p.unit = unit
            p.amount = sign * amount
            p.set_direction(Direction.FLOOR if sign > 0 else Direction.CEILING)
            p.s = rest.strip()
            _trailing_direction(p)
            return True
    return False


def _trailing_direction(p: _Parse) -> None:
    for suffix in _FLOOR_SUFFIX + _CEILING_SUFFIX + ("左右",):
        if p.s == suffix:
            if suffix != "左右":
                p.set_direction(Direction.FLOOR if suffix in _FLOOR_SUFFIX else Direction.CEILING)
            p.s = ""
    if p.s:
        raise _Unreadable(f"无法识别“{p.s}”")


def _leading_number(s: str) -> tuple[float | None, str]:
    s = s.replace(",", "")
    m = _LEADING_NUMBER.match(s)
    if m:
        return float(m.group("num")), m.group("rest")
    m = _CN_NUMBER.match(s)
    if m:
        n = chinese_number(m.group("num"))  # the whole run of numerals: 十三五 is not 13
        if n is not None:
            return float(n), m.group("rest")
    return None, s


def _split_unit_text(rest: str) -> tuple[str, str]:
    """A unit at the start of ``rest`` (up to a suffix word) and what follows it."""
    for suffix in (*_FLOOR_SUFFIX, *_CEILING_SUFFIX, "左右"):
        if rest.endswith(suffix):
            return rest[: -len(suffix)].strip(), suffix
    return rest.strip(), ""


def _number_and_unit(p: _Parse) -> float:
    s = p.s.replace(",", "")
    m = _RANGE.match(s)
    if m:
        lo, hi = float(m.group("lo")), float(m.group("hi"))
        if hi < lo:
            raise _Unreadable("区间的下限大于上限")
        p.upper = hi
        p.percent = bool(m.group("u1") == "%")
        _unit(p, m.group("rest").strip())
        if p.direction is not Direction.EXACT:
            raise _Unreadable("区间目标不能再加 ≥ 或 ≤")
        return lo
    value, rest = _leading_number(s)
    if value is None:
        raise _Unreadable("")
    if not usable_number(value):
        raise _Unreadable("超出可处理的数值范围")
    _unit(p, rest.strip())
    return value


def _unit(p: _Parse, rest: str) -> None:
    if not rest:
        return
    if rest in {"%", "％"}:
        p.percent = True
        return
    if rest == "个百分点":
        raise _Unreadable("“个百分点”表示相对基期的变化，请写成“提高3个百分点”")
    if not _UNIT_TEXT.match(rest) or re.match(r"^[eE][+-]?\d", rest):  # 1e308 is not 1 of unit "e308"
        raise _Unreadable(f"数值后的“{rest}”不是单位")
    p.unit = rest


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
