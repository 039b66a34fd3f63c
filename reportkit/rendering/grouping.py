"""Group texts that say the same thing in different words, and pick the informative ones.

Units write the same problem in their own words: 经费保障不足 / 经费不足 / 资金保障不到位 /
项目资金到位较晚. The report names such a problem once, with who raised it
("经费保障不足（梁子湖区等8个单位反映）"), instead of pasting every unit's sentence.

Texts are compared on a *key*: the unit's own name is removed from the start, digits become
``#`` (the same sentence with other figures is the same sentence), punctuation and filler
words go, and a short table of synonyms maps common wordings to one (资金 → 经费,
不到位 → 不足). Two keys are similar when most character pairs (bigrams) of the shorter one
occur in the longer one. Grouping is greedy in input order, so it is deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Applied in order to the comparison key only; the text shown is always a unit's own words.
SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"财政投入|资金|投入", "经费"),
    (r"到位较晚|到位慢|不到位|短缺|紧张|有缺口|缺口较大|欠缺|缺乏|匮乏|薄弱|不够|不充足|有限", "不足"),
    (r"保障", ""),
    (r"执法力量|监管力量|人员力量|人手|专业技术人员|专业人才|执法人员|工作人员|人才", "人员"),
    (r"检验检测|检测", "检测"),
    (r"共享不充分|共享不畅|互通不畅|未能共享|共享机制尚未建立", "共享不足"),
    (r"专项|项目|部分|相关|基层|各项|一些|存在|仍然|仍|还|较为|比较|的", ""),
)
_SYNONYMS = tuple((re.compile(p), r) for p, r in SYNONYMS)
_PUNCT = re.compile(r"[\s，,。.;；:：、！!？?“”\"'‘’（）()《》【】\-—…·]")
_DIGITS = re.compile(r"\d+(?:\.\d+)?%?")
_CLAUSE = re.compile(r"[，,；;。]")
_SENTENCE = re.compile(r"(?<=[。；;！!？?])")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|个|项|次|家|户|件|万|亿|元|轮|人|所|批|条|座|台|公里|平方米|吨)?")

SIMILARITY = 0.6  # share of the shorter key's bigrams found in the other key


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def comparison_key(text: str, names: Sequence[str] = (), *, first_clause: bool = True) -> str:
    """The text reduced for comparison (never shown)."""
    s = text.strip()
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if s.startswith(name):
            s = s[len(name):]
            break
    s = re.sub(r"“[^”]*”", "", s)  # quoted titles (the task's own name) say nothing about the text
    if first_clause:
        head = _CLAUSE.split(s, maxsplit=1)[0]
        if len(_PUNCT.sub("", head)) >= 4:
            s = head
    s = _DIGITS.sub("#", s)
    s = _PUNCT.sub("", s)
    for pattern, repl in _SYNONYMS:
        s = pattern.sub(repl, s)
    return s


def similarity(a: str, b: str) -> float:
    """Overlap coefficient of the two keys' bigram sets (1.0 when one key contains the other)."""
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / min(len(x), len(y))


@dataclass(frozen=True)
class TextGroup:
    """Texts that say the same thing; ``text`` is one of them, as its unit wrote it."""

    text: str
    units: tuple[str, ...]  # who wrote it, first appearance first, each once
    members: tuple[tuple[str, str], ...]  # (unit, text) as written

    @property
    def count(self) -> int:
        return len(self.units)

    def who(self, limit: int = 3) -> str:
        """``梁子湖区`` / ``鄂城区、华容区`` / ``梁子湖区等8个单位``."""
        if len(self.units) <= limit:
            return "、".join(self.units)
        return f"{'、'.join(self.units[:2])}等{len(self.units)}个单位"

    @property
    def clause(self) -> str:
        """The representative text without its closing punctuation, for use inside a sentence."""
        return self.text.strip().rstrip("。；;，,")


def group_texts(items: Iterable[tuple[str, str]], *, names: Sequence[str] = (), first_clause: bool = True,
                threshold: float = SIMILARITY) -> list[TextGroup]:
    """Group ``(unit, text)`` pairs whose texts say the same thing.

    ``names`` are unit names removed from the start of a text before comparing ("鄂城区深化…").
    Groups come most-raised first, then in order of first appearance.
    """
    clusters: list[tuple[list[str], list[tuple[str, str]]]] = []  # (keys, members)
    for unit, text in items:
        text = (text or "").strip()
        if not text:
            continue
        key = comparison_key(text, names, first_clause=first_clause)
        for keys, members in clusters:
            if any(similarity(key, k) >= threshold for k in keys):
                keys.append(key)
                members.append((unit, text))
                break
        else:
            clusters.append(([key], [(unit, text)]))
    groups = []
    for keys, members in clusters:
        counts = Counter(keys)
        best = max(range(len(members)), key=lambda i: (counts[keys[i]], -i))  # most common wording, first seen
        units = tuple(dict.fromkeys(u for u, _ in members))
        groups.append(TextGroup(_without_name(members[best][1], names), units, tuple(members)))
    order = {id(g): i for i, g in enumerate(groups)}
    return sorted(groups, key=lambda g: (-g.count, order[id(g)]))


def _without_name(text: str, names: Sequence[str]) -> str:
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if text.startswith(name) and len(text) > len(name) + 2:
            return text[len(name):]
    return text


def sentences(text: str) -> list[str]:
    """A text split into its sentences (。；！？ kept)."""
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def figures(text: str) -> int:
    """How many figures (numbers, with or without a measure word) a text contains."""
    return len(_FIGURE.findall(text or ""))


def informative(text: str) -> bool:
    """A text that says something measurable (contains a figure other than a year)."""
    without_years = re.sub(r"(?:19|20)\d{2}年", "", text or "")
    return figures(without_years) > 0
