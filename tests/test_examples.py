"""The two bundled example plans: transcribed exactly from the published plans.

The indicator tables below are copied from the seed plans; the seed texts themselves
(committed under ``tests/fixtures/plans``) are parsed at test time and must equal these copies,
so a typo in either place fails. Every name, unit, baseline, target and attribute of the YAML examples
must match the printed table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportkit.definitions import schema
from reportkit.definitions.check import check_plan, lint_plan
from reportkit.definitions.formula import parse_formula
from reportkit.definitions.loader import load_plan, load_plan_with_findings
from reportkit.definitions.model import Aggregation, Attribute, Kind, Plan, UnitType
from reportkit.definitions.notation import (
    BracketConventions,
    Direction,
    Notation,
    parse_plan_value,
    split_unit,
)
from reportkit.definitions.writer import write_plan_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "reportkit" / "data" / "examples"
EZHOU = EXAMPLES / "ezhou" / "plan.yaml"
DINGHU = EXAMPLES / "dinghu" / "plan.yaml"
# Byte-identical copies of the seed plans (shared/seeds/001_… and 000_…), committed so the
# comparison runs wherever the tests run.
SEEDS = ROOT / "tests" / "fixtures" / "plans"
EZHOU_SEED = SEEDS / "ezhou.txt"
DINGHU_SEED = SEEDS / "dinghu.txt"
EZHOU_TITLE = "“十四五”时期鄂州市场监管现代化发展主要指标"
DINGHU_TITLE = "肇庆市鼎湖区“十四五”市场监管主要指标表"

# (category, name as printed, unit as printed, 2020, 2025, attribute)
EZHOU_TABLE: list[tuple[str, str, str, str, str, str]] = [
    ("", "全市市场主体数量(万户)", "", "11.59", "20", "预期性"),
    ("", "每万人口高价值发明专利拥有量(件)", "", "2.2", "2.96", "预期性"),
    ("", "有效注册商标量(万件)", "", "0.6712", "1", "预期性"),
    ("", "有效地理标志总量(件)", "", "37", "38", "预期性"),
    ("", "马德里商标国际注册总量(件)", "", "7", "9", "预期性"),
    ("", "建立社会公用计量标准(项)", "", "72", "100", "预期性"),
    ("", "食品安全评价性抽检合格率(%)", "", "98", "98.5", "预期性"),
    ("", "药品、医疗器械及化妆品监督抽检合格率(%)", "", "≥95%", "≥99%", "预期性"),
]

DINGHU_TABLE: list[tuple[str, str, str, str, str, str]] = [
    ("总体数据", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"),
    ("总体数据", "全区每千人拥有企业户", "", "〔16.22〕", "〔25.64〕", "预期性"),
    ("知识产权", "每万人口高价值发明专利拥有量", "", "〔1.04〕", "〔3〕", "预期性"),
    ("知识产权", "知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"),
    ("质量发展", "地方标准", "", "〔0〕", "〔2〕", "预期性"),
    ("质量发展", "企业标准", "", "〔38〕", "〔117〕", "预期性"),
    ("质量发展", "有效期内认证证书", "", "〔108〕", "〔120〕", "预期性"),
    ("市场秩序与安全监管", "千人食品检验量", "批次/千人", "5", "6", "约束性"),
    ("市场秩序与安全监管", "医疗器械抽检批次数", "批次/年", "8", "≥9", "预期性"),
    ("市场秩序与安全监管", "化妆品抽检批次数", "批次/年", "9", "≥10", "预期性"),
    ("市场秩序与安全监管", "“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"),
    ("市场秩序与安全监管", "生产领域区级工业产品质量监督抽查覆盖率", "%", "0.3", "≥1", "预期性"),
    ("市场秩序与安全监管", "药品抽检合格率", "%", "98", "≥99", "预期性"),
    ("市场秩序与安全监管", "执业药师数", "人/万人口", "4.4", "≥4.6", "预期性"),
]

# Units left blank in the 鼎湖 table and filled from the plan's own text (quoted in the note).
DINGHU_FILLED_UNITS = {
    "全区每千人拥有企业户": ("户", "每千人拥有企业达25.64户"),
    "每万人口高价值发明专利拥有量": ("件", "高价值发明专利拥有量达3件"),
    "地方标准": ("项", "项标准"),
    "企业标准": ("项", "企业标准超过117项"),
    "有效期内认证证书": ("张", "认证证书350张"),
}

ATTRIBUTES = {"预期性", "约束性"}
SHEET_FIELDS = {spec.key: {c.field for c in spec.columns} for spec in schema.SHEETS}
REQUIRED = {spec.key: {c.field for c in spec.columns if c.required} for spec in schema.SHEETS}


# --------------------------------------------------------------------------- helpers
def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict)
    return data


def _squash(text: str) -> str:
    """Collapse every run of whitespace (the seeds pad with NBSP) to one space."""
    return " ".join(text.split())


def _seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _table_cells(text: str, title: str) -> list[str]:
    """The cells of an indicator table printed one cell per line, blank lines between cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    cells: list[str] = []
    for line in lines[start + 1:]:
        if line == "":
            continue
        cell = line.strip()
        if cell.startswith("备注") or re.match(r"^[一二三四五六七八九十]+、", cell):
            break
        cells.append(cell)
    first_row = cells.index("1")
    return cells[first_row:]


def parse_seed_table(text: str, title: str, value_columns: int) -> list[tuple[str, ...]]:
    """Rows as (category, name, unit, baseline, target, attribute).

    A row is: 序号, optional category (merged cell, only on a group's first row), the
    ``value_columns`` cells (name[, unit], baseline, target) and the attribute, which ends it.
    """
    rows: list[tuple[str, ...]] = []
    current: list[str] = []
    category = ""
    for cell in _table_cells(text, title):
        current.append(cell)
        if cell not in ATTRIBUTES:
            continue
        body = current[1:-1]
        if len(body) == value_columns + 1:
            category, body = body[0], body[1:]
        assert len(body) == value_columns, current
        if value_columns == 3:
            body = [body[0], "", *body[1:]]
        rows.append((category, *body, cell))
        current = []
    return rows


def _bracket_conventions(plan: dict[str, Any]) -> BracketConventions:
    return BracketConventions.from_text(plan.get("cumulative_brackets"), plan.get("new_brackets"))


def _reporter_tokens(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[、,，;；\s]+", str(text or "")) if t.strip()]


# --------------------------------------------------------------------------- seed tables
@pytest.mark.parametrize(
    ("seed", "title", "columns", "expected"),
    [
        (EZHOU_SEED, EZHOU_TITLE, 3, EZHOU_TABLE),
        (DINGHU_SEED, DINGHU_TITLE, 4, DINGHU_TABLE),
    ],
    ids=["ezhou", "dinghu"],
)
def test_literal_tables_equal_the_seed_tables(seed: Path, title: str, columns: int, expected: list) -> None:
    assert parse_seed_table(_seed_text(seed), title, columns) == expected


def test_ezhou_indicators_match_the_printed_table() -> None:
    indicators = _read_yaml(EZHOU)["indicators"]
    assert len(indicators) == len(EZHOU_TABLE) == 8
    for ind, (_, printed, _, base, target, attr) in zip(indicators, EZHOU_TABLE, strict=True):
        name, unit = split_unit(printed)
        got = (ind["name"], ind["unit"], ind["baseline"], ind["target"], ind["attribute"])
        assert got == (name, unit, base, target, attr)


def test_dinghu_indicators_match_the_printed_table() -> None:
    indicators = _read_yaml(DINGHU)["indicators"]
    assert len(indicators) == len(DINGHU_TABLE) == 14
    for ind, (cat, name, unit, base, target, attr) in zip(indicators, DINGHU_TABLE, strict=True):
        got = (ind["category"], ind["name"], ind["baseline"], ind["target"], ind["attribute"])
        assert got == (cat, name, base, target, attr)
        if unit:
            assert ind["unit"] == unit
        else:
            filled, quote = DINGHU_FILLED_UNITS[name]
            assert ind["unit"] == filled
            assert "单位栏空白" in ind["note"] and f"“{filled}”" in ind["note"]
            assert quote in ind["note"]
            assert quote in DINGHU_SEED.read_text(encoding="utf-8")


def test_dinghu_note_and_brackets_follow_the_plans_remark() -> None:
    plan = _read_yaml(DINGHU)["plan"]
    assert plan["note"].startswith("备注:1.〔〕内为累计数,〈〉内为规划期间新增数。")
    seed = _seed_text(DINGHU_SEED)
    remark = "".join(line.strip() for line in seed[seed.index("备注:1."): seed.index("第三章")].splitlines())
    assert _squash(plan["note"]) == _squash(remark)
    conv = _bracket_conventions(plan)
    assert parse_plan_value("〔3.12〕", conv).notation is Notation.CUMULATIVE
    assert parse_plan_value("〈5〉", conv).notation is Notation.NEW


# --------------------------------------------------------------------------- loading and checking
@pytest.mark.parametrize("path", [EZHOU, DINGHU], ids=["ezhou", "dinghu"])
def test_examples_load_and_check_clean(path: Path) -> None:
    plan, load_findings = load_plan_with_findings(path)
    assert load_findings == []
    assert check_plan(plan) == []
    assert lint_plan(path)[1] == []


@pytest.mark.parametrize("path", [EZHOU, DINGHU], ids=["ezhou", "dinghu"])
def test_examples_survive_a_definitions_workbook_round_trip(path: Path, tmp_path: Path) -> None:
    plan = load_plan(path)
    workbook = write_plan_workbook(plan, tmp_path / "plan.xlsx")
    again, findings = load_plan_with_findings(workbook)
    assert findings == []
    assert again == plan


def test_repository_root_holds_the_ezhou_example() -> None:
    assert load_plan(ROOT / "inputs" / "plan.xlsx") == load_plan(EZHOU)


def _model_rows(plan: Plan) -> list[tuple[str, ...]]:
    return [(i.name, i.baseline.text, i.target.text, i.attribute.value) for i in plan.indicators]


def test_loaded_ezhou_model() -> None:
    plan = load_plan(EZHOU)
    expected = [(split_unit(n)[0], b, t, a) for _, n, _, b, t, a in EZHOU_TABLE]
    assert _model_rows(plan) == expected
    assert [u.name for u in plan.units if u.type is UnitType.DISTRICT] == [
        "鄂城区", "华容区", "梁子湖区", "葛店经开区", "临空经济区"]
    computed = {i.code for i in plan.indicators if i.computed}
    assert computed == {"A02", "A07", "A08"}
    assert all(len(plan.formula_items(plan.indicator(c))) == 2 for c in computed)
    a08 = plan.indicator("A08")
    assert (a08.baseline.direction, a08.baseline.percent, a08.target.value) == (Direction.FLOOR, True, 99.0)
    assert plan.indicator_reporters(a08) == ("drug",)
    assert plan.indicator_reporters(plan.indicator("A07")) == ("echeng", "huarong", "liangzihu", "gedian", "linkong")
    assert plan.indicator("A03").baseline.value == 0.6712 and plan.indicator("A03").decimals == 4
    lead_only = {i.code: i.lead_unit for i in plan.indicators if i.aggregation is Aggregation.LEAD}
    assert lead_only == {"A04": "ipr", "A05": "ipr", "A06": "metrology"}
    assert all(t.lead_unit and plan.unit(t.lead_unit) for t in plan.tasks)


def test_loaded_dinghu_model() -> None:
    plan = load_plan(DINGHU)
    expected = [(n, b, t, a) for _, n, _, b, t, a in DINGHU_TABLE]
    assert _model_rows(plan) == expected
    notations = [i.notation for i in plan.indicators]
    assert notations[:7] == [Notation.CUMULATIVE] * 3 + [Notation.NEW] + [Notation.CUMULATIVE] * 3
    assert notations[7:] == [Notation.PLAIN] * 7
    assert plan.indicator("A04").kind is Kind.NEW
    binding = [i.name for i in plan.indicators if i.attribute is Attribute.BINDING]
    assert binding == ["千人食品检验量", "“明厨亮灶”覆盖率"]
    floors = [i.code for i in plan.indicators if i.target.direction is Direction.FLOOR]
    assert floors == ["A09", "A10", "A11", "A12", "A13", "A14"]
    assert {i.code for i in plan.indicators if i.computed} == {"A02", "A03", "A08", "A11", "A12", "A13", "A14"}
    towns = tuple(u.code for u in plan.units if u.type is UnitType.DISTRICT)
    assert len(towns) == 7 and plan.indicator("A01").reporters == towns
    assert plan.indicator_reporters(plan.indicator("A11")) == towns
    columns = [t for t in plan.tasks if t.kind == "专栏项目"]
    assert len(columns) == 12 and all(plan.unit(t.lead_unit) for t in plan.tasks)


# --------------------------------------------------------------------------- schema
@pytest.mark.parametrize("path", [EZHOU, DINGHU], ids=["ezhou", "dinghu"])
def test_keys_and_words_are_those_of_the_definitions_schema(path: Path) -> None:
    data = _read_yaml(path)
    assert set(data) == set(SHEET_FIELDS)
    assert set(data["plan"]) <= SHEET_FIELDS["plan"]
    assert REQUIRED["plan"] <= set(data["plan"])
    for key in ("indicators", "items", "units", "tasks", "rules"):
        codes = [row["code"] for row in data[key]]
        assert len(codes) == len(set(codes)), f"duplicate code in {key}"
        for row in data[key]:
            assert set(row) <= SHEET_FIELDS[key], (key, set(row) - SHEET_FIELDS[key])
            assert REQUIRED[key] <= set(row), (key, row["code"])
    for ind in data["indicators"]:
        assert ind["attribute"] in schema.ATTRIBUTE_WORDS
        assert ind["kind"] in schema.KIND_WORDS
        assert ind["aggregation"] in schema.AGG_WORDS
    for unit in data["units"]:
        assert unit["type"] in schema.UNIT_TYPE_WORDS
    for rule in data["rules"]:
        assert rule["severity"] in schema.SEVERITY_WORDS


@pytest.mark.parametrize("path", [EZHOU, DINGHU], ids=["ezhou", "dinghu"])
def test_values_parse_and_targets_lie_beyond_baselines(path: Path) -> None:
    data = _read_yaml(path)
    conv = _bracket_conventions(data["plan"])
    for ind in data["indicators"]:
        for key in ("baseline", "target"):
            assert isinstance(ind[key], str), f"{ind['code']} {key} must be written as text"
        base, target = parse_plan_value(ind["baseline"], conv), parse_plan_value(ind["target"], conv)
        assert base.ok and target.ok and base.value is not None and target.value is not None
        assert target.value > base.value, ind["code"]
        assert ind["lower"] <= base.value <= ind["upper"], ind["code"]
        assert ind["lower"] <= target.value <= ind["upper"], ind["code"]
        if ind["unit"] == "%":
            assert (ind["lower"], ind["upper"]) == (0, 100)


@pytest.mark.parametrize("path", [EZHOU, DINGHU], ids=["ezhou", "dinghu"])
def test_references_resolve(path: Path) -> None:
    data = _read_yaml(path)
    units = {u["code"] for u in data["units"]}
    items = {it["name"]: it for it in data["items"]}
    item_codes = {it["code"] for it in data["items"]}
    for row in (*data["indicators"], *data["items"], *data["tasks"]):
        for token in _reporter_tokens(row.get("reporters", "")):
            assert token in units or token in schema.ALL_DISTRICTS, (row["code"], token)
        if row.get("lead_unit"):
            assert row["lead_unit"] in units, row["code"]
    for ind in data["indicators"]:
        if ind["aggregation"] == "公式":
            names = parse_formula(ind["formula"]).names
            assert names and all(n in items for n in names), ind["code"]
            assert all(items[n]["integer"] == "是" for n in names)
        elif ind["aggregation"] == "牵头单位填报":
            assert _reporter_tokens(ind["reporters"]) == [ind["lead_unit"]]
    for rule in data["rules"]:
        assert {rule["left"], rule["right"]} <= item_codes
    formulas = [parse_formula(ind["formula"]) for ind in data["indicators"] if ind.get("formula")]
    assert set(items) == {n for f in formulas for n in f.names}, "every data item feeds a computed indicator"


def test_ezhou_units_are_the_five_districts_and_city_departments() -> None:
    units = _read_yaml(EZHOU)["units"]
    districts = [u["name"] for u in units if u["type"] == "区县"]
    assert districts == ["鄂城区", "华容区", "梁子湖区", "葛店经开区", "临空经济区"]
    assert all(u["name"].startswith("市市场监管局") for u in units if u["type"] == "部门")


def test_dinghu_units_are_its_towns_and_streets() -> None:
    units = _read_yaml(DINGHU)["units"]
    towns = [u["name"] for u in units if schema.UNIT_TYPE_WORDS[u["type"]] == "district"]
    assert towns == ["坑口街道", "桂城街道", "广利街道", "永安镇", "沙浦镇", "凤凰镇", "莲花镇"]
    assert all(u["name"].startswith("区市场监管局") for u in units if u["type"] == "部门")


def test_ezhou_modelling_of_computed_and_summed_indicators() -> None:
    by_name = {i["name"]: i for i in _read_yaml(EZHOU)["indicators"]}
    assert by_name["每万人口高价值发明专利拥有量"]["formula"] == "高价值发明专利拥有量 / 常住人口 * 10000"
    assert by_name["食品安全评价性抽检合格率"]["formula"] == "食品评价性抽检合格批次 / 食品评价性抽检批次 * 100"
    assert by_name["药品、医疗器械及化妆品监督抽检合格率"]["aggregation"] == "公式"
    for name in ("全市市场主体数量", "有效注册商标量"):
        assert (by_name[name]["aggregation"], by_name[name]["reporters"]) == ("求和", "全部区县")
    for name in ("有效地理标志总量", "马德里商标国际注册总量", "建立社会公用计量标准"):
        assert by_name[name]["aggregation"] == "牵头单位填报"


# --------------------------------------------------------------------------- tasks
def _ezhou_subsections(text: str) -> list[tuple[str, str]]:
    """(chapter, subsection) pairs of 三、主要任务 in the 鄂州 plan."""
    body = text[text.index("三、主要任务"): text.index("四、规划实施保障措施")]
    chapter, out = "", []
    for line in body.splitlines():
        s = line.strip()
        if re.match(r"^\([一二三四五]\)", s):
            chapter = s
        elif m := re.match(r"^(\d+\..+?)。$", s):
            out.append((chapter, m.group(1)))
    return out


def _dinghu_sections(text: str) -> list[tuple[str, str]]:
    """(chapter, section) pairs of 第三章–第十章 in the 鼎湖 plan."""
    chapter, out = "", []
    for line in text.splitlines():
        s = _squash(line)
        if re.match(r"^第[一二三四五六七八九十]+章 ", s):
            chapter = s
        elif re.match(r"^第[一二三四五六七八九十]+节 ", s) and re.match(r"^第([三四五六七八九]|十) ?章", chapter):
            out.append((chapter, s))
    return out


def _dinghu_columns(text: str) -> list[tuple[str, str, str]]:
    """(chapter, 专栏 heading, first sentence of each numbered project)."""
    chapter, box, out = "", "", []
    for line in text.splitlines():
        s = _squash(line)
        if re.match(r"^第[一二三四五六七八九十]+章 ", s):
            chapter, box = s, ""
        elif re.match(r"^专栏\d ", s):
            box = s
        elif box and (m := re.match(r"^\d\.(.+)$", s)):
            out.append((chapter, box, re.split(r"[。,]", m.group(1))[0]))
        elif s.startswith("第"):
            box = ""
    return out


def test_ezhou_has_a_task_for_every_numbered_subsection() -> None:
    tasks = _read_yaml(EZHOU)["tasks"]
    subsections = _ezhou_subsections(_seed_text(EZHOU_SEED))
    assert len(subsections) == 22
    covered = {(t["chapter"], t["section"]) for t in tasks}
    assert covered == set(subsections)
    assert {t["lead_unit"] for t in tasks} and all(t["lead_unit"] for t in tasks)
    assert all(t["milestone"] and t["due_year"] == 2025 for t in tasks)


def test_dinghu_has_a_key_task_for_every_section_of_chapters_three_to_ten() -> None:
    tasks = _read_yaml(DINGHU)["tasks"]
    sections = _dinghu_sections(_seed_text(DINGHU_SEED))
    assert len(sections) == 21
    covered = {(t["chapter"], t["section"]) for t in tasks if t["kind"] == "重点任务"}
    assert covered == set(sections)


def test_dinghu_every_column_project_is_a_task() -> None:
    tasks = [t for t in _read_yaml(DINGHU)["tasks"] if t["kind"] == "专栏项目"]
    projects = _dinghu_columns(_seed_text(DINGHU_SEED))
    assert len(projects) == len(tasks) == 12
    for task, (chapter, box, first_sentence) in zip(tasks, projects, strict=True):
        assert (task["chapter"], task["section"]) == (chapter, box)
        assert task["title"] in first_sentence
