"""What an analyst would write instead of reportkit, over the same generated corpus (run by
``bench_build.py`` in a child process each; runnable alone):

    python bench/peers.py naive-calamine|naive-openpyxl|calamine-read|unzip CORPUS OUT

* ``naive-calamine`` / ``naive-openpyxl``: pandas reads every sheet of every return (with
  python-calamine or openpyxl), sums each indicator and data item over the units, computes
  the ratios of sums for the computed indicators, writes a docxtpl report (indicator table,
  one paragraph per indicator, an appendix table of the same size as reportkit's 附件1) and
  a pandas Excel summary. No validation, no ledger.
* ``calamine-read``: the floor — python-calamine reading every sheet of every return.
* ``unzip``: only decompressing every part of every return.

Prints one JSON line: ``seconds`` (inside the process, imports included), ``maxrss_mb``.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
import zipfile
from pathlib import Path

START = time.perf_counter()

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The form's layout as the analyst reads it off a blank form (not imported from reportkit,
# whose import would count against the peer).
SHEET_INDICATORS, SHEET_TASKS, SHEET_META = "指标数据", "重点任务", "_reportkit"
HEADER_ROW = 2  # 0-based
YEARS = (2021, 2022, 2023)
APPENDIX_MAX_ROWS = 20000  # reportkit's MAX_REPORT_VALUE_ROWS: beyond it 附件1 keeps the totals
FORMULA = re.compile(r"^\s*(.+?)\s*/\s*(.+?)\s*\*\s*100\s*$")


def returns_of(corpus: Path) -> list[Path]:
    return sorted((corpus / "inputs" / "returns").glob("*.xlsx"))


def unzip(corpus: Path, out: Path) -> dict:
    size = 0
    for f in returns_of(corpus):
        with zipfile.ZipFile(f) as zf:
            for name in zf.namelist():
                size += len(zf.read(name))
    return {"bytes": size}


def calamine_read(corpus: Path, out: Path) -> dict:
    import python_calamine as pc

    cells = 0
    for f in returns_of(corpus):
        wb = pc.CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
        wb.close()
    return {"cells": cells}


def naive(corpus: Path, out: Path, engine: str) -> dict:
    import pandas as pd

    plan = pd.read_excel(corpus / "inputs" / "plan.xlsx", sheet_name=None, engine=engine, dtype=str)
    indicators = plan["指标"].fillna("")
    items = plan["数据项"].fillna("")
    units = dict(zip(plan["填报单位"]["单位编码"], plan["填报单位"]["单位名称"], strict=True))
    item_code = dict(zip(items["数据项名称"], items["数据项编码"], strict=True))

    records, tasks = [], []
    for f in returns_of(corpus):
        sheets = pd.read_excel(f, sheet_name=None, header=None, engine=engine)
        meta = dict(zip(sheets[SHEET_META][0], sheets[SHEET_META][1], strict=True))
        unit = meta["unit"]
        grid = sheets[SHEET_INDICATORS]
        table = grid.iloc[HEADER_ROW + 1:]
        table.columns = list(grid.iloc[HEADER_ROW])
        for year in YEARS:
            col = f"{year}年"
            values = pd.to_numeric(table[col], errors="coerce")
            records.append(pd.DataFrame({"unit": unit, "code": table["编码"], "year": year, "value": values}))
        tgrid = sheets[SHEET_TASKS]
        ttable = tgrid.iloc[HEADER_ROW + 1:]
        ttable.columns = list(tgrid.iloc[HEADER_ROW])
        tasks.append(ttable.assign(unit=unit))
    values = pd.concat(records, ignore_index=True).dropna(subset=["value"])
    wide = values.pivot_table(index=["code", "unit"], columns="year", values="value", aggfunc="sum")
    totals = values.groupby(["code", "year"])["value"].sum().unstack("year")

    rows, appendix = [], []
    for ind in indicators.itertuples(index=False):
        code, formula = ind.指标编码, ind.计算公式
        if formula:
            m = FORMULA.match(formula)
            num, den = item_code[m.group(1)], item_code[m.group(2)]
            total = totals.loc[num] / totals.loc[den] * 100
            per_unit = wide.loc[num] / wide.loc[den] * 100
        else:
            total = totals.loc[code]
            per_unit = wide.loc[code]
        base, target = float(ind.基期值), float(ind.目标值)
        current = float(total[YEARS[-1]])
        progress = (current - base) / (target - base) * 100 if target != base else None
        row = {"code": code, "name": ind.指标名称, "unit": ind.单位, "baseline": ind.基期值, "target": ind.目标值,
               **{str(y): f"{total[y]:.1f}" for y in YEARS},
               "progress": "" if progress is None else f"{progress:.1f}%"}
        rows.append(row)
        appendix.append({"indicator": ind.指标名称, "unit": "合计", "baseline": ind.基期值,
                         "cells": [row[str(y)] for y in YEARS], "progress": row["progress"], "note": ""})
        for unit, v in per_unit.iterrows():
            appendix.append({"indicator": "", "unit": units.get(unit, unit), "baseline": "",
                             "cells": [f"{v[y]:.1f}" for y in YEARS], "progress": "", "note": ""})
    if len(appendix) > APPENDIX_MAX_ROWS:
        appendix = [r for r in appendix if r["unit"] == "合计"]

    template = out / "template.docx"
    make_template(template)
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(template))
    doc.render({"title": "某省市场监管“十四五”规划中期评估报告", "indicators": rows, "years": list(YEARS),
                "appendix": appendix})
    doc.save(str(out / "report.docx"))

    summary = pd.DataFrame(rows)
    unit_values = wide.reset_index()
    task_rows = pd.concat(tasks, ignore_index=True)
    with pd.ExcelWriter(out / "summary.xlsx") as xl:
        summary.to_excel(xl, sheet_name="指标汇总", index=False)
        unit_values.to_excel(xl, sheet_name="分单位数据", index=False)
        task_rows.to_excel(xl, sheet_name="重点任务", index=False)
    return {"returns": len(tasks), "appendix_rows": len(appendix)}


def make_template(path: Path) -> None:
    """A plain docxtpl template: title, indicator table, a paragraph per indicator, 附件 table."""
    from docx import Document

    doc = Document()
    doc.add_heading("{{ title }}", 0)
    doc.add_heading("一、主要指标完成情况", 1)
    table = doc.add_table(rows=4, cols=7)
    table.style = "Table Grid"
    heads = ("指标", "单位", "基期值", "目标值", "2021年", "2023年", "完成进度")
    cells = ("{{ i.name }}", "{{ i.unit }}", "{{ i.baseline }}", "{{ i.target }}", "{{ i['2021'] }}",
             "{{ i['2023'] }}", "{{ i.progress }}")
    for k in range(7):
        table.rows[0].cells[k].text = heads[k]
        table.rows[2].cells[k].text = cells[k]
    table.rows[1].cells[0].text = "{%tr for i in indicators %}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("{%p for i in indicators %}")
    doc.add_paragraph("{{ i.name }}：2023年为{{ i['2023'] }}{{ i.unit }}，目标值{{ i.target }}{{ i.unit }}，"
                      "完成进度{{ i.progress }}。")
    doc.add_paragraph("{%p endfor %}")
    doc.add_page_break()
    doc.add_heading("附件1 主要指标分单位数据", 1)
    table = doc.add_table(rows=4, cols=8)
    table.style = "Table Grid"
    heads = ("指标", "填报单位", "基期值", "{%tc for y in years %}", "{{ y }}年", "{%tc endfor %}", "完成进度", "说明")
    cells = ("{{ v.indicator }}", "{{ v.unit }}", "{{ v.baseline }}", "{%tc for x in v.cells %}", "{{ x }}",
             "{%tc endfor %}", "{{ v.progress }}", "{{ v.note }}")
    for k in range(8):
        table.rows[0].cells[k].text = heads[k]
        table.rows[2].cells[k].text = cells[k]
    table.rows[1].cells[0].text = "{%tr for v in appendix %}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    doc.save(str(path))


PEERS = {
    "naive-calamine": lambda c, o: naive(c, o, "calamine"),
    "naive-openpyxl": lambda c, o: naive(c, o, "openpyxl"),
    "calamine-read": calamine_read,
    "unzip": unzip,
}


def main() -> int:
    kind, corpus, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    info = PEERS[kind](corpus, out)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": time.perf_counter() - START,
                      "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **info}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
