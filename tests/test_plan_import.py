"""``reportkit plan import``: the two seed plans read from text, Word, web page and PDF give the
indicator rows of the bundled examples; the workbook marks every imported cell for review and
passes ``plan check`` once the units are added; bad inputs give findings, never a traceback."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from fixtures.plan_documents import (
    DINGHU_TXT,
    EZHOU_TXT,
    PLANS,
    docx_to_pdf,
    soffice,
    split_seed,
    write_docx,
    write_html,
)

from reportkit.cli import main
from reportkit.definitions.check import lint_plan
from reportkit.definitions.importing import import_plan, read_plan
from reportkit.findings import Severity

EXAMPLES = Path(__file__).resolve().parents[1] / "reportkit" / "data" / "examples"
SEEDS = {"dinghu": DINGHU_TXT, "ezhou": EZHOU_TXT}
FIELDS = ("name", "unit", "baseline", "target", "attribute")


def _example(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name / "plan.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("plans")
    docs: dict[tuple[str, str], Path] = {}
    for name, txt in SEEDS.items():
        table = split_seed(txt)
        docs[(name, "txt")] = txt
        docs[(name, "docx")] = write_docx(table, out / f"{name}.docx")
        docs[(name, "html")] = write_html(table, out / f"{name}.html")
    return docs


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the PDF is rendered from the generated .docx")
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    for name, txt in SEEDS.items():
        short = write_docx(split_seed(txt), out / f"{name}-pdf.docx", paragraphs_after=8)
        result[name] = docx_to_pdf(short, out)
    return result


def _assert_rows_match_example(name: str, source: Path) -> None:
    result = read_plan(source)
    assert result.ok, [f.message for f in result.findings]
    expected = _example(name)["indicators"]
    assert len(result.indicators) == len(expected)
    for got, want in zip(result.indicators, expected, strict=True):
        values = got.row.values
        blank_unit = "单位栏空白" in want.get("note", "")
        for f in FIELDS:
            if f == "unit" and blank_unit:
                # The printed table leaves this unit blank; the example filled it from the text.
                assert values["unit"] == "" and "unit" in got.row.doubts
            else:
                assert values[f] == str(want[f]), (name, source.suffix, want["code"], f)
        if name == "dinghu":
            assert values["category"] == want["category"]


@pytest.mark.parametrize("name", ["dinghu", "ezhou"])
@pytest.mark.parametrize("fmt", ["txt", "docx", "html"])
def test_indicator_rows_equal_the_bundled_examples(documents: dict, name: str, fmt: str) -> None:
    _assert_rows_match_example(name, documents[(name, fmt)])


@pytest.mark.parametrize("name", ["dinghu", "ezhou"])
def test_indicator_rows_from_a_rendered_pdf(pdfs: dict[str, Path], name: str) -> None:
    _assert_rows_match_example(name, pdfs[name])


@pytest.mark.parametrize("name", ["dinghu", "ezhou"])
def test_indicator_rows_from_a_pdf_table_without_lines(tmp_path: Path, name: str) -> None:
    """A table printed without borders, broken across two pages: columns from the gaps between
    words, wrapped names joined, the name and unit cut off by the page break put back."""
    import docx

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the PDF is rendered from the generated .docx")
    path = write_docx(split_seed(SEEDS[name]), tmp_path / f"{name}.docx", paragraphs_after=3)
    document = docx.Document(str(path))
    document.tables[0].style = document.styles["Normal Table"]
    document.save(str(path))
    pdf = docx_to_pdf(path, tmp_path)
    import pdfplumber

    with pdfplumber.open(str(pdf)) as opened:
        assert not any(page.find_tables() for page in opened.pages)  # really no ruling lines
        assert sum("序号" in (page.extract_text() or "") for page in opened.pages) == 2  # really two pages
    _assert_rows_match_example(name, pdf)


def test_generated_docx_has_a_real_table_with_merged_cells(documents: dict) -> None:
    import docx

    table = docx.Document(str(documents[("dinghu", "docx")])).tables[0]
    top = [c.text for c in table.rows[0].cells]
    assert top[:3] == ["序号", "主要指标", "主要指标"]  # 主要指标 spans 类别 and 名称
    assert [c.text for c in table.rows[1].cells][4:6] == ["2020年", "2025年"]
    assert table.cell(3, 1)._tc is table.cell(2, 1)._tc  # 总体数据 merged down its two rows


@pytest.mark.parametrize("fmt", ["txt", "docx", "html"])
def test_plan_information_and_bracket_note(documents: dict, fmt: str) -> None:
    facts = read_plan(documents[("dinghu", fmt)]).facts
    assert facts.name and facts.name.value == "肇庆市鼎湖区市场监管现代化“十四五”规划"
    assert facts.issuer and facts.issuer.value == "肇庆市鼎湖区人民政府"
    assert facts.region and facts.region.value == "肇庆市鼎湖区"
    assert facts.years and (facts.years[0].value, facts.years[1].value) == ("2020", "2025")
    assert facts.years[0].where == {"txt": "第 94 行", "docx": "第 1 个表格", "html": "第 1 个表格"}[fmt]
    assert facts.cumulative and facts.cumulative.value == "〔〕"
    assert facts.new and facts.new.value == "〈〉"
    ezhou = read_plan(documents[("ezhou", fmt)]).facts
    assert ezhou.name and ezhou.name.value == "鄂州市市场监管“十四五”规划"
    assert ezhou.issuer and ezhou.issuer.value == "鄂州市人民政府办公室"
    assert ezhou.region and ezhou.region.value == "鄂州市"
    assert ezhou.cumulative is None and ezhou.new is None


def test_tasks_chapters_and_boxes() -> None:
    dinghu = read_plan(DINGHU_TXT)
    boxes = [t for t in dinghu.tasks if t.kind == "专栏项目"]
    expected = [t for t in _example("dinghu")["tasks"] if t["kind"] == "专栏项目"]
    assert len(boxes) == len(expected) == 12
    # Titles as printed; the example shortened one ("在省、市、区的部署下实施…工程").
    assert all(want["title"] in got.title for got, want in zip(boxes, expected, strict=True))
    assert [t.section for t in boxes] == [t["section"] for t in expected]
    assert [t.chapter for t in boxes] == [t["chapter"] for t in expected]
    first = dinghu.tasks[0]
    assert (first.chapter, first.section, first.title) == (
        "第三章 优化市场准入环境,促进市场主体发展", "第一节 推进市场准入提速", "实施市场准入负面清单管理制度")
    assert first.due_year == "2025" and first.milestone.startswith("至2025年,全区市场主体达3.12万户")
    assert not any("规划背景" in t.chapter or "总体要求" in t.chapter or "保障" in t.chapter for t in dinghu.tasks)
    ezhou = read_plan(EZHOU_TXT)
    sections = {(t.chapter, t.section) for t in ezhou.tasks}
    for want in _example("ezhou")["tasks"]:
        assert any(want["section"].split(" ")[0] in s and want["chapter"][:8] in c for c, s in sections), want


def test_targets_in_prose_are_candidates_with_their_sentence() -> None:
    targets = read_plan(DINGHU_TXT).targets
    patent = next(t for t in targets if "高价值发明专利" in t.sentence)
    assert patent.value == "3件" and patent.year == "2025"
    assert patent.sentence == "促进知识产权提质增量,支持开展关键领域高价值专利布局,至2025年,全区每万人口高价值发明专利拥有量达3件。"
    assert patent.chapter.startswith("第七章")
    # A baseline described in the background ("提升到2020年的95.01%") is not a target.
    assert not any(t.year == "2020" for t in targets)


def _cells(ws: Any) -> list[dict[str, Any]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c for c in row), strict=False)) for row in ws.iter_rows(min_row=2)]


def test_workbook_marks_every_imported_cell_for_review(tmp_path: Path) -> None:
    out = tmp_path / "inputs" / "plan.xlsx"
    result = import_plan(EZHOU_TXT, out)
    assert result.ok and result.out == out
    wb = openpyxl.load_workbook(out)
    rows = _cells(wb["指标"])
    assert len(rows) == 8
    market = rows[0]
    assert (market["指标名称"].value, market["单位"].value, market["基期值"].value) == ("全市市场主体数量", "万户", "11.59")
    note = market["指标名称"].comment.text
    assert "ezhou.txt 第 97 行" in note and "全市市场主体数量(万户)" in note
    assert "0.6712" == rows[2]["基期值"].value  # kept as printed text, not a float
    for cell in ("指标编码", "指标名称", "单位", "基期值", "目标值", "属性"):
        assert market[cell].comment is not None and market[cell].fill.fgColor.rgb.endswith("FFF2CC")
    for cell in ("牵头单位", "填报单位", "汇总方式", "计算公式", "指标口径"):
        assert market[cell].value in (None, "") and market[cell].comment is None
    info = {r[0].value: r[1] for r in wb["规划信息"].iter_rows(min_row=2)}
    assert info["规划名称"].value == "鄂州市市场监管“十四五”规划" and "第 19 行" in info["规划名称"].comment.text
    assert info["规划编号"].value in (None, "") and info["评估截止日期"].value in (None, "")
    review = [[c.value for c in r] for r in wb["导入核对"].iter_rows()]
    flat = [str(v) for r in review for v in r if v]
    assert any("规划编号" in v for v in flat) and any("指标口径" in v for v in flat)
    assert ["指标", "A01 指标名称", "全市市场主体数量", "全市市场主体数量(万户)", "第 97 行", "已导入，请核对"] in review
    tasks = _cells(wb["重点任务"])
    assert tasks[0]["任务名称"].value == "实行市场准入负面清单管理" and tasks[0]["任务名称"].comment is not None


def test_blank_unit_is_marked_not_filled(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = import_plan(DINGHU_TXT, out)
    wb = openpyxl.load_workbook(out)
    row = _cells(wb["指标"])[1]
    assert row["指标名称"].value == "全区每千人拥有企业户"
    assert row["单位"].value in (None, "") and "规划表中没有写单位" in row["单位"].comment.text
    assert row["单位"].fill.fgColor.rgb.endswith("F4B183")  # darker than an imported value
    assert row["指标名称"].fill.fgColor.rgb.endswith("FFF2CC")
    uncertain = [f for f in result.findings if f.code == "import.cell-uncertain"]
    assert {f.location.indicator for f in uncertain} == {"A02", "A03", "A05", "A06", "A07"}
    assert all(f.severity is Severity.WARNING for f in uncertain)
    info = {r[0].value: r[1].value for r in wb["规划信息"].iter_rows(min_row=2)}
    assert (info["累计数括号"], info["新增数括号"], info["基期年"], info["目标年"]) == ("〔〕", "〈〉", 2020, 2025)


@pytest.mark.parametrize("name", ["dinghu", "ezhou"])
def test_imported_plan_passes_plan_check_once_units_are_added(documents: dict, tmp_path: Path, name: str) -> None:
    out = tmp_path / "plan.xlsx"
    assert import_plan(documents[(name, "docx")], out).ok
    _, before = lint_plan(out)
    assert {f.code for f in before if f.severity is Severity.ERROR} == {"plan.info-missing", "plan.no-reporter"}
    example = _example(name)
    wb = openpyxl.load_workbook(out)
    info = {r[0].value: r[1] for r in wb["规划信息"].iter_rows(min_row=2)}
    info["规划编号"].value = example["plan"]["id"]
    info["评估截止日期"].value = example["plan"]["cutoff"]
    units = wb["填报单位"]
    for r, u in enumerate(example["units"], start=2):
        units.cell(r, 1, u["code"])
        units.cell(r, 2, u["name"])
        units.cell(r, 3, u["type"])
    header = [c.value for c in wb["指标"][1]]
    for r, want in enumerate(example["indicators"], start=2):
        ws = wb["指标"]
        if not ws.cell(r, header.index("单位") + 1).value:
            ws.cell(r, header.index("单位") + 1, want["unit"])
        ws.cell(r, header.index("填报单位") + 1, "全部区县")
    wb.save(out)
    plan, after = lint_plan(out)
    assert [f.message for f in after if f.severity is Severity.ERROR] == []
    assert [(i.name, i.unit) for i in plan.indicators] == [(i["name"], i["unit"]) for i in example["indicators"]]


# ----------------------------------------------------------------------------- bad inputs


def _codes(result: Any) -> list[str]:
    return [f.code for f in result.findings if f.code != "import.not-stated"]


def test_scanned_pdf_without_text(tmp_path: Path) -> None:
    from PIL import Image

    scan = tmp_path / "扫描件.pdf"
    Image.new("RGB", (600, 800), "white").save(scan)
    result = import_plan(scan, tmp_path / "plan.xlsx")
    assert _codes(result) == ["import.no-text"]
    assert "扫描件" in result.findings[0].message and "1 页" in result.findings[0].message
    assert not (tmp_path / "plan.xlsx").exists()


def test_encrypted_docx(tmp_path: Path, documents: dict) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "加密.docx"
    with open(documents[("ezhou", "docx")], "rb") as plain, open(locked, "wb") as fh:
        OOXMLFile(plain).encrypt("secret", fh)
    result = read_plan(locked)
    assert _codes(result) == ["import.encrypted"] and "密码" in result.findings[0].message


@pytest.mark.parametrize(("filename", "content"), [
    ("损坏.docx", b"PK\x03\x04 not really a zip"),
    ("损坏.pdf", b"%PDF-1.4\n garbage without objects"),
    ("空.html", b""),
    ("图片.docx", None),
])
def test_corrupt_files(tmp_path: Path, filename: str, content: bytes | None) -> None:
    path = tmp_path / filename
    if content is None:  # a valid zip that is not a Word document
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("image.png", b"\x89PNG")
        content = buf.getvalue()
    path.write_bytes(content)
    result = read_plan(path)
    assert _codes(result) == ["import.corrupt"]
    assert filename in result.findings[0].message


def test_unsupported_type(tmp_path: Path) -> None:
    old = tmp_path / "规划.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = read_plan(old)
    assert _codes(result) == ["import.unsupported"] and "另存为 .docx" in result.findings[0].hint


def test_document_without_an_indicator_table_imports_its_tasks(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = import_plan(PLANS / "zhongshan-2020.txt", out)
    assert _codes(result) == ["import.no-indicator-table"] and result.ok
    assert result.indicators == [] and len(result.tasks) >= 12
    assert result.tasks[0].chapter == "一、抓实“四大战略”,引领高质量发展"
    assert result.tasks[0].title == "实施质量强市战略"
    assert out.exists()


def test_document_with_nothing_to_import(tmp_path: Path) -> None:
    note = tmp_path / "通知.txt"
    note.write_text("关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    result = import_plan(note, tmp_path / "plan.xlsx")
    assert _codes(result) == ["import.nothing-found"] and not result.ok
    assert not (tmp_path / "plan.xlsx").exists()


def test_partial_import_says_what_it_could_not_read(tmp_path: Path) -> None:
    text = EZHOU_TXT.read_text(encoding="utf-8")
    # Row 3 loses its 2025 cell; row 5's target becomes text no notation can read.
    text = text.replace("0.6712\n\n1\n\n预期性", "0.6712\n\n预期性").replace("\n9\n\n预期性", "\n约9\n\n预期性")
    broken = tmp_path / "ezhou.txt"
    broken.write_text(text, encoding="utf-8")
    out = tmp_path / "plan.xlsx"
    result = import_plan(broken, out)
    assert result.ok
    unread = [f for f in result.findings if f.code == "import.row-unread"]
    assert len(unread) == 1 and "有效注册商标量(万件) | 0.6712 | 预期性" in unread[0].message
    assert [i.row.values["name"] for i in result.indicators] == [
        "全市市场主体数量", "每万人口高价值发明专利拥有量", "有效地理标志总量", "马德里商标国际注册总量",
        "建立社会公用计量标准", "食品安全评价性抽检合格率", "药品、医疗器械及化妆品监督抽检合格率"]
    madrid = result.indicators[3]
    assert madrid.row.values["target"] == "" and "约9" in madrid.row.doubts["target"]
    wb = openpyxl.load_workbook(out)
    row = _cells(wb["指标"])[3]
    assert row["目标值"].value in (None, "") and "约9" in row["目标值"].comment.text
    assert any("有效注册商标量" in str(c.value) for r in wb["导入核对"].iter_rows() for c in r)


def test_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"the coordinator's own work")
    result = import_plan(EZHOU_TXT, out)
    assert _codes(result) == ["import.output-exists"] and not result.ok
    assert out.read_bytes() == b"the coordinator's own work"


# ----------------------------------------------------------------------------- command line


def test_cli_writes_default_path_and_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["plan", "import", str(DINGHU_TXT)])
    assert first.exit_code == 0, first.output
    assert (tmp_path / "inputs" / "plan.xlsx").exists()
    assert "导入指标 14 项" in first.output and "reportkit plan check" in first.output
    second = runner.invoke(main, ["plan", "import", str(DINGHU_TXT)])
    assert second.exit_code == 1 and "已存在，未覆盖" in second.output


def test_cli_json_equals_the_library_result(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    run = CliRunner().invoke(main, ["plan", "import", str(EZHOU_TXT), "--out", str(out), "--json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    again = read_plan(EZHOU_TXT).to_dict()
    assert data["indicators"] == again["indicators"] and data["plan"] == again["plan"]
    assert data["out"] == str(out) and data["ok"] is True
    assert [i["baseline"] for i in data["indicators"]][:3] == ["11.59", "2.2", "0.6712"]


def test_cli_bad_input_exits_1_with_the_finding(tmp_path: Path) -> None:
    bad = tmp_path / "坏.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    run = CliRunner().invoke(main, ["plan", "import", str(bad), "--out", str(tmp_path / "p.xlsx")])
    assert run.exit_code == 1
    assert "无法读取 坏.pdf" in run.output and "Traceback" not in run.output
    assert not (tmp_path / "p.xlsx").exists()


# ----------------------------------------------------------------------------- table shapes


def test_several_tables_are_merged(tmp_path: Path) -> None:
    path = write_docx(split_seed(DINGHU_TXT), tmp_path / "two.docx", split_at=7)
    result = read_plan(path)
    assert [t.split("（")[1] for t in result.tables] == ["第 1 个表格，7 行）", "第 2 个表格，7 行）"]
    assert [i.code for i in result.indicators] == [f"A{k:02d}" for k in range(1, 15)]
    assert [i.row.values["name"] for i in result.indicators] == [i["name"] for i in _example("dinghu")["indicators"]]
    assert result.indicators[7].row.values["category"] == "市场秩序与安全监管"


def test_group_heading_rows_and_unnumbered_rows(tmp_path: Path) -> None:
    path = write_html(split_seed(EZHOU_TXT), tmp_path / "groups.html",
                      groups={0: "一、市场主体", 1: "二、知识产权", 5: "三、质量和安全"}, unnumbered={4})
    result = read_plan(path)
    assert not _codes(result)
    rows = [(i.row.seq, i.row.values["category"], i.row.values["name"]) for i in result.indicators]
    assert rows[0] == ("1", "市场主体", "全市市场主体数量")
    assert rows[1][1] == rows[4][1] == "知识产权"
    assert rows[4] == ("", "知识产权", "马德里商标国际注册总量")  # no 序号 printed, still imported
    assert rows[7][1] == "质量和安全" and len(rows) == 8


def test_plan_years_from_a_printed_range(tmp_path: Path) -> None:
    text = tmp_path / "规划.txt"
    text.write_text("某市市场监督管理发展规划（2021—2025年）\n序号\n指标名称\n单位\n基期值\n目标值\n属性\n"
                    "1\n抽检合格率\n%\n97\n≥98\n约束性\n备注：无。\n", encoding="utf-8")
    facts = read_plan(text).facts
    assert facts.name and facts.name.value == "某市市场监督管理发展规划（2021—2025年）"
    assert facts.years and (facts.years[0].value, facts.years[1].value) == ("2020", "2025")
    assert facts.region and facts.region.value == "某市"


def test_table_continued_without_its_header(tmp_path: Path) -> None:
    path = write_docx(split_seed(DINGHU_TXT), tmp_path / "continued.docx", split_at=9, continued=True)
    result = read_plan(path)
    assert [i.row.values["name"] for i in result.indicators] == [i["name"] for i in _example("dinghu")["indicators"]]
    assert [i.row.seq for i in result.indicators] == [str(k) for k in range(1, 15)]
    assert not _codes(result) or set(_codes(result)) == {"import.cell-uncertain"}


def test_rows_lost_between_tables_are_reported(tmp_path: Path) -> None:
    seed = split_seed(DINGHU_TXT)
    # Rows 8 and 9 are in a table the importer cannot recognise (an image in the real case).
    path = write_docx(replace(seed, rows=seed.rows[:7] + seed.rows[9:]), tmp_path / "gap.docx")
    result = read_plan(path)
    unread = [f.message for f in result.findings if f.code == "import.row-unread"]
    assert len(unread) == 1 and "序号 8、9" in unread[0]
    assert len(result.indicators) == 12


def test_encrypted_pdf(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdfs["ezhou"]))
    writer.encrypt("secret", algorithm="RC4-128")
    locked = tmp_path / "加密.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    result = read_plan(locked)
    assert _codes(result) == ["import.encrypted"] and "密码" in result.findings[0].message


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_boxes_drawn_as_tables_are_tasks(tmp_path: Path, fmt: str) -> None:
    seed = split_seed(DINGHU_TXT)
    if fmt == "docx":
        path = write_docx(seed, tmp_path / "boxes.docx", boxes_as_tables=True)
    else:
        path = write_html(seed, tmp_path / "boxes.html", boxes_as_tables=True)
    result = read_plan(path)
    boxes = [t for t in result.tasks if t.kind == "专栏项目"]
    expected = [t for t in _example("dinghu")["tasks"] if t["kind"] == "专栏项目"]
    assert [(t.chapter, t.section) for t in boxes] == [(t["chapter"], t["section"]) for t in expected]
    assert all(want["title"] in got.title for got, want in zip(boxes, expected, strict=True))
    assert len(result.indicators) == 14


def test_old_word_file_named_docx(tmp_path: Path, documents: dict) -> None:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: it writes the old .doc file")
    import subprocess

    source = documents[("ezhou", "docx")]
    subprocess.run([str(soffice()), f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    renamed = tmp_path / "规划.docx"
    (tmp_path / "ezhou.doc").rename(renamed)
    result = read_plan(renamed)
    assert _codes(result) == ["import.unsupported"] and "旧版 Word" in result.findings[0].message


def test_prose_targets_sheet(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    import_plan(DINGHU_TXT, out)
    ws = openpyxl.load_workbook(out)["候选指标"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert ["第七章 加强知识产权保护运用,激发经济发展动力", "2025", "3件",
            "促进知识产权提质增量,支持开展关键领域高价值专利布局,至2025年,全区每万人口高价值发明专利拥有量达3件。",
            "第 460 行"] in rows
    _, findings = lint_plan(out)
    assert not any("候选指标" in (f.location.sheet or "") or "导入核对" in (f.location.sheet or "") for f in findings)


def test_text_table_with_year_headers_after_the_unit(tmp_path: Path) -> None:
    text = tmp_path / "规划.txt"
    text.write_text("\n".join([
        "某区“十四五”市场监管主要指标", "序号", "指标名称", "单位", "2020年", "2025年", "属性",
        "1", "食品安全评价性抽检合格率", "%", "98", "≥98.5", "约束性",
        "2", "每万人口发明专利拥有量", "件", "2.2", "2.96", "预期性",
        "注：无。"]) + "\n", encoding="utf-8")
    result = read_plan(text)
    got = [tuple(i.row.values[f] for f in FIELDS) for i in result.indicators]
    assert got == [("食品安全评价性抽检合格率", "%", "98", "≥98.5", "约束性"),
                   ("每万人口发明专利拥有量", "件", "2.2", "2.96", "预期性")]
    assert result.facts.years and (result.facts.years[0].value, result.facts.years[1].value) == ("2020", "2025")
