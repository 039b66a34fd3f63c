"""Benchmark ``build`` on a generated province-scale plan. Run by hand:

    python bench/bench_build.py [--units 120] [--keep DIR]

Generates a plan (120 reporting units, 60 indicators of which 20 are computed from 40 data
items, 40 tasks, three reported years), writes the return forms with the form writer, fills
them with openpyxl, then in separate subprocesses times (a) the whole ``build`` and (b) a
plain openpyxl read of the same returns (the baseline), each with its peak memory
(``ru_maxrss``), and prints the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from reportkit.definitions.model import (  # noqa: E402
    Aggregation,
    DataItem,
    Indicator,
    Kind,
    Plan,
    PlanInfo,
    Task,
    Unit,
)
from reportkit.definitions.notation import PlanValue  # noqa: E402
from reportkit.definitions.writer import write_plan_workbook  # noqa: E402
from reportkit.forms import layout  # noqa: E402
from reportkit.forms.writer import write_forms  # noqa: E402

YEARS = (2021, 2022, 2023)


def make_plan(n_units: int) -> Plan:
    units = tuple(Unit(f"U{i:03d}", f"第{i}县") for i in range(1, n_units + 1))
    codes = tuple(u.code for u in units)
    items = tuple(DataItem(f"X{i:02d}", f"数据项{i}", "个", reporters=codes) for i in range(1, 41))
    direct = tuple(Indicator(f"D{i:02d}", f"直报指标{i}", "个", f"类别{i % 4}", PlanValue("1000", 1000.0),
                             PlanValue("2000", 2000.0), decimals=0, lead_unit=codes[0], reporters=codes)
                   for i in range(1, 41))
    computed = tuple(Indicator(f"C{i:02d}", f"计算指标{i}", "%", "质量", PlanValue("90", 90.0), PlanValue("95", 95.0),
                               kind=Kind.RATE, decimals=1, lead_unit=codes[0], aggregation=Aggregation.FORMULA,
                               formula=f"数据项{2 * i - 1} / 数据项{2 * i} * 100", lower=0, upper=100)
                     for i in range(1, 21))
    tasks = tuple(Task(f"T{i:02d}", f"第{(i - 1) // 8 + 1}章 重点领域{(i - 1) // 8 + 1}", f"重点任务{i}",
                       lead_unit=codes[0], reporters=codes) for i in range(1, 41))
    info = PlanInfo(id="bench-province", name="某省市场监管“十四五”规划", region="某省", issuer="某省人民政府",
                    lead_agency="某省市场监督管理局", cutoff=dt.date(2023, 12, 31))
    return Plan(info, direct + computed, items, units, tasks)


def fill(path: Path, rng: random.Random) -> None:
    wb = load_workbook(path)
    ws = wb[layout.SHEET_INDICATORS]
    cols = {str(c.value): c.column for c in ws[layout.INDICATOR_HEADER_ROW] if c.value is not None}
    for r in range(layout.INDICATOR_FIRST_DATA_ROW, ws.max_row + 1):
        code = str(ws.cell(r, 1).value or "")
        if not code:
            continue
        base = rng.uniform(900, 1100) if code.startswith(("D", "X")) else 0
        for k, year in enumerate(YEARS):
            value = round(base * (1 + 0.1 * (k + 1)), 0)
            if code.startswith("X") and int(code[1:]) % 2 == 1:
                value = round(value * 0.93, 0)  # numerator items stay below their denominators
            ws.cell(r, cols[layout.year_header(year)]).value = value
    tasks = wb[layout.SHEET_TASKS]
    tcols = {str(c.value): c.column for c in tasks[layout.TASK_HEADER_ROW] if c.value is not None}
    for r in range(layout.TASK_FIRST_DATA_ROW, tasks.max_row + 1):
        if tasks.cell(r, tcols[layout.TASK_CODE_HEADER]).value:
            for header, text in zip(layout.TASK_INPUT_HEADERS, ("按计划推进，完成年度目标。", "按进度推进", None, "继续推进"),
                                    strict=True):
                tasks.cell(r, tcols[header]).value = text
    wb.save(path)


def setup(root: Path, n_units: int) -> int:
    plan = make_plan(n_units)
    (root / "inputs" / "returns").mkdir(parents=True)
    write_plan_workbook(plan, root / "inputs" / "plan.xlsx")
    rng = random.Random(7)
    forms = write_forms(plan, root / "inputs" / "returns")
    for info in forms:
        fill(info.path, rng)
    return len(forms)


BUILD_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from reportkit.project import Project
from reportkit.rendering.build import build
t = time.perf_counter()
result = build(Project(Path({project!r})))
elapsed = time.perf_counter() - t
print(json.dumps({{"seconds": elapsed, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "reported": result.evaluation.coverage.label, "excluded": len(result.excluded)}}))
"""

READ_CHILD = """
import json, resource, sys, time
from pathlib import Path
from openpyxl import load_workbook
t = time.perf_counter()
cells = 0
for f in sorted(Path({returns!r}).glob("*.xlsx")):
    wb = load_workbook(f, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
elapsed = time.perf_counter() - t
print(json.dumps({{"seconds": elapsed, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "cells": cells}}))
"""


def child(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=120)
    ap.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="reportkit-bench-"))
    try:
        t = time.perf_counter()
        n = setup(root, args.units)
        print(f"setup: {n} filled returns in {time.perf_counter() - t:.1f} s ({root})")
        built = child(BUILD_CHILD.format(root=str(ROOT), project=str(root)))
        base = child(READ_CHILD.format(returns=str(root / "inputs" / "returns")))
        print(f"build:             {built['seconds']:.2f} s, peak {built['maxrss_mb']:.0f} MB "
              f"(reported {built['reported']}, excluded {built['excluded']})")
        print(f"openpyxl read:     {base['seconds']:.2f} s, peak {base['maxrss_mb']:.0f} MB ({base['cells']} cells)")
        print(f"ratio build/read:  time {built['seconds'] / base['seconds']:.2f}×, "
              f"memory {built['maxrss_mb'] / base['maxrss_mb']:.2f}×")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
