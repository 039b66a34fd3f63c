"""A work plan reviewed by rounds, on the bundled 中山 example: ``reportkit init --example
zhongshan`` collects the first-quarter round into the ledger, ``reportkit build`` writes the
half-year 落实情况通报 with its 督办台账. Asserted on the re-opened .docx, .xlsx and ledger."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportkit.cli import main
from reportkit.definitions.loader import load_plan
from reportkit.definitions.model import Plan, Task, Unit, UnitType
from reportkit.definitions.rounds import plan_for_round
from reportkit.evaluation.supervision import supervise
from reportkit.forms import layout
from reportkit.forms.writer import write_form
from reportkit.intake.types import ReturnData, ReturnMeta, TaskReport
from reportkit.ledger import Ledger
from reportkit.ledger import schema as ledger_schema
from reportkit.ledger.rounds import known_rounds, previous_round, unit_rounds
from reportkit.project import Project

BULLETIN = "中山市市场监督管理局2020年工作要点2020年上半年落实情况通报.docx"
SUMMARY = "中山市市场监督管理局2020年工作要点汇总表.xlsx"
FIVE_YEAR_WORDS = ("规划期", "时间进度", "预计", "十四五", "2025", "中期评估", "指标调整", "五年")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zs") / "zs"
    runner = CliRunner()
    res = runner.invoke(main, ["init", str(root), "--example", "zhongshan"])
    assert res.exit_code == 0, res.output
    assert "2020年一季度" in res.output
    cwd = os.getcwd()
    os.chdir(root)
    try:
        res = runner.invoke(main, ["build"])
    finally:
        os.chdir(cwd)
    assert res.exit_code == 0, res.output
    return root


def _text(path: Path) -> tuple[str, list[list[list[str]]]]:
    d = docx.Document(str(path))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    body = "\n".join(p.text for p in d.paragraphs)
    return body, tables


def test_init_copies_the_bulletin_template_only(built: Path):
    assert [p.name for p in (built / "templates").iterdir()] == ["落实情况通报模板.docx"]


def test_bulletin_lists_overdue_tasks_with_their_responsible_units(built: Path):
    body, _ = _text(built / "outputs" / BULLETIN)
    assert body.startswith("中山市市场监督管理局2020年工作要点\n2020年上半年落实情况通报")
    overdue = body.split("二、逾期未完成任务")[1].split("三、与上一轮比较")[0]
    assert "通过国家增设允许药品进口口岸评估验收（完成时限：2020年二季度；牵头单位：药品医疗器械化妆品监管科）" in overdue
    assert "全面推行“一企一证”改革（完成时限：2020年二季度；牵头单位：行政许可科）" in overdue
    assert "受疫情影响推迟" in overdue  # the reason the unit gave
    # 网络交易监管科 sent its first-quarter form: its 二季度 task counts as overdue, not reported
    assert "召开网络市场监管部门联席会议" in overdue and "本轮未报送进展" in overdue
    # done by the deadline, or not yet due: not in the list
    assert "完善知识产权资助政策" not in overdue and "建立企业海外维权援助机制" not in overdue
    assert "网络交易监管科报送的是2020年一季度的填报表，未作为本轮数据使用" in body
    # indicators against the year before (2019 pre-filled from the first round)
    assert "“明厨亮灶”覆盖率为84.7%，上年（2019年）为82.4%，比上年提高2.3个百分点" in body


def test_bulletin_compares_with_the_previous_round(built: Path):
    body, _ = _text(built / "outputs" / BULLETIN)
    section = body.split("三、与上一轮比较")[1].split("四、下一轮到期任务")[0]
    assert "与上一轮（2020年一季度）相比，已完成任务由1项增至8项，逾期未完成任务由1项变为4项" in section
    assert "本轮新完成7项" in section and "省药品检验所中山实验室通过CMA资质验收" in section
    assert "本轮新增逾期4项" in section
    due_next = body.split("四、下一轮到期任务")[1].split("五、工作要求")[0]
    assert "建立企业海外维权援助机制（完成时限：2020年三季度；牵头单位：知识产权科）" in due_next


def test_bulletin_carries_the_per_unit_table_with_an_overdue_column(built: Path):
    _, tables = _text(built / "outputs" / BULLETIN)
    ledger, units = tables
    assert units[0] == ["责任单位", "任务数", "已完成", "序时推进", "滞后", "逾期", "未启动", "未报送"]
    rows = {r[0]: r[1:] for r in units[1:]}
    assert rows["药品医疗器械化妆品监管科"] == ["4", "1", "1", "0", "2", "0", "0"]
    assert rows["行政许可科"][4] == "1"
    assert rows["信用监管科"][-1] == "2"  # nothing reported this round
    assert rows["合计"] == ["40", "8", "24", "1", "4", "1", "2"]
    assert sum(int(r[0]) for name, r in rows.items() if name != "合计") == 40
    assert ledger[0] == ["序号", "任务", "完成时限", "牵头单位", "配合单位", "进展状态", "较上轮"]
    by_code = {r[0]: r for r in ledger[1:]}
    assert by_code["2.2.1"][5] == "逾期未完成" and by_code["2.2.1"][6] == "新增逾期"
    assert by_code["2.2.2"][5] == "已完成" and by_code["2.2.2"][6] == "新完成"
    assert by_code["1.1.3"][4] == "质量发展科"  # cooperating unit


def test_bulletin_has_no_five_year_wording(built: Path):
    body, tables = _text(built / "outputs" / BULLETIN)
    text = body + "".join(c for t in tables for r in t for c in r)
    for word in FIVE_YEAR_WORDS:
        assert word not in text, word


def test_summary_workbook_carries_the_task_ledger(built: Path):
    wb = load_workbook(built / "outputs" / SUMMARY, read_only=True)
    assert wb.sheetnames[:2] == ["督办台账", "分单位统计"]
    rows = list(wb["督办台账"].iter_rows(min_row=2, values_only=True))
    head = rows[0]
    overdue = [dict(zip(head, r, strict=True)) for r in rows[1:] if r[head.index("进展状态")] == "逾期未完成"]
    assert {(r["任务编码"], r["牵头单位"]) for r in overdue} == {
        ("2.2.1", "药品医疗器械化妆品监管科"), ("2.2.3", "药品医疗器械化妆品监管科"), ("3.1.3", "行政许可科"),
        ("3.4.1", "网络交易监管科")}
    units = list(wb["分单位统计"].iter_rows(min_row=2, values_only=True))
    assert units[0][5] == "逾期"
    assert {r[0]: r[5] for r in units[1:]}["药品医疗器械化妆品监管科"] == 2


# ---------------------------------------------------------------- the ledger keeps rounds apart
def test_two_rounds_of_one_plan_kept_apart(built: Path):
    project = Project(built)
    plan = load_plan(project.plan_path)
    with Ledger.for_project(project) as ledger:
        current = ledger.latest_accepted(plan)
        earlier = ledger.accepted_in(plan, "2020-一季度")
        assert {r.meta.period for r in current} == {"2020-上半年"}
        assert {r.meta.period for r in earlier} == {"2020-一季度"}
        assert len(earlier) == 16 and len(current) == 14
        assert [r.label for r in known_rounds(ledger, plan)] == ["2020年一季度", "2020年上半年"]
        before = previous_round(ledger, plan)
        assert before is not None and before.cutoff == dt.date(2020, 3, 31)
        # the first-quarter plan sees no earlier round
        assert previous_round(ledger, plan_for_round(plan, "一季度")) is None
    rows = sqlite3.connect(project.ledger_path).execute(
        "SELECT period, label, cutoff FROM rounds ORDER BY cutoff").fetchall()
    assert rows == [("2020-一季度", "2020年一季度", "2020-03-31"), ("2020-上半年", "2020年上半年", "2020-06-30")]


def test_a_return_of_the_wrong_round_is_a_finding_and_not_used(built: Path):
    project = Project(built)
    plan = load_plan(project.plan_path)
    with Ledger.for_project(project) as ledger:
        wrong = [s for s in ledger.submissions(with_findings=True) if s.file_name.endswith("工作进展.xlsx")]
        # kept as received, refused: counted in no round
        assert len(wrong) == 1 and wrong[0].state == "rejected" and wrong[0].period is None
        assert [(f.code, f.location.unit) for f in wrong[0].findings] == [("form.other-period", "network")]
        assert "2020年一季度" in wrong[0].findings[0].message and "2020年上半年" in wrong[0].findings[0].message
        assert "network" not in {r.unit for r in ledger.latest(plan)}
        # the first round's own accepted return of the unit is still the one that round used
        q1 = {r.unit: r for r in ledger.accepted_in(plan, "2020-一季度")}
        assert q1["network"].path.endswith("网络交易监管科-2020年一季度填报表.xlsx")
        # in the unit's history, refused and never the version in use
        assert [(h.file_name, h.current) for h in ledger.history("network")][-1] == (wrong[0].file_name, False)
    shown = CliRunner().invoke(main, ["history", "network", "-p", str(built)], env={"COLUMNS": "200"})
    row = next(line for line in shown.output.splitlines() if wrong[0].file_name in line)
    assert "其他期次，不用" in row and "现用版本" not in row


def test_history_per_unit_across_rounds(built: Path):
    project = Project(built)
    plan = load_plan(project.plan_path)
    with Ledger.for_project(project) as ledger:
        drug = unit_rounds(ledger, plan, "drug")
        assert [(u.round.label, u.returns, u.accepted) for u in drug] == [("2020年一季度", 1, True),
                                                                         ("2020年上半年", 1, True)]
        network = unit_rounds(ledger, plan, "network")
        assert [(u.round.label, u.returns, u.accepted) for u in network] == [("2020年一季度", 1, True)]
        assert network[0].used_file == "网络交易监管科-2020年一季度填报表.xlsx"
        assert [u.round.label for u in unit_rounds(ledger, plan, "credit")] == ["2020年一季度"]
    res = CliRunner().invoke(main, ["history", "drug", "-p", str(built), "--json"])
    assert res.exit_code == 0
    assert [s["period"] for s in json.loads(res.output)["submissions"]] == ["2020-一季度", "2020-上半年"]


def test_previous_round_values_prefill_the_next_form_but_the_year_stays_open(built: Path, tmp_path: Path):
    project = Project(built)
    plan = load_plan(project.plan_path)
    third = plan_for_round(plan, "三季度")
    with Ledger.for_project(project) as ledger:
        values = ledger.prefill(third, "catering")
    assert values[("Z01", 2019)] == pytest.approx(82.4)
    assert ("Z01", 2020) not in values  # 2020 is still being reported in the third quarter
    form = write_form(third, "catering", tmp_path / "q3.xlsx", prefilled=values).path
    ws = load_workbook(form)[layout.SHEET_INDICATORS]
    cols = {str(c.value): c.column for c in ws[layout.INDICATOR_HEADER_ROW] if c.value is not None}
    row = next(r for r in range(layout.INDICATOR_FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "Z01")
    assert ws.cell(row, cols[layout.year_header(2019)]).value == pytest.approx(82.4)
    assert ws.cell(row, cols[layout.year_header(2019)]).protection.locked
    assert ws.cell(row, cols[layout.year_header(2020)]).value is None


def test_ledger_schema_4_adds_rounds_to_an_older_ledger(tmp_path: Path):
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    for version, script in enumerate(ledger_schema.MIGRATIONS[:3], start=1):
        for statement in ledger_schema._statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    with Ledger(path) as ledger:
        assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == ledger_schema.SCHEMA_VERSION >= 4
        assert ledger.conn.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 0


# ---------------------------------------------------------------- statuses at the cut-off
def _plan(cutoff: dt.date) -> Plan:
    base = load_plan(Path(__file__).resolve().parents[1] / "reportkit" / "data" / "examples" / "zhongshan" /
                     "plan.yaml")
    from dataclasses import replace

    tasks = (Task("A", "一", "年初任务", due="年初", due_year=2020, lead_unit="a"),
             Task("B", "一", "二季度任务", due="二季度", due_year=2020, lead_unit="a", reporters=("a", "b")),
             Task("C", "一", "三季度任务", due="三季度", due_year=2020, lead_unit="b"),
             Task("D", "一", "年底任务", due_year=2020, lead_unit="b"))
    units = (Unit("a", "甲科", UnitType.DEPARTMENT), Unit("b", "乙科", UnitType.DEPARTMENT))
    return replace(base, info=replace(base.info, cutoff=cutoff), indicators=(), tasks=tasks, units=units)


def _ret(unit: str, statuses: dict[str, str]) -> ReturnData:
    meta = ReturnMeta("zhongshan-scjg-2020", "fp", "1", unit, unit, "2020-上半年")
    return ReturnData(path=f"/tmp/{unit}.xlsx", sha256=unit, meta=meta,
                      tasks=[TaskReport(unit, code, "进展", s) for code, s in statuses.items()])


def test_status_at_the_cutoff_follows_the_deadline():
    plan = _plan(dt.date(2020, 6, 30))
    sup = supervise(plan, [_ret("a", {"A": "已完成", "B": "按进度推进"}), _ret("b", {"C": "滞后", "B": "已完成"})])
    status = {r.task.code: r.status for r in sup.rows}
    # B: one unit still in progress past 二季度 → overdue; D: nobody reported, not yet due
    assert status == {"A": "已完成", "B": "逾期未完成", "C": "滞后", "D": "未报送"}
    assert [r.task.code for r in sup.due_next] == ["C"]
    assert {u.name: (u.total, u.counts["逾期未完成"]) for u in sup.by_unit} == {"甲科": (2, 1), "乙科": (2, 0)}
    assert sup.previous_label == "" and all(r.change == "" for r in sup.rows)


def test_unreported_task_past_its_deadline_is_overdue_and_changes_are_named():
    plan = _plan(dt.date(2020, 6, 30))
    sup = supervise(plan, [_ret("b", {"C": "已完成", "D": "未启动"})], previous_label="2020年一季度",
                    previous_cutoff=dt.date(2020, 3, 31), previous_returns=[_ret("a", {"A": "按进度推进"})])
    status = {r.task.code: (r.previous, r.status, r.change) for r in sup.rows}
    assert status["A"] == ("逾期未完成", "逾期未完成", "连续逾期")  # 年初 = by 31 March
    assert status["B"] == ("未报送", "逾期未完成", "本轮新增逾期")
    assert status["C"] == ("未报送", "已完成", "本轮新完成")
    assert status["D"] == ("未报送", "未启动", "")
    assert sup.previous_counts["逾期未完成"] == 1


def test_evaluate_of_a_round_makes_no_projection(built: Path):
    res = CliRunner().invoke(main, ["evaluate", "--json", "-p", str(built)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output[res.output.index("{"):])
    assert [i["projection"]["value"] for i in data["indicators"]] == [None, None, None]
    assert [i["status"] for i in data["indicators"]] == ["提前实现", "基本符合预期", "提前实现"]
