"""Benchmark ``build`` against what an analyst would write instead, on a generated plan. Run by hand
(the peers need the ``bench`` extra: ``pip install -e ".[bench]"``):

    python bench/bench_build.py [--units 120 [600 2800]] [--corpus DIR] [--repeat K] [--skip PEER ...]

Generates a plan (``--units`` reporting units, 60 indicators of which 20 are computed from 40
data items, 40 tasks, three reported years), writes the return forms from the plan as read
back from its ``plan.xlsx`` (what a coordinator does) and fills them with openpyxl. Then,
each in its own child process and all in this one run, it times:

* reportkit: a first ``build`` (empty ledger), a re-build (the ledger already holds every
  return and nothing changed: the outputs are left as they are), a re-render
  (``build(force=True)``: every output rendered again), ``build --dry-run`` (read, check,
  evaluate) and reading+checking alone;
* the peers (``peers.py``): the naive pandas + python-calamine pipeline, the same with
  openpyxl reading, the bare python-calamine read of every sheet (the floor) and unzipping;
* the time per phase of a first build, serial in one process, timers around the phase functions.

Wall time is measured here around each child process (interpreter start and imports
included); peak memory is the child's ``ru_maxrss`` (its own, and the largest of the
reader processes it started). reportkit's modules are compiled to bytecode first, as an
installed package has them (pip compiles a wheel's modules when it installs it, and the peers'
libraries are measured so); with ``--source`` that bytecode is deleted and every child compiles
reportkit from source, as in a checkout where ``PYTHONDONTWRITEBYTECODE`` is set.
With several ``--units`` the growth between scales is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportkit.definitions.model import Plan

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# reportkit and openpyxl are imported inside the generator only: this process starts the
# measured ones, and a child's ru_maxrss starts from its parent's size.
YEARS = (2021, 2022, 2023)


def make_plan(n_units: int) -> Plan:
    from reportkit.definitions.model import Aggregation, DataItem, Indicator, Kind, Plan, PlanInfo, Task, Unit
    from reportkit.definitions.notation import PlanValue

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
    from openpyxl import load_workbook

    from reportkit.forms import layout

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
    """Write the plan workbook and the filled returns of ``n_units`` units under ``root``."""
    from reportkit.definitions.loader import load_plan
    from reportkit.definitions.writer import write_plan_workbook
    from reportkit.forms.writer import write_forms

    (root / "inputs" / "returns").mkdir(parents=True)
    write_plan_workbook(make_plan(n_units), root / "inputs" / "plan.xlsx")
    # Forms are written from the workbook, as a coordinator does: the returns then carry the
    # fingerprint of the plan every build reads, and are accepted clean.
    plan = load_plan(root / "inputs" / "plan.xlsx")
    rng = random.Random(7)
    forms = write_forms(plan, root / "inputs" / "returns")
    for info in forms:
        fill(info.path, rng)
    return len(forms)


def corpus(base: Path, n_units: int) -> Path:
    """The generated corpus for ``n_units`` under ``base`` (generated once, then reused)."""
    root = base / f"corpus-{n_units}"
    done = root / ".complete"
    if not done.exists():
        shutil.rmtree(root, ignore_errors=True)
        t = time.perf_counter()
        # in a child process, so that this one stays small (see above)
        code = f"import sys; sys.path.insert(0, {str(HERE)!r}); from bench_build import setup; " \
               f"from pathlib import Path; print(setup(Path({str(root)!r}), {n_units}))"
        n = int(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        done.write_text(str(n))
        print(f"generated {n} filled returns in {time.perf_counter() - t:.0f} s ({root})", flush=True)
    return root


REPORTKIT_RUNS = ("build", "rebuild", "rerender", "dry-run", "read-check")
PEERS = ("naive-calamine", "naive-openpyxl", "calamine-read", "unzip")


CHILD_ENV: dict[str, str] | None = None  # None: this process's environment


def compile_bytecode(source: bool) -> str:
    """Set how the children import reportkit; what is measured, as a line of the report."""
    global CHILD_ENV
    if source:  # no bytecode of reportkit, none written: every module compiled in every child
        for cache in (ROOT / "reportkit").rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        CHILD_ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        return "reportkit compiled from source in every process (--source)"
    import compileall

    ok = compileall.compile_dir(ROOT / "reportkit", quiet=1)
    return "reportkit's bytecode compiled beforehand, as installed" + ("" if ok else " (some modules failed)")


def child(args: list[str]) -> dict:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, *args], check=False, capture_output=True, text=True, env=CHILD_ENV)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}{out.stdout[-2000:]}")
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "wall": wall}


def measure(root: Path, work: Path, repeat: int, skip: set[str]) -> dict[str, dict]:
    """Every run at one scale; with ``repeat`` > 1 each keeps its fastest run."""
    runs: dict[str, dict] = {}

    def keep(name: str, got: dict) -> None:
        if name not in runs or got["wall"] < runs[name]["wall"]:
            runs[name] = got

    for _ in range(repeat):
        project = work / "project"
        shutil.rmtree(project, ignore_errors=True)
        shutil.copytree(root / "inputs", project / "inputs")
        for mode in REPORTKIT_RUNS:  # build first: rebuild and rerender run on the ledger and outputs it wrote
            if mode not in skip:
                keep(mode, child([str(HERE / "run_reportkit.py"), mode, str(project)]))
        for peer in PEERS:
            if peer not in skip:
                keep(peer, child([str(HERE / "peers.py"), peer, str(root), str(work / peer)]))
    if "phases" not in skip:
        runs["phases"] = child([str(HERE / "run_reportkit.py"), "phases", str(root)])
    return runs


def ratio(runs: dict[str, dict], slow: str, fast: str, key: str = "wall") -> str:
    if slow not in runs or fast not in runs:
        return "n/a"
    return f"{runs[slow][key] / runs[fast][key]:.2f}×"


def report(n_units: int, runs: dict[str, dict]) -> None:
    print(f"\n== {n_units} units  (load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the end)")
    print(f"{'run':<16}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'readers MB':>12}")
    for name, r in runs.items():
        if name == "phases":
            continue
        readers = r.get("children_maxrss_mb")
        print(f"{name:<16}{r['wall']:>9.2f}{r['cpu']:>9.2f}{r['maxrss_mb']:>9.0f}"
              f"{'' if readers is None else f'{readers:>12.0f}'}")
    print("ratios of wall time (same run):")
    print(f"  naive calamine ÷ first build       {ratio(runs, 'naive-calamine', 'build')}   (goal ≥ 2×, aim 3×)")
    print(f"  naive openpyxl ÷ first build       {ratio(runs, 'naive-openpyxl', 'build')}   (goal ≥ 5×)")
    print(f"  naive calamine ÷ re-build          {ratio(runs, 'naive-calamine', 'rebuild')}   (goal ≥ 4×; nothing "
          f"changed: outputs up to date = {runs.get('rebuild', {}).get('up_to_date')})")
    print(f"  naive calamine ÷ re-render         {ratio(runs, 'naive-calamine', 'rerender')}   (build --force on the "
          "full ledger: every output rendered again)")
    print(f"  dry-run ÷ bare calamine read       {ratio(runs, 'dry-run', 'calamine-read')}")
    print(f"  read+check ÷ bare calamine read    {ratio(runs, 'read-check', 'calamine-read')}   (goal ≤ 3×)")
    print(f"  bare calamine read ÷ unzip         {ratio(runs, 'calamine-read', 'unzip')}")
    print("ratios of CPU time, all processes (same run; steadier on a shared machine):")
    print(f"  naive calamine ÷ first build       {ratio(runs, 'naive-calamine', 'build', 'cpu')}")
    print(f"  naive calamine ÷ re-build          {ratio(runs, 'naive-calamine', 'rebuild', 'cpu')}")
    print(f"  naive calamine ÷ re-render         {ratio(runs, 'naive-calamine', 'rerender', 'cpu')}")
    print(f"  read+check ÷ bare calamine read    {ratio(runs, 'read-check', 'calamine-read', 'cpu')}")
    if "phases" in runs:
        p = runs["phases"]
        print(f"phases of a first build, serial in one process, wall s with timers around the phase functions "
              f"(imports {p['imports']:.2f}, "
              f"build {p['build']:.2f}):")
        for name, secs in p["phases"].items():
            print(f"  {name:<32}{secs:>7.2f}")
        if p["unwrapped"]:
            print(f"  (not found, not timed: {', '.join(p['unwrapped'])})")


def growth(results: dict[int, dict[str, dict]]) -> None:
    scales = sorted(results)
    print("\n== growth (first build)")
    first = results[scales[0]].get("build")
    for n in scales:
        b = results[n].get("build")
        if b is None or first is None:
            continue
        print(f"  {n:>6} units: {b['wall']:7.2f} s, peak {b['maxrss_mb']:.0f} MB "
              f"(readers {b.get('children_maxrss_mb', 0):.0f} MB); ×{b['wall'] / first['wall']:.1f} time "
              f"for ×{n / scales[0]:.1f} units")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[120])
    ap.add_argument("--corpus", type=Path, default=None,
                    help="keep the generated corpora in this folder and reuse them (default: a temporary one)")
    ap.add_argument("--repeat", type=int, default=1, help="run each K times and keep the fastest")
    ap.add_argument("--skip", nargs="*", default=[], choices=[*REPORTKIT_RUNS, *PEERS, "phases"])
    ap.add_argument("--source", action="store_true",
                    help="measure reportkit compiled from source in every process (no bytecode)")
    args = ap.parse_args()
    base = args.corpus or Path(tempfile.mkdtemp(prefix="reportkit-bench-"))
    work = Path(tempfile.mkdtemp(prefix="reportkit-bench-run-"))
    print(f"cores: {len(os.sched_getaffinity(0))}; load {os.getloadavg()}; {compile_bytecode(args.source)}",
          flush=True)
    results = {}
    try:
        for n in args.units:
            root = corpus(base, n)
            results[n] = measure(root, work, args.repeat, set(args.skip))
            report(n, results[n])
        if len(results) > 1:
            growth(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.corpus is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
