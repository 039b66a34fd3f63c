"""The report rendered from the sample evaluation, re-opened with python-docx."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reportkit.cli import main
from reportkit.definitions.model import Attribute
from reportkit.errors import TemplateError
from reportkit.evaluation.types import TaskResult, TaskSummary, UnitTaskReport
from reportkit.intake.types import TaskReport
from reportkit.rendering.context import build_context
from reportkit.rendering.describe import describe_context
from reportkit.rendering.docx_report import check_template, render_docx
from reportkit.rendering.sample import sample_inputs
from reportkit.rendering.summary_xlsx import summary_workbook

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "中期评估报告模板.docx"
HOSTILE = "A<&>B {{x}} {% if %}\x0b尾"
HEADINGS = ("一、规划实施总体情况", "二、主要指标完成情况", "三、重点任务推进情况", "四、存在的问题",
            "五、下一步工作建议", "附件1", "附件2", "附件3")


def _hostile_inputs():
    inputs = sample_inputs()
    ev = inputs.evaluation
    first = ev.tasks.results[0]
    rep = UnitTaskReport(TaskReport("A", first.task.code, HOSTILE, "按进度推进"), "甲区")
    results = (TaskResult(first.task, (*first.reports, rep), first.status), *ev.tasks.results[1:])
    tasks = TaskSummary(results, ev.tasks.by_chapter, ev.tasks.by_lead, ev.tasks.counts)
    inputs.evaluation = dataclasses.replace(ev, tasks=tasks)
    return inputs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    inputs = _hostile_inputs()
    ctx = build_context(inputs)
    path = tmp_path_factory.mktemp("report") / "report.docx"
    path.write_bytes(render_docx(TEMPLATE, ctx))
    return path, ctx


def _texts(path: Path) -> list[str]:
    """The paragraphs outside the 目录 (whose entries repeat the headings)."""
    return [p.text for p in docx.Document(str(path)).paragraphs if not p.style.name.startswith("toc")]


def test_every_section_heading_present(rendered):
    path, _ = rendered
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert list(HEADINGS) == headings


def test_indicator_table_has_one_row_per_indicator(rendered):
    path, ctx = rendered
    table = docx.Document(str(path)).tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "指标", "单位", "属性", "基期值", "目标值", "当前值", "完成进度", "时间进度", "状态", "预计"]
    rows = [[c.text.replace("\u2060", "") for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(sample_inputs().evaluation.indicators) == 3
    assert rows[0] == ["1", "市场主体数量", "万户", "预期性", "12", "20", "16.8", "60%", "60%", "基本符合预期", "能完成"]
    assert rows[1][:4] == ["2", "食品抽检合格率", "%", "约束性"]
    assert rows[1][6:10] == ["96.5", "-50%", "60%", "预警"]  # a lagging binding indicator is marked 预警
    assert rows[2][6:10] == ["—", "—", "60%", "无法评估"]
    shading = table.rows[2].cells[9]._tc.tcPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "FF9999"
    assert "-\u206050%" in table.rows[2].cells[7].text  # the sign never breaks from its number


def test_counts_sentence_matches_the_evaluation(rendered):
    path, _ = rendered
    expected = ("纳入评估的3项主要指标（约束性指标1项、预期性指标2项）中，1项达到或快于时间进度。其中，"
                "市场主体数量1项基本符合预期；食品抽检合格率1项滞后；特种设备万台死亡人数1项暂无法评估。"
                "滞后的1项指标中有1项约束性指标（食品抽检合格率），需予以预警。")
    assert expected in _texts(path)


def test_indicator_sentence_from_the_numbers(rendered):
    texts = _texts(rendered[0])
    assert ("市场主体数量2021年、2022年、2023年分别为13.5万户、15.0万户、16.8万户，比2020年（12万户）增加4.8万户；"
            "完成规划期增长目标（由12万户增至20万户）的60%，与时间进度（60%）持平，进度基本符合预期，"
            "预计2025年可达20.6万户，能够完成规划目标。") in texts
    # a value that fell against a rising target is not called a share of the target
    assert any(t.startswith("食品抽检合格率2023年为96.5%，比2020年（97%）下降0.5个百分点；"
                            "与规划目标（由97%增至98%）方向相反，完成进度为-50%") for t in texts)


def test_chapter_synthesis_names_results_and_lagging_tasks(rendered):
    texts = _texts(rendered[0])
    chapter = texts.index("（一）优化营商环境")
    next_chapter = texts.index("（二）守牢安全底线")
    # the informative sentence (with a figure) is chosen, attributed, not pasted under the unit's name
    highlight = "主要进展：甲区推行“一照通行”改革，新登记主体 2.1 万户。"
    assert chapter < texts.index(highlight) < next_chapter
    assert not any(t.startswith("（甲区）") for t in texts)
    lagging = "“建设智慧监管平台”滞后（牵头单位：市市场监管局；市市场监管局报告滞后），原因：资金未到位（市市场监管局）。"
    assert texts.index(lagging) > next_chapter


def test_hostile_text_comes_out_as_typed(rendered):
    path, ctx = rendered
    assert ctx["tasks"]["items"][0]["reports"][-1]["progress"] == HOSTILE  # full texts go to the summary
    summary = load_workbook(io.BytesIO(summary_workbook(ctx)))["重点任务"]
    assert "A<&>B {{x}} {% if %}尾" in [c.value for row in summary.iter_rows() for c in row]
    texts = _texts(path)
    assert not any("None" in t for t in texts)


def test_hostile_text_in_a_body_paragraph_comes_out_as_typed(tmp_path):
    inputs = _hostile_inputs()
    ev = inputs.evaluation
    ind = ev.indicators[1]
    hostile = dataclasses.replace(ind.explanations[0], text=HOSTILE)
    inputs.evaluation = dataclasses.replace(ev, indicators=(ev.indicators[0], dataclasses.replace(
        ind, explanations=(hostile,)), *ev.indicators[2:]))
    path = tmp_path / "r.docx"
    path.write_bytes(render_docx(TEMPLATE, build_context(inputs)))
    assert any("A<&>B {{x}} {% if %}尾（甲区）" in t for t in _texts(path))


def test_binding_indicators_at_risk_come_first_with_unit_reasons(rendered):
    texts = _texts(rendered[0])
    start = texts.index("（一）约束性指标预警")
    assert texts.index("四、存在的问题") < start
    assert texts[start + 1] == ("【预警】食品抽检合格率滞后于时间进度110个百分点，甲区进度落后于本单位目标；"
                                "单位说明的原因：抽检范围扩大到小作坊（甲区）。")


def test_page_setup_follows_gbt_9704(rendered):
    document = docx.Document(str(rendered[0]))
    sec = document.sections[-1]

    def cm(length) -> float:
        return round(length.cm, 2)

    assert (cm(sec.page_width), cm(sec.page_height)) == (21.0, 29.7)
    assert [cm(x) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [3.7, 3.5, 2.8, 2.6]
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == 28
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    assert document.styles["Heading 2"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    footer = sec.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in "".join(footer._p.itertext())


def test_header_rows_repeat_and_toc_updates_on_open(rendered):
    path = rendered[0]
    for table in docx.Document(str(path)).tables:
        trpr = table.rows[0]._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None
    with zipfile.ZipFile(path) as z:
        settings = z.read("word/settings.xml").decode()
        body = z.read("word/document.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    assert "TOC \\o" in body
    # the progress chart, as a Word chart (the status chart only repeated the counts)
    assert body.count("<c:chart ") == 1 and "<pic:pic" not in body


def _template_with(tmp_path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph("前文段落")
    document.add_paragraph(text)
    document.add_paragraph("后文段落")
    path = tmp_path / "custom.docx"
    document.save(str(path))
    return path


def test_broken_template_names_the_tag_and_fails_before_writing(tmp_path):
    path = _template_with(tmp_path, "指标情况：{% if plan.name %}未闭合")
    check = check_template(path, build_context(sample_inputs()))
    assert not check.ok
    assert "{% if plan.name %}" in check.syntax_error and "前文段落" in check.syntax_error
    with pytest.raises(TemplateError):
        render_docx(path, build_context(sample_inputs()))


def test_unknown_variables_are_listed(tmp_path):
    path = _template_with(tmp_path, "{{ plan.name }}{{ leader_name }}{{ plan.nonexistent }}")
    check = check_template(path, build_context(sample_inputs()))
    assert check.missing == ["leader_name"]
    result = CliRunner().invoke(main, ["template", "check", str(path)])
    assert result.exit_code == 1
    assert "leader_name" in result.output


def test_attribute_typos_are_found_by_the_trial_render(tmp_path):
    path = _template_with(tmp_path, "{{ plan.nmae }}")
    check = check_template(path, build_context(sample_inputs()))
    assert not check.ok and "nmae" in check.render_error


@pytest.mark.parametrize("tag", [
    "{{ plan.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.getcwd() }}",
    "{% set _ = indicators.append(1) %}{{ indicators | length }}",
])
def test_a_shared_template_cannot_reach_python_or_change_the_data(tmp_path, tag):
    path = _template_with(tmp_path, tag)
    context = build_context(sample_inputs())
    check = check_template(path, context)
    assert not check.ok and "拒绝" in check.render_error
    with pytest.raises(TemplateError, match="拒绝"):
        render_docx(path, context)


def test_default_template_checks_clean_and_packaged_copy_is_identical():
    assert CliRunner().invoke(main, ["template", "check", str(TEMPLATE)]).exit_code == 0
    packaged = ROOT / "reportkit" / "data" / "templates" / TEMPLATE.name
    assert packaged.read_bytes() == TEMPLATE.read_bytes()


def test_context_reference_is_up_to_date():
    committed = (ROOT / "docs" / "context.md").read_text(encoding="utf-8")
    assert committed == describe_context(), "run: python -m reportkit.rendering.describe docs/context.md"


def test_summary_workbook(tmp_path):
    ctx = build_context(sample_inputs())
    path = tmp_path / "summary.xlsx"
    path.write_bytes(summary_workbook(ctx))
    wb = load_workbook(path)
    assert wb.sheetnames == ["指标完成情况", "状态统计", "分单位数据", "重点任务", "单位总体情况", "报送情况", "审核问题"]
    ws = wb["指标完成情况"]
    assert ws.freeze_panes == "B3"
    assert [ws.cell(3, c).value for c in (1, 7, 9, 11)] == ["I1", 16.8, 60, "基本符合预期"]
    assert ws.cell(4, 11).fill.fgColor.rgb.endswith("F8CBAD")  # 滞后
    assert ws._charts, "a native Excel chart on the indicator sheet"
    values = wb["分单位数据"]
    assert [values.cell(2, c).value for c in range(1, 10)] == ["指标编码", "指标", "填报单位", "基期值", "2021年",
                                                               "2022年", "2023年", "完成进度", "说明"]
    assert [values.cell(4, c).value for c in (3, 5, 6, 7)] == ["甲区", 8, 9, 10]


def test_sub_indicators_are_counted_as_a_second_level():
    inputs = sample_inputs()
    ev = inputs.evaluation
    parent, part, other = ev.indicators
    inputs.evaluation = dataclasses.replace(ev, indicators=(
        dataclasses.replace(parent, parts=(part.code,)), dataclasses.replace(part, parent=parent.code), other))
    sentence = build_context(inputs)["counts"]["sentence"]
    assert sentence == ("纳入评估的2项主要指标（另有分指标1项）中，1项达到或快于时间进度。"
                        "其中，市场主体数量1项基本符合预期；特种设备万台死亡人数1项暂无法评估。"
                        "1项分指标中，0项达到或快于时间进度：食品抽检合格率1项滞后。"
                        "滞后的1项指标中有1项约束性指标（食品抽检合格率），需予以预警。")


def test_a_binding_indicator_that_cannot_be_evaluated_is_named_among_the_warnings():
    inputs = sample_inputs()
    ev = inputs.evaluation
    third = ev.indicators[2]
    binding = dataclasses.replace(third.indicator, attribute=Attribute.BINDING)
    inputs.evaluation = dataclasses.replace(ev, indicators=(*ev.indicators[:2], dataclasses.replace(
        third, indicator=binding)))
    alerts = [a["text"] for a in build_context(inputs)["problems"]["alerts"]]
    assert alerts[-1] == "【需关注】特种设备万台死亡人数为约束性指标，暂无法评估：牵头单位未报送数据。"


def test_a_projected_count_is_never_fractional():
    inputs = sample_inputs()
    ev = inputs.evaluation
    first = ev.indicators[0]
    count = dataclasses.replace(first.indicator, unit="件", decimals=0)
    projection = dataclasses.replace(first.projection, value=8.7, decimals=1, will_meet=False,
                                     text="预计2025年可达 8.7 件，完成规划目标存在困难")
    inputs.evaluation = dataclasses.replace(ev, indicators=(
        dataclasses.replace(first, indicator=count, projection=projection), *ev.indicators[1:]))
    sentence = build_context(inputs)["indicators"][0]["sentence"]
    assert "预计2025年可达8件，完成规划目标存在困难" in sentence and "8.7" not in sentence
