"""What the plan says in its text: name, issuing body, region, plan years, the bracket note,
chapters and sections with their lead sentences, 专栏 boxes, and targets written in prose.

Everything returned carries the sentence it came from and where it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .sources import Paragraph, clean

_FIVE_YEAR = {"十一五": (2005, 2010), "十二五": (2010, 2015), "十三五": (2015, 2020), "十四五": (2020, 2025),
              "十五五": (2025, 2030), "十六五": (2030, 2035)}
_NUM = "一二三四五六七八九十百"
_CHAPTER = re.compile(rf"^(第[{_NUM}]+章|[{_NUM}]+、)\s*(.+)$")
_SECTION = re.compile(rf"^(第[{_NUM}]+节|[（(][{_NUM}]+[)）])\s*(.+)$")
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.．、]\s*(.+)$")
_ENUMERATOR = re.compile(rf"^(?:\d{{1,2}}\s*[.．、]|[（(][{_NUM}]+[)）]|[（(]\d{{1,2}}[)）])\s*")
_BOX = re.compile(r"^专栏\s*(\d{1,2}|[一二三四五六七八九十]+)[\s:：]*(.*)$")
_NOT_TASK_CHAPTER = re.compile(r"背景|基础|形势|总体要求|指导思想|基本原则|发展目标|主要目标|保障|组织实施|实施机制|附件|附表")
_TASK_PARENT = re.compile(r"主要任务|重点任务")
_PROSE_TARGET = re.compile(r"(?:到|至|截至|截止)\s*((?:19|20)\d\d)\s*年(?:底|末)?")
_TARGET_VALUE = re.compile(
    r"(?:达到|达|提高到|提升到|提高至|提升至|增加到|增长到|不低于|不少于|超过|控制在|稳定在|保持在|降低到|降至|下降到)\s*"
    r"(\d+(?:\.\d+)?\s*(?:%|％|‰|[万亿千百]?[户家件个项人元次张批所座台套条]|[万亿]?元)?(?:/[^\s，,。；;]{1,6})?\s*(?:以上|以内|以下|左右)?)")


@dataclass(frozen=True)
class Found:
    """A value read from the plan text, with the sentence it came from."""

    value: str
    quote: str
    where: str


@dataclass
class PlanFacts:
    name: Found | None = None
    issuer: Found | None = None
    region: Found | None = None
    years: tuple[Found, Found] | None = None  # baseline year, target year
    cumulative: Found | None = None
    new: Found | None = None
    note: Found | None = None


@dataclass
class TaskCandidate:
    chapter: str
    section: str
    title: str
    kind: str  # 重点任务 / 专栏项目
    milestone: str
    due_year: str
    quote: str
    where: str


@dataclass
class TargetCandidate:
    chapter: str
    year: str
    value: str
    sentence: str
    where: str


@dataclass
class ProseResult:
    facts: PlanFacts = field(default_factory=PlanFacts)
    tasks: list[TaskCandidate] = field(default_factory=list)
    targets: list[TargetCandidate] = field(default_factory=list)


def read_facts(paragraphs: list[Paragraph], table_years: tuple[int, ...], table_where: str = "") -> PlanFacts:
    facts = PlanFacts()
    texts = [(clean(p.text), p) for p in paragraphs]
    facts.name = _plan_name(texts)
    facts.issuer = _issuer(texts)
    if facts.name:
        region = _region(facts.name.value)
        if region:
            facts.region = Found(region, facts.name.quote, facts.name.where)
    facts.years = _years(texts, facts.name, table_years, table_where)
    facts.cumulative, facts.new, facts.note = _brackets(texts)
    return facts


def _plan_name(texts: list[tuple[str, Paragraph]]) -> Found | None:
    for text, p in texts[:80]:
        if 6 <= len(text) <= 50 and re.search(r"规划(（\d{4}\s*[—–-]+\s*\d{4}年）)?$", text) \
                and not text.startswith(("关于", "《")) and "印发" not in text and "通知" not in text:
            return Found(text, text, p.where)
    for text, p in texts[:20]:
        m = re.search(r"关于印发(.+?规划)的通知", text)
        if m:
            return Found(m.group(1).strip("《》"), text, p.where)
    return None


def _issuer(texts: list[tuple[str, Paragraph]]) -> Found | None:
    # The signature: a short line naming a government body, followed by its date.
    for k, (text, p) in enumerate(texts[:120]):
        if len(text) <= 30 and re.search(r"(人民政府(办公室|办公厅)?|办公厅|委员会|管理局|监督管理局)$", text):
            following = [t for t, _ in texts[k + 1:k + 3]]
            if any(re.fullmatch(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", t) for t in following):
                return Found(text, text, p.where)
    return None


def _region(name: str) -> str:
    m = re.match(r"^((?:[\u4e00-\u9fff]{1,6}?(?:省|自治区|自治州|市|地区|盟|区|县|旗)(?!场))+)", name)
    return m.group(1) if m else ""


def _years(texts: list[tuple[str, Paragraph]], name: Found | None, table_years: tuple[int, ...],
           table_where: str) -> tuple[Found, Found] | None:
    from_table = None
    if len(table_years) == 2:
        quote = f"主要指标表表头年份 {table_years[0]}、{table_years[1]}"
        from_table = Found(str(table_years[0]), quote, table_where), Found(str(table_years[1]), quote, table_where)
    candidates = ([(name.quote, name.where)] if name else []) + [(t, p.where) for t, p in texts[:60]]
    for text, where in candidates:
        m = re.search(r"((?:19|20)\d\d)\s*[—–\-~～至到]+\s*((?:19|20)\d\d)\s*年", text)
        if m:
            start, end = int(m.group(1)), int(m.group(2))
            base = start - 1 if end - start in {4, 2} else start
            return Found(str(base), text, where), Found(str(end), text, where)
        for word, (b, e) in _FIVE_YEAR.items():
            if f"{word}”" in text or f"{word}\"" in text or f"{word}规划" in text or f"“{word}" in text:
                return from_table or (Found(str(b), text, where), Found(str(e), text, where))
    return from_table


_BRACKET_NOTE = re.compile(r"([〔\[［【(（〈<《])\s*([〕\]］】)）〉>》])\s*(?:内|中)?\s*(?:为|是|表示|系)\s*([^，,。；;、]*)")


def _brackets(texts: list[tuple[str, Paragraph]]) -> tuple[Found | None, Found | None, Found | None]:
    cumulative: list[str] = []
    new: list[str] = []
    note: Found | None = None
    for text, p in texts:
        hits = list(_BRACKET_NOTE.finditer(text))
        if not hits:
            continue
        for m in hits:
            pair, meaning = m.group(1) + m.group(2), m.group(3)
            if "新增" in meaning or "期间" in meaning:
                new.append(pair)
            elif "累计" in meaning or "总量" in meaning or "存量" in meaning:
                cumulative.append(pair)
        if cumulative or new:
            note = Found(text, text, p.where)
            break
    if note is None:
        return None, None, None
    return (Found(" ".join(cumulative), note.quote, note.where) if cumulative else None,
            Found(" ".join(new), note.quote, note.where) if new else None, note)


# ----------------------------------------------------------------------------- tasks


def read_tasks(paragraphs: list[Paragraph]) -> ProseResult:
    """Task candidates (lead sentences of the task chapters, 专栏 items) and prose targets."""
    reader = _TaskReader()
    for p in paragraphs:
        text = clean(p.text)
        if text:
            reader.feed(text, p)
    reader.close_section()
    return reader.out


@dataclass
class _TaskReader:
    out: ProseResult = field(default_factory=ProseResult)
    chapter: str = ""
    section: str = ""
    box: str = ""
    parent_is_tasks: bool = False  # chapter "三、主要任务": its (一) headings are the task chapters
    task_chapter: bool = False
    # A section heading with no lead-sentence paragraph under it becomes a task itself.
    pending: TaskCandidate | None = None

    def feed(self, text: str, p: Paragraph) -> None:
        heading = _heading(text)
        if heading:
            self.close_section()
            self._heading(*heading, p)
            return
        _collect_targets(self.out, text, p, self.chapter)
        if not self.task_chapter:
            return
        task = _task(text, p, self.chapter, self.box or self.section, "专栏项目" if self.box else "重点任务",
                     bool(self.box))
        if task is not None:
            self.out.tasks.append(task)
            self.pending = None
        elif self.pending is not None and not self.pending.milestone:
            self.pending.milestone, self.pending.due_year = _milestone(text)

    def _heading(self, level: int, title: str, p: Paragraph) -> None:
        if level == 1:
            self.parent_is_tasks = bool(_TASK_PARENT.search(title))
            self.chapter, self.section, self.box = title, "", ""
            self.task_chapter = self.parent_is_tasks or not _NOT_TASK_CHAPTER.search(title)
        elif level == 2 and self.parent_is_tasks:
            self.chapter, self.section, self.box = title, "", ""
            self.task_chapter = True
        elif level == 2:
            self.section, self.box = title, ""
        elif level == 3 and not self.box:
            nested = not self.parent_is_tasks and self.section
            self.section = f"{self.section.split(' / ')[0]} / {title}" if nested else title
            if self.task_chapter:
                name = _ENUMERATOR.sub("", title, count=1)
                self.pending = TaskCandidate(self.chapter, self.section, name, "重点任务", "", "", title, p.where)
        elif level == 4:
            self.box = title

    def close_section(self) -> None:
        if self.pending is not None:
            self.out.tasks.append(self.pending)
            self.pending = None


def _heading(text: str) -> tuple[int, str] | None:
    m = _BOX.match(text)
    if m and len(text) <= 40:
        return 4, re.sub(r"\s+", " ", text)
    if len(text) > 40:
        return None
    for level, pattern in ((1, _CHAPTER), (2, _SECTION)):
        m = pattern.match(text)
        if m:
            return level, f"{m.group(1)} {m.group(2)}".strip() if m.group(1).startswith("第") else text
    m = _NUMBERED.match(text)
    if m and text.count("。") <= 1 and len(text) <= 30:
        return 3, text.rstrip("。")
    return None


def _task(text: str, p: Paragraph, chapter: str, section: str, kind: str, numbered: bool) -> TaskCandidate | None:
    body = text
    enumerated = _ENUMERATOR.match(text)
    if numbered and not enumerated:
        return None
    if enumerated:
        body = text[enumerated.end():]
    lead, _, rest = body.partition("。")
    if enumerated:
        # A numbered item (a 专栏 project, or "(一)实施…战略。" in a work plan) is a task: its
        # title is the first clause.
        lead = re.split(r"[，,；;：:]", lead)[0]
    elif not rest or re.search(r"[，,；;：:]", lead):
        return None
    if not 4 <= len(lead) <= 30:
        return None
    milestone, due = _milestone(rest)
    return TaskCandidate(chapter, section, lead, kind, milestone, due, text, p.where)


def _milestone(text: str) -> tuple[str, str]:
    for sentence in _sentences(text):
        m = _PROSE_TARGET.search(sentence)
        if m:
            return sentence, m.group(1)
    return "", ""


def _sentences(text: str) -> list[str]:
    return [s.strip() + "。" for s in text.split("。") if s.strip()]


def _collect_targets(out: ProseResult, text: str, p: Paragraph, chapter: str) -> None:
    for sentence in _sentences(text):
        m = _PROSE_TARGET.search(sentence)
        if not m:
            continue
        after = sentence[m.end():]
        values = [v.group(1).replace(" ", "") for v in _TARGET_VALUE.finditer(after)]
        values += [p for p in re.findall(r"\d+(?:\.\d+)?\s*[%％](?:以上|以内|以下)?", after)
                   if not any(p in v for v in values)]
        if values:
            out.targets.append(TargetCandidate(chapter, m.group(1), "；".join(values), sentence, p.where))
