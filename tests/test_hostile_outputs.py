"""What reportkit writes: untrusted text stays inert, and a build's files are a consistent set."""

from __future__ import annotations

import csv
import sys
import zipfile
from pathlib import Path

from fixtures.returns.builders import GOOD_VALUES, build_plan, edit, fill, generate

from reportkit.checks.report import write_outputs
from reportkit.checks.run import validate_paths
from reportkit.forms import layout as L
from reportkit.ledger import Ledger
from reportkit.sheettext import csv_text

PLAN = build_plan()
DDE = "=cmd|'-C calc'!A0"  # as a file name: no "/"


def _formula_cells(path: Path) -> list[str]:
    """Every cell stored as a formula, straight from the sheet XML (no library in between)."""
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist()
                if n.startswith("xl/worksheets/") and (b"<f>" in zf.read(n) or b"<f " in zf.read(n))]


def test_text_that_looks_like_a_formula_stays_text_in_every_output(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    values = {**GOOD_VALUES, ("A03", 2023): "@SUM(1+1)*cmd|' /C calc'!A0", ("A01", 2022): "-5"}
    good = fill(generate(PLAN, "D01", tmp_path / "forms"), tmp_path / "in" / "鄂城区.xlsx", values,
                notes={"A04": "+1+1 见附件"})

    def rename(wb: object) -> None:
        wb[L.SHEET_TASKS].title = "=HYPERLINK(\"x\")"  # type: ignore[index]
    edit(good, rename)
    bad = tmp_path / "in" / f"{DDE}.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    run = validate_paths(PLAN, [good, bad])
    out = write_outputs(run, tmp_path / "out")
    for written in [out.summary, *out.feedback]:
        assert _formula_cells(written) == [], written.name

    import openpyxl

    feedback = {p.name: openpyxl.load_workbook(p) for p in out.feedback}
    corrupt = next(wb for name, wb in feedback.items() if "cmd" in name)["审核意见"]
    assert corrupt["A1"].value.startswith(DDE) and corrupt["A1"].data_type == "s"
    renamed = next(wb for name, wb in feedback.items() if "鄂城区" in name)["审核意见"]
    sheets = [c.value for c in renamed["D"] if c.value and str(c.value).startswith("=HYPERLINK")]
    assert sheets and all(c.data_type == "s" for c in renamed["D"] if c.value in sheets)

    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.collect_many(PLAN, [good, bad])
        ledger.export(tmp_path / "all.csv", PLAN, everything=True)
        ledger.export(tmp_path / "all.xlsx", PLAN, everything=True)
    with (tmp_path / "all.csv").open(encoding="utf-8-sig") as fh:
        raws = [row[6] for row in csv.reader(fh)]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in raws and "-5" in raws
    assert not [r for r in raws if r[:1] in ("=", "+", "@") or (r[:1] == "-" and r != "-5" and r != "-")]
    assert _formula_cells(tmp_path / "all.xlsx") == []


def test_csv_text_follows_owasp() -> None:
    assert [csv_text(v) for v in ("=1+1", "+1", "-1+2", "@A1", "\tx", "\rx", "－1", "普通", "-5", "+3.5", 2.0, -3.5,
                                  None)] == ["'=1+1", "+1", "'-1+2", "'@A1", "'\tx", "'\rx", "'－1", "普通", "-5",
                                             "+3.5", "2", "-3.5", ""]


# crash safety and history ------------------------------------------------------------------

def _killed_in_child(work: object) -> int:
    """Run ``work()`` in a forked child that is killed (os._exit, no cleanup) where ``work`` says."""
    import os

    pid = os.fork()
    if pid == 0:
        try:
            work()  # type: ignore[operator]
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


def test_a_set_of_outputs_is_replaced_as_one_even_when_killed(tmp_path: Path) -> None:
    import os

    from reportkit import fileio

    root = tmp_path / "outputs"
    (root / "validation").mkdir(parents=True)
    for name in ("report.docx", "summary.xlsx", "manifest.json", "validation/审核结果.xlsx"):
        (root / name).write_bytes(b"old")
    new = {root / "report.docx": b"new", root / "summary.xlsx": b"new", root / "manifest.json": b"new",
           root / "validation" / "审核结果.xlsx": lambda tmp: tmp.write_bytes(b"new")}

    def killed_while_moving() -> None:
        real, moved = os.replace, []

        def replace(src: object, dst: object) -> None:
            real(src, dst)  # type: ignore[arg-type]
            if ".~set-p" in str(src) and ".~set-p" not in str(dst):  # a staged file moving into place
                moved.append(dst)
                if len(moved) == 2:
                    os._exit(9)
        os.replace = replace  # type: ignore[assignment]
        fileio.replace_as_set(root, new)

    _killed_in_child(killed_while_moving)
    contents = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
                and ".~" not in str(p) and p.name != fileio.PENDING}
    assert sorted(contents.values()) == [b"new", b"new", b"old", b"old"]  # the kill left a mixed set
    assert fileio.remove_stale_temps(root) == []  # the staged files wait for their move
    fileio.finish_pending(root)
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} == {
        "report.docx": b"new", "summary.xlsx": b"new", "manifest.json": b"new", "validation/审核结果.xlsx": b"new"}

    # killed while staging: the old set stays, and the half-staged folder is removed later
    for p in new:
        p.write_bytes(b"old")

    def killed_while_staging() -> None:
        def die(tmp: Path) -> None:
            os._exit(9)
        fileio.replace_as_set(root, {**new, root / "validation" / "审核结果.xlsx": die})

    _killed_in_child(killed_while_staging)
    fileio.finish_pending(root)
    assert all(p.read_bytes() == b"old" for p in new)
    removed = fileio.remove_stale_temps(root)
    assert len(removed) == 1 and removed[0].name.startswith(".~set-p")
    assert sorted(p.name for p in root.rglob("*")) == ["manifest.json", "report.docx", "summary.xlsx", "validation",
                                                      "审核结果.xlsx"]


def test_stale_temporary_files_are_removed_by_the_next_run(tmp_path: Path) -> None:
    import os

    from reportkit import fileio

    child_pid = os.fork()  # a process that has exited: its temporary files are stale
    if child_pid == 0:
        os._exit(0)
    os.waitpid(child_pid, 0)
    folder = tmp_path / "originals" / "ab"
    folder.mkdir(parents=True)
    stale = folder / f".~abcdef-p{child_pid}-x1y2z3.xlsx"
    mine = folder / f".~abcdef-p{os.getpid()}-k9k9k9.xlsx"
    stale.write_bytes(b"half")
    mine.write_bytes(b"being written")
    with Ledger(tmp_path / "ledger.db", tmp_path / "originals") as ledger:
        ledger.collect_many(PLAN, [])
    assert not stale.exists() and mine.exists()
    out = tmp_path / "outputs"
    out.mkdir()
    leftover = out / f".~报告-p{child_pid}-a1b2c3.docx"
    leftover.write_bytes(b"half")
    fileio.write_bytes(out / "报告.docx", b"complete")
    assert not leftover.exists() and (out / "报告.docx").read_bytes() == b"complete"


def test_temporary_files_of_older_versions_are_removed_only_when_clearly_left_behind(tmp_path: Path) -> None:
    """Names without a process id: removed when untouched for over a day and open nowhere."""
    import os
    import subprocess
    import time

    from reportkit import fileio

    out = tmp_path / "outputs"
    (out / "validation").mkdir(parents=True)
    two_days_ago = time.time() - 2 * 86400
    left = out / ".~汇总表-k3j9x0a_.xlsx"
    nested = out / "validation" / ".~审核结果-ab12cd34.xlsx"
    recent = out / ".~报告-abcd1234.docx"
    held = out / ".~台账-zz99yy88.xlsx"
    lock = out / ".~lock.报告.docx#"  # LibreOffice has the report open
    not_ours = out / ".~备忘.txt"
    for path in (left, nested, recent, held, lock, not_ours):
        path.write_bytes(b"x")
        if path is not recent:
            os.utime(path, (two_days_ago, two_days_ago))
    writer = subprocess.Popen([sys.executable, "-c", "import sys, time; f = open(sys.argv[1], 'ab'); "
                               "print('open', flush=True); time.sleep(60)", str(held)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "open"
        removed = fileio.remove_stale_temps(out)
    finally:
        writer.kill()
        writer.wait()
    assert sorted(p.name for p in removed) == sorted([left.name, nested.name])
    assert not left.exists() and not nested.exists()
    assert recent.exists() and held.exists() and lock.exists() and not_ours.exists()
    assert [p.name for p in fileio.remove_stale_temps(out)] == [held.name]  # its writer has gone


def test_a_third_resubmission_keeps_the_history_of_the_first(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    paths = [fill(generate(PLAN, "D01", forms), tmp_path / f"鄂城区-{i}.xlsx",
                  {**GOOD_VALUES, ("A01", 2023): 13.0 + i}) for i in range(3)]
    with Ledger(tmp_path / "ledger.db") as ledger:
        shas = [ledger.collect(PLAN, p, received_at=f"2024-01-1{i}").sha256 for i, p in enumerate(paths)]
        history = ledger.history("D01")
    assert [h.sha256 for h in history] == shas
    assert [h.superseded_by for h in history] == [shas[1], shas[2], None]


def test_old_feedback_is_removed_when_the_new_return_is_clean(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in2").mkdir()
    bad = fill(generate(PLAN, "D01", tmp_path / "f"), tmp_path / "in" / "鄂城区.xlsx",
               {**GOOD_VALUES, ("A03", 2023): "很好"})
    out = tmp_path / "out"
    first = write_outputs(validate_paths(PLAN, [bad]), out)
    assert [p.name for p in first.feedback] == ["鄂城区-审核意见.xlsx"]
    good = fill(generate(PLAN, "D01", tmp_path / "g"), tmp_path / "in2" / "鄂城区.xlsx")
    other = fill(generate(PLAN, "D02", tmp_path / "h"), tmp_path / "in2" / "华容区.xlsx",
                 {**GOOD_VALUES, ("A03", 2023): "很好"})
    second = write_outputs(validate_paths(PLAN, [good, other]), out)
    assert [p.name for p in second.feedback] == ["华容区-审核意见.xlsx"]
    assert sorted(p.name for p in (out / "反馈").iterdir()) == ["华容区-审核意见.xlsx"]


def test_status_and_strict_build_write_nothing_to_the_ledger(tmp_path: Path) -> None:
    import hashlib
    import shutil

    from click.testing import CliRunner

    from reportkit.cli import main

    root = tmp_path / "proj"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(root), "--example", "ezhou"]).exit_code == 0
    assert runner.invoke(main, ["status", "-p", str(root)]).exit_code == 0
    assert not (root / ".reportkit").exists()  # a question creates no ledger
    assert runner.invoke(main, ["build", "-p", str(root)]).exit_code == 0
    db = root / ".reportkit" / "ledger.db"

    def digest() -> str:
        return hashlib.sha256(db.read_bytes()).hexdigest()

    before = digest()
    assert runner.invoke(main, ["status", "-p", str(root)]).exit_code == 0
    assert digest() == before
    returns = root / "inputs" / "returns"
    resubmitted = returns / "鄂城区（修改）.xlsx"
    shutil.copyfile(next(returns.glob("鄂城区*.xlsx")), resubmitted)
    edit(resubmitted, lambda wb: setattr(wb.properties, "keywords", "修改后"))  # new bytes, same return
    strict = runner.invoke(main, ["build", "--strict", "-p", str(root)])
    assert strict.exit_code == 1, strict.output
    assert digest() == before
    with Ledger(db) as ledger:
        assert all("修改" not in s.file_name for s in ledger.submissions())


def test_strict_build_decides_on_the_ledger_before_writing_it(tmp_path: Path) -> None:
    """The folder alone is clean, but the ledger still holds a unit's rejected newest return
    whose file has since been removed: --strict refuses before collecting anything."""
    import hashlib
    import shutil

    from click.testing import CliRunner

    from reportkit.cli import main

    root = tmp_path / "proj"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(root), "--example", "ezhou"]).exit_code == 0
    assert runner.invoke(main, ["build", "-p", str(root)]).exit_code == 0  # records the rejected return
    returns = root / "inputs" / "returns"
    rejected = next(returns.glob("市市场监管局药品医疗器械化妆品监管科*.xlsx"))
    rejected.unlink()
    resubmitted = returns / "鄂城区（修改）.xlsx"
    shutil.copyfile(next(returns.glob("鄂城区*.xlsx")), resubmitted)
    edit(resubmitted, lambda wb: setattr(wb.properties, "keywords", "修改后"))  # clean, new bytes
    assert runner.invoke(main, ["build", "--dry-run", "--strict", "-p", str(root)]).exit_code == 0  # folder is clean
    db = root / ".reportkit" / "ledger.db"

    def digest() -> tuple[str, list[str], list[tuple[str, int]]]:
        outputs = sorted((str(p), p.stat().st_mtime_ns) for p in (root / "outputs").rglob("*"))
        state = sorted(str(p.relative_to(db.parent)) for p in db.parent.rglob("*"))  # no -wal/-shm left
        return hashlib.sha256(db.read_bytes()).hexdigest(), state, outputs

    before = digest()
    strict = runner.invoke(main, ["build", "--strict", "-p", str(root)])
    assert strict.exit_code == 1, strict.output
    assert digest() == before
    out = "".join(strict.output.split())
    assert "按--strict要求未生成报告" in out
    assert f"未纳入汇总：{rejected.name}（市市场监管局药品医疗器械化妆品监管科）存在强制性审核问题" in out
    as_json = runner.invoke(main, ["build", "--strict", "--json", "-p", str(root)])
    assert as_json.exit_code == 1 and digest() == before
    with Ledger(db) as ledger:
        assert all("修改" not in s.file_name for s in ledger.submissions())
    assert runner.invoke(main, ["build", "-p", str(root)]).exit_code == 0  # without --strict it collects
    assert digest() != before


def test_control_characters_removed_are_those_openpyxl_refuses():
    """sheettext keeps its own copy of openpyxl's pattern, so that writing with xlsxwriter does not
    import openpyxl: the two must stay the same."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from reportkit.sheettext import ILLEGAL_CHARACTERS_RE as ours
    from reportkit.sheettext import clean

    assert ours.pattern == ILLEGAL_CHARACTERS_RE.pattern
    every = "".join(map(chr, range(0x80)))
    assert clean(every) == ILLEGAL_CHARACTERS_RE.sub("", every) == "\t\n\r" + "".join(map(chr, range(0x20, 0x80)))

