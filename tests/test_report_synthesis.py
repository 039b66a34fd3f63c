"""The report evaluates, it does not paste: each "Done when" point of the report, asserted on the
re-opened .docx of the bundled 鄂州 example, the 鼎湖 example, a province-scale project (the bench
generator at a small size) and a project with no returns."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reportkit.project import Project
from reportkit.rendering import charts
from reportkit.rendering.build import build
from reportkit.scaffold import init_project

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2024, 2, 1, 9, 30)
REASSURANCE = ("总体进展顺利", "均达到或快于", "进展顺利", "成效显著")


@dataclass
class Built:
    project: Project
    result: object
    document: docx.document.Document
    body: list[str]  # paragraphs of sections 一 to 五, headings excluded
    unit_texts: list[str]  # every text a unit typed (tasks, 总体情况, 说明)

    @property
    def path(self) -> Path:
        return next(self.project.outputs.glob("*报告.docx"))


def _body(document: docx.document.Document) -> list[str]:
    paragraphs = [p for p in document.paragraphs if not p.style.name.startswith("toc")]
    names = [p.text for p in paragraphs]
    start, end = names.index("一、规划实施总体情况"), names.index("附件1")
    return [p.text for p in paragraphs[start:end] if p.text.strip() and not p.style.name.startswith("Heading")]


def _unit_texts(result) -> list[str]:
    out = []
    for ret in [*result.included, *result.excluded]:
        out += [t for rep in ret.tasks for t in (rep.progress, rep.problems, rep.next_steps)]
        n = ret.narrative
        out += [n.achievements, n.problems, n.suggestions]
        out += [note.explanation for note in ret.notes.values()]
    return [t.strip() for t in out if t and len(t.strip()) >= 8]


def _build(root: Path) -> Built:
    project = Project(root)
    result = build(project, now=NOW)
    document = docx.Document(str(next(project.outputs.glob("*报告.docx"))))
    return Built(project, result, document, _body(document), _unit_texts(result))


@pytest.fixture(scope="module")
def ezhou(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("ezhou")
    shutil.copytree(ROOT / "inputs", root / "inputs")
    return _build(root)


@pytest.fixture(scope="module")
def dinghu(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("dinghu") / "proj"
    init_project(root, "dinghu")
    return _build(root)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Built:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_build import setup

    root = tmp_path_factory.mktemp("province")
    setup(root, 12)  # 60 indicators, 40 tasks, 12 units: the full-size bench has 120
    return _build(root)


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("empty") / "proj"
    init_project(root, "ezhou")
    for f in (root / "inputs" / "returns").iterdir():
        f.unlink()
    return _build(root)


PROJECTS = ("ezhou", "dinghu", "province")


@pytest.fixture(params=PROJECTS)
def built(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(request.param)


# ---------------------------------------------------------------- synthesis, not pasting
def _is_unit_text(paragraph: str, unit_texts: list[str]) -> bool:
    """A paragraph that is mostly one unit's own text."""
    return any(t.rstrip("。") in paragraph and len(t) >= 0.5 * len(paragraph) for t in unit_texts)


def test_at_most_a_tenth_of_body_paragraphs_are_a_units_text(built: Built):
    assert built.unit_texts, "the example returns carry units' texts"
    pasted = [p for p in built.body if _is_unit_text(p, built.unit_texts)]
    assert len(pasted) <= 0.1 * len(built.body), pasted[:5]


def test_no_long_sentence_appears_three_times(built: Built):
    sentences = [s for p in built.body for s in re.split(r"(?<=[。；])", p) if len(s.strip()) >= 20]
    repeated = {s: n for s, n in Counter(s.strip() for s in sentences).items() if n >= 3}
    assert not repeated


def test_body_length_is_bounded_by_indicators_and_tasks_not_units(built: Built):
    plan = built.result.plan
    chapters = len({t.chapter for t in plan.tasks})
    bound = 2 * len(plan.indicators) + 2 * len(plan.tasks) + 3 * chapters + 20
    assert len(built.body) <= bound
    # units' own statements appear grouped: never one paragraph per unit
    units = [u.name for u in plan.reporting_units()]
    starting_with_unit = [p for p in built.body if any(p.startswith(f"（{u}）") for u in units)]
    assert not starting_with_unit


def test_counts_sentence_names_the_indicators(built: Built):
    ev = built.result.evaluation
    top = [r for r in ev.indicators if not r.parent]
    sentence = next(p for p in built.body if p.startswith(f"纳入评估的{len(top)}项主要指标"))
    for status, n in ev.counts.items():
        if n:
            first = next(r.indicator.name for r in ev.indicators if r.status is status)
            assert first in sentence, (status, sentence)
            assert f"{n}项" in sentence


def test_indicator_table_has_index_and_attribute_and_marks_alerts(built: Built):
    table = built.document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:4] == ["序号", "指标", "单位", "属性"]
    ev = built.result.evaluation
    for k, (row, r) in enumerate(zip(table.rows[1:], ev.indicators, strict=True), start=1):
        cells = [c.text for c in row.cells]
        assert cells[0] == str(k) and cells[1] == r.indicator.name and cells[3] == r.indicator.attribute.value
        if r.alert:
            assert cells[9] == "预警"
            assert row.cells[9]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FF9999"


def test_the_dinghu_binding_indicator_behind_schedule_is_a_warning_with_its_remedy(dinghu: Built):
    alerts = [r for r in dinghu.result.evaluation.indicators if r.alert]
    assert [r.indicator.name for r in alerts] == ["“明厨亮灶”覆盖率"]
    row = next(r for r in dinghu.document.tables[0].rows if r.cells[1].text == "“明厨亮灶”覆盖率")
    assert row.cells[9].text == "预警"
    warning = next(p for p in dinghu.body if p.startswith("【预警】“明厨亮灶”覆盖率"))
    remedy = next(p for p in dinghu.body if p.startswith("“明厨亮灶”覆盖率（约束性指标）："))
    assert dinghu.body.index(warning) < dinghu.body.index(remedy)
    assert "今后2年需年均提高" in remedy and "个百分点" in remedy


def test_a_rejected_unit_is_never_called_not_reported(built: Built):
    document = built.document
    excluded = {r.unit for r in built.result.excluded}
    names = {u.name for u in built.result.plan.units if u.code in excluded}
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    for name in names:
        assert not any(re.search(f"{name}[^。；]{{0,40}}未报送", t) for t in texts
                       if "未通过审核" not in t), name
    reporting = document.tables[2]
    for row in reporting.rows[1:]:
        if row.cells[0].text in names:
            assert row.cells[2].text == "已报送，因存在强制性审核问题未纳入汇总"


def test_no_codes_or_file_names_in_the_validation_appendix(built: Built):
    findings = built.document.tables[3]
    text = " ".join(c.text for row in findings.rows for c in row.cells)
    assert not re.search(r"\bR\d+\b|\.xlsx|!\w+\d|[A-Z]{1,2}\d+\b", text), text[:300]


def test_reporting_appendix_shows_deadline_and_timeliness(ezhou: Built):
    table = ezhou.document.tables[2]
    assert [c.text for c in table.rows[0].cells] == ["填报单位", "类型", "报送情况", "报送时间", "是否按时", "审核结果"]
    late = {row.cells[0].text: row.cells[4].text for row in table.rows[1:]}
    assert late["梁子湖区"] == "逾期" and late["鄂城区"] == "按时" and late["市市场监管局科技和信息化科"] == "—"
    texts = [q.text for q in ezhou.document.paragraphs]
    assert "应报送单位21个，已报送20个，纳入汇总19个。报送截止日期为2024年1月20日，按时报送19个，逾期报送1个。" in texts


# ---------------------------------------------------------------- what the sections say (鄂州)
def test_overview_says_how_the_evaluation_was_done_and_one_supported_judgement(ezhou: Built):
    body = ezhou.body
    assert "数据截至2023年12月31日" in body[0] and "评估采取各单位填报、统一审核汇总的方式" in body[0]
    assert body[1].startswith("应报送单位21个，已报送20个（其中梁子湖区1个单位逾期报送）")
    assert "市市场监管局药品医疗器械化妆品监管科报送的填报表因数据未通过审核" in body[1]
    # 3 of 7 evaluated indicators on schedule: the judgement says behind, no reassurance
    assert body[2].startswith("总体看，规划实施进度慢于时间进度，已评估的7项主要指标中4项滞后")
    assert not any(w in p for p in body for w in REASSURANCE)


def test_achievements_are_movements_against_the_base_year(ezhou: Built):
    movements = next(p for p in ezhou.body if p.startswith("从主要指标看，"))
    assert "有效注册商标量由2020年的0.6712万件增至2023年的0.8627万件，年均增长8.7%" in movements
    assert "食品安全评价性抽检合格率由2020年的98%增至2023年的98.31%，提高0.3个百分点" in movements


def test_indicator_paragraph_gives_yearly_values_and_says_what_the_share_is_of(ezhou: Built):
    text = next(p for p in ezhou.body if p.startswith("有效注册商标量2021年"))
    assert text.startswith("有效注册商标量2021年、2022年、2023年分别为0.7298万件、0.7933万件、0.8627万件，"
                           "比2020年（0.6712万件）增加0.1915万件；完成规划期增长目标（由0.6712万件增至1万件）的58.2%")
    geo = next(p for p in ezhou.body if p.startswith("有效地理标志总量"))
    assert "慢于时间进度（40%）40个百分点" in geo  # its own schedule: the 2022 figure against 40%
    assert not any("60.0%" in p or "40.0%" in p for p in ezhou.body)


def test_an_unexplained_verification_finding_is_a_caveat_wherever_the_value_is_used(ezhou: Built):
    row = next(r for r in ezhou.document.tables[0].rows if r.cells[1].text == "每万人口高价值发明专利拥有量")
    assert row.cells[6].text.endswith("*")
    caveat = "该值所依据的梁子湖区2023年数据存在尚未说明的核实性问题"
    achieved = next(p for p in ezhou.body if p.startswith("每万人口高价值发明专利拥有量2021年"))
    assert "已提前实现规划目标" in achieved and caveat in achieved
    raise_target = next(p for p in ezhou.body if p.startswith("每万人口高价值发明专利拥有量已提前实现"))
    assert "提高目标值" in raise_target and caveat in raise_target and "应在核实后再研究是否调整" in raise_target
    # the explained jump (华容区) is not a caveat
    assert not any("华容区2022年数据" in p for p in ezhou.body)


def test_tasks_by_chapter_name_the_lagging_with_unit_and_reason(ezhou: Built):
    lagging = next(p for p in ezhou.body if p.startswith("“加强质量技术服务监管”滞后"))
    assert "牵头单位：市市场监管局计量科" in lagging and "原因：" in lagging
    highlights = [p for p in ezhou.body if p.startswith("主要进展：")]
    assert len(highlights) == 5  # one per chapter
    assert all(re.search(r"\d", h) for h in highlights)  # chosen for their figures


def test_problems_are_grouped_with_who_raised_them_and_do_not_repeat_section_two(ezhou: Built):
    common = next(p for p in ezhou.body if p.startswith("一是专项经费保障不足"))
    assert "等9个单位反映" in common and "二是" in common
    two = ezhou.body[ezhou.body.index("纳入评估的8项主要指标中，3项达到或快于时间进度。" + "其中，每万人口高价值发明专利拥有量1项提前实现；有效注册商标量、食品安全评价性抽检合格率2项基本符合预期；全市市场主体数量、有效地理标志总量、马德里商标国际注册总量、建立社会公用计量标准4项滞后；药品、医疗器械及化妆品监督抽检合格率1项暂无法评估。"):]
    four_start = next(i for i, p in enumerate(ezhou.body) if p.startswith("全市市场主体数量滞后于时间进度8.2个百分点"))
    assert set(ezhou.body[four_start:]).isdisjoint(ezhou.body[:four_start])
    assert two


def test_suggestions_derive_the_growth_now_required(ezhou: Built):
    text = next(p for p in ezhou.body if p.startswith("全市市场主体数量："))
    assert "要在2025年达到20万户，今后2年需年均增长12%（2020年以来年均增长11.2%）" in text
    assert "市市场监管局登记注册科" in text
    count = next(p for p in ezhou.body if p.startswith("有效地理标志总量："))
    assert "今后3年还需增加1件" in count  # a count: the number still to add, not a growth rate


def test_no_target_adjustment_for_a_bottom_line_target(dinghu: Built):
    adjust = [p for p in dinghu.body if "调整目标值" in p or "提高目标值" in p]
    bottom = [r.indicator.name for r in dinghu.result.evaluation.indicators
              if r.indicator.target.value in (0, 100)]
    assert not any(name in p for p in adjust for name in bottom)


def test_full_unit_texts_go_to_the_summary_workbook(ezhou: Built):
    book = load_workbook(next(ezhou.project.outputs.glob("*汇总表.xlsx")))
    narrative = [c.value for row in book["单位总体情况"].iter_rows() for c in row]
    assert "专项经费保障不足，部分项目推进受到影响。" in narrative
    tasks = [c.value for row in book["重点任务"].iter_rows() for c in row]
    assert sum(1 for v in tasks if isinstance(v, str) and v.startswith("制定“")) > 10


# ---------------------------------------------------------------- no data
def test_an_empty_project_says_no_data_was_received_and_reassures_nothing(empty: Built):
    body = empty.body
    assert any("尚未收到任何单位报送的数据" in p for p in body)
    assert not any(w in p for p in body for w in REASSURANCE)
    assert not any("暂无滞后" in p or "暂无进度滞后" in p for p in body)


# ---------------------------------------------------------------- the document
def test_cover_and_toc_are_unnumbered_and_the_body_starts_at_page_one(ezhou: Built):
    sections = ezhou.document.sections
    assert len(sections) == 2
    cover = sections[0]._sectPr
    assert cover.find(qn("w:footerReference")) is None
    body = sections[1]._sectPr
    assert body.find(qn("w:footerReference")) is not None
    assert body.find(qn("w:pgNumType")).get(qn("w:start")) == "1"


def test_the_toc_lists_the_headings_before_fields_are_updated(ezhou: Built):
    toc = [p.text for p in ezhou.document.paragraphs if p.style.name.startswith("toc") and p.text]
    assert toc[:3] == ["一、规划实施总体情况", "二、主要指标完成情况", "（一）提前实现的指标（1项）"]
    assert "（五）完善新型监管机制,提高市场治理效能" in toc and toc[-1] == "附件3  审核情况"
    with zipfile.ZipFile(ezhou.path) as z:
        xml = z.read("word/document.xml").decode()
    assert xml.index('w:fldCharType="separate"') < xml.index("一、规划实施总体情况")


def test_fonts_and_language_are_chinese_not_left_from_the_library_template(ezhou: Built):
    with zipfile.ZipFile(ezhou.path) as z:
        settings = z.read("word/settings.xml").decode()
        theme = next(z.read(n).decode() for n in z.namelist() if n.startswith("word/theme/"))
        fonts = z.read("word/fontTable.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert 'w:eastAsia="zh-CN"' in settings and "ja-JP" not in settings
    assert "Jpan" not in theme and "ＭＳ" not in theme and "ＭＳ" not in fonts
    assert '<a:ea typeface="宋体"/>' in theme
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="zh-CN"' in styles


def test_document_properties_come_from_the_plan(ezhou: Built):
    from lxml import etree

    from reportkit.rendering.docprops import CORE_PROPERTIES_NS

    with zipfile.ZipFile(ezhou.path) as z:  # read by namespace, not through a prefix table
        root = etree.fromstring(z.read("docProps/core.xml"))
    spaces = {"cp": CORE_PROPERTIES_NS, "dc": "http://purl.org/dc/elements/1.1/",
              "dcterms": "http://purl.org/dc/terms/"}

    def texts(path: str) -> list[str | None]:
        return [e.text for e in root.findall(path, spaces)]

    assert texts("dc:title") == ["鄂州市市场监管“十四五”规划中期评估报告"]
    assert texts("dc:creator") == ["鄂州市市场监督管理局"] == texts("cp:lastModifiedBy")
    assert texts("dc:subject") == ["鄂州市市场监管“十四五”规划"]
    assert texts("dcterms:created") == [NOW.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert len(root) == len({e.tag for e in root})  # each property once


def test_the_progress_chart_fits_a_page_with_many_indicators(province: Built):
    rows = [{"name": f"指标{i}", "progress": f"{i}%", "progress_value": float(i), "time_progress_value": 60.0,
             "status_color": "F8CBAD"} for i in range(80)]
    chart = charts.progress_chart(rows)
    assert chart is not None and len(chart.categories) == charts.MAX_BARS
    assert chart.categories[0] == "指标0" and chart.title.endswith(f"最低的{charts.MAX_BARS}项）")
    assert chart.width_cm == 15.0 and chart.height_cm <= 22.0  # under a page's 24.7 cm of text height
    with zipfile.ZipFile(province.path) as z:
        assert [n for n in z.namelist() if n.startswith("word/charts/chart")] == ["word/charts/chart1.xml"]
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


# ---------------------------------------------------------------- a rejected newest return
def test_a_rejected_newest_return_falls_back_to_the_older_accepted_one(tmp_path: Path):
    root = tmp_path / "proj"
    shutil.copytree(ROOT / "inputs", root / "inputs")
    assert build(Project(root), now=NOW).exit_code == 0
    returns = root / "inputs" / "returns"
    src = returns / "鄂城区-2023年中期评估填报表.xlsx"
    wb = load_workbook(src)
    ws = wb["指标数据"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "编码")
    col = next(c.column for c in ws[header] if c.value == "2023年")
    first = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value)
    ws.cell(first, col).value = "很多"  # text where a number belongs: an error
    wb.save(returns / "鄂城区（重报）.xlsx")
    log = returns / "收件记录.csv"
    log.write_text(log.read_text(encoding="utf-8-sig") + "鄂城区（重报）.xlsx,2024-01-25 10:00\n", encoding="utf-8-sig")

    result = build(Project(root), now=NOW)
    assert [r.unit for r in result.excluded] == ["drug"]  # 鄂城区 is not left out of the figures
    assert [f.unit for f in result.fallbacks] == ["echeng"]
    document = docx.Document(str(next((root / "outputs").glob("*报告.docx"))))
    texts = [p.text for p in document.paragraphs]
    assert any("鄂城区最新报送的填报表未通过审核，本次汇总采用其2024年1月12日报送并已通过审核的上一版" in t
               for t in texts)
    row = next(r for r in document.tables[2].rows if r.cells[0].text == "鄂城区")
    assert row.cells[2].text == "已报送（最新一版未通过审核，采用上一版）"
    manifest = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    used = [i for i in manifest["inputs"] if i["unit"] == "echeng"]
    assert {Path(i["file"]).name: i["included"] for i in used} == {
        "鄂城区-2023年中期评估填报表.xlsx": True, "鄂城区（重报）.xlsx": False}
    assert manifest["fallbacks"] == [{"unit": "echeng", "rejected_file": "鄂城区（重报）.xlsx",
                                      "used_file": "鄂城区-2023年中期评估填报表.xlsx",
                                      "used_received_at": manifest["fallbacks"][0]["used_received_at"]}]
    book = load_workbook(io.BytesIO((next((root / "outputs").glob("*汇总表.xlsx"))).read_bytes()))
    rows = {r[0].value: [c.value for c in r] for r in book["报送情况"].iter_rows()}
    assert rows["鄂城区"][-2:] == ["鄂城区（重报）.xlsx", "鄂城区-2023年中期评估填报表.xlsx"]


def test_document_properties_stay_in_their_namespace_when_cp_is_rebound(monkeypatch):
    """docxcompose rebinds python-docx's "cp" prefix to the custom-properties namespace when it is
    imported; the report's core properties must still be written once, in the core namespace."""
    import io
    import zipfile as zf
    from datetime import datetime

    import docx
    from docx.oxml import ns
    from lxml import etree

    from reportkit.rendering.docprops import CORE_PROPERTIES_NS, CoreProperties

    custom = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    monkeypatch.setitem(ns.nsmap, "cp", custom)
    document = docx.Document()
    CoreProperties("报告", "某局", datetime(2024, 1, 2, 3, 4, 5), "规划", "中期评估").apply(document)
    assert ns.nsmap["cp"] == custom  # left as it was found
    buffer = io.BytesIO()
    document.save(buffer)
    with zf.ZipFile(buffer) as z:
        root = etree.fromstring(z.read("docProps/core.xml"))
    assert root.findall(f"{{{custom}}}*") == []
    for name, text in (("lastModifiedBy", "某局"), ("keywords", "中期评估"), ("revision", "1")):
        found = root.findall(f"{{{CORE_PROPERTIES_NS}}}{name}")
        assert [e.text for e in found] == [text]
