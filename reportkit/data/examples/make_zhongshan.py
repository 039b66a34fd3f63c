"""Make the 中山 work-plan example's returns: two rounds of the 2020 工作要点.

    python -m reportkit.data.examples.make_zhongshan

``earlier/一季度/`` holds the first-quarter round (collected into the ledger by ``reportkit init
--example zhongshan``, as it was when that round was reviewed); ``returns/`` holds the half-year
round the example builds. What the example shows, on purpose:

* tasks due 年初 / 一季度 / 二季度: most reported done by 30 June; 药品进口口岸评估验收 and CNAS
  认证 (二季度) are not, nor is 一企一证 (reported 滞后): overdue at the half-year cut-off;
  CMA 资质验收 (年初) was overdue in the first round and is done now;
* year-end tasks in progress, one 滞后 and one 未启动;
* 信用监管科 has not reported this round; 网络交易监管科 sent its first-quarter form again
  (a return of another round: a finding, not used);
* the indicators' 2019 values come pre-filled from the first round, 2020 values move on.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from reportkit.definitions.loader import load_plan
from reportkit.definitions.model import Plan
from reportkit.definitions.rounds import plan_for_round
from reportkit.forms import layout as L
from reportkit.forms.writer import form_filename, write_form
from reportkit.ledger.receipts import RECEIPT_LOG

from .make_returns import _header, _rows

HERE = Path(__file__).resolve().parent / "zhongshan"
EARLIER = "一季度"
NOT_REPORTED = "credit"
WRONG_ROUND = "network"  # re-sends its first-quarter form in the half-year round

# Declared 完成状态 per round; tasks not listed are 按进度推进.
Q1_STATUS = {"3.1.1": "已完成", "2.2.2": "按进度推进", "1.2.2": "按进度推进", "4.2.1": "未启动", "1.4.2": "未启动",
             "2.4.3": "未启动", "3.1.3": "按进度推进"}
H1_STATUS = {"3.1.1": "已完成", "2.2.2": "已完成", "1.2.2": "已完成", "1.4.1": "已完成", "2.1.2": "已完成",
             "2.4.1": "已完成", "3.4.1": "已完成", "4.4.1": "已完成", "2.2.1": "按进度推进", "2.2.3": "按进度推进",
             "3.1.3": "滞后", "1.4.2": "滞后", "4.2.1": "未启动", "1.1.1": "已完成"}
PROGRESS = {
    "已完成": "已按时间节点完成，相关文件已印发（或验收材料已归档）。",
    "按进度推进": "已制定实施方案，明确责任人和时间节点，正在按计划推进。",
    "滞后": "受新冠肺炎疫情影响，现场工作推迟，进度慢于计划。",
    "未启动": "尚未启动，拟在下半年集中推进。",
}
PROBLEMS = {
    "2.2.1": "国家评估验收组现场评估受疫情影响推迟，验收时间待定。",
    "2.2.3": "CNAS 现场评审安排在三季度，二季度未能完成认证。",
    "3.1.3": "生产许可证目录压减需等待省局统一部署，改革方案尚未印发。",
    "1.4.2": "维权中心升级所需经费尚未到位。",
}
# (2019, 2020) values of the catering office's indicators in each round
VALUES = {EARLIER: {"Z01": (82.4, 83.1), "Z02": (85.0, 84.6), "Z03": (90.0, 95.0)},
          "上半年": {"Z01": (82.4, 84.7), "Z02": (85.0, 86.2), "Z03": (90.0, 100.0)}}


def fill(plan: Plan, unit: str, form: Path, target: Path, statuses: dict[str, str], values: dict[str, tuple],
         filled_on: dt.date, note: str = "") -> None:
    wb = load_workbook(form)
    if plan.direct_indicators_for(unit):
        ws = wb[L.SHEET_INDICATORS]
        _, cols = _header(ws, L.CODE_HEADER)
        for code, r in _rows(ws, L.CODE_HEADER).items():
            for year, v in zip((2019, 2020), values.get(code, ()), strict=False):
                cell = ws.cell(r, cols[L.year_header(year)])
                if not cell.protection.locked:
                    cell.value = v
            ws.cell(r, cols[L.SOURCE_HEADER]).value = "餐饮服务监管台账"
    if plan.tasks_for(unit):
        ws = wb[L.SHEET_TASKS]
        _, cols = _header(ws, L.TASK_CODE_HEADER)
        for code, r in _rows(ws, L.TASK_CODE_HEADER).items():
            status = statuses.get(code, "按进度推进")
            ws.cell(r, cols["进展情况"]).value = PROGRESS[status] + note
            ws.cell(r, cols["完成状态"]).value = status
            if status != "已完成" and code in PROBLEMS:
                ws.cell(r, cols["存在问题"]).value = PROBLEMS[code]
            ws.cell(r, cols["下一步打算"]).value = "加强调度，确保按工作要点时限完成。" if status != "已完成" else None
    ws = wb[L.SHEET_NARRATIVE]
    texts = {"填报人": "督办联络员", "联系电话": "0760-88880001", "填报日期": filled_on.isoformat()}
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value in texts:
            ws.cell(r, 2).value = texts[ws.cell(r, 1).value]
    wb.save(target)


def make_round(plan: Plan, out_dir: Path, statuses: dict[str, str], values: dict[str, tuple], day: dt.date,
               skip: str = "", prefilled: dict[str, dict] | None = None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, unit in enumerate(plan.reporting_units()):
            if unit.code == skip:
                continue
            form = write_form(plan, unit.code, Path(tmp) / f"{unit.code}.xlsx",
                              prefilled=(prefilled or {}).get(unit.code)).path
            target = out_dir / form_filename(plan, unit.code)
            fill(plan, unit.code, form, target, statuses, values, day + dt.timedelta(days=i % 6))
            written[unit.code] = target
    return written


def receipt_log(out_dir: Path, files: dict[str, Path], day: dt.date, extra: dict[str, str] | None = None) -> None:
    lines = ["文件名,收到时间"]
    for i, path in enumerate(files.values()):
        lines.append(f"{path.name},{(day + dt.timedelta(days=i % 6 + 1)).isoformat()} {9 + i % 8:02d}:{(7 * i) % 60:02d}")
    lines.extend(f"{name},{when}" for name, when in (extra or {}).items())
    (out_dir / RECEIPT_LOG).write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def make_all(root: Path = HERE) -> None:
    plan = load_plan(root / "plan.yaml")
    q1 = plan_for_round(plan, EARLIER)
    earlier_dir, returns_dir = root / "earlier" / EARLIER, root / "returns"
    for d in (earlier_dir, returns_dir):
        shutil.rmtree(d, ignore_errors=True)
    q1_files = make_round(q1, earlier_dir, Q1_STATUS, VALUES[EARLIER], dt.date(2020, 4, 1))
    receipt_log(earlier_dir, q1_files, dt.date(2020, 4, 1))
    # the 2019 values the first round accepted are pre-filled (and locked) in the half-year form
    prefilled = {"catering": {(code, 2019): v[0] for code, v in VALUES[EARLIER].items()}}
    h1_files = make_round(plan, returns_dir, H1_STATUS, VALUES["上半年"], dt.date(2020, 7, 1),
                          skip=NOT_REPORTED, prefilled=prefilled)
    # 网络交易监管科 sends its first-quarter form again, re-saved with a new line of progress
    wrong = h1_files.pop(WRONG_ROUND)
    wrong.unlink()
    resent = returns_dir / f"{plan.unit_name(WRONG_ROUND)}-2020年上半年工作进展.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        form = write_form(q1, WRONG_ROUND, Path(tmp) / "f.xlsx").path
        fill(q1, WRONG_ROUND, form, resent, H1_STATUS, {}, dt.date(2020, 7, 3), note="（7月更新）")
    receipt_log(returns_dir, h1_files, dt.date(2020, 7, 1), {resent.name: "2020-07-06 10:20"})


if __name__ == "__main__":
    make_all()
    print(f"zhongshan: {HERE / 'earlier' / EARLIER}, {HERE / 'returns'}")
