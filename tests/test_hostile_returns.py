"""Returns that would make reportkit state something the data does not support."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fixtures.returns.builders import GOOD_VALUES, build_plan, fill, generate

from reportkit.checks.run import validate_paths
from reportkit.ledger import Ledger
from reportkit.pipeline import split_returns

PLAN = build_plan()
LAST_YEAR = build_plan(cutoff=dt.date(2022, 12, 31))


def test_return_of_another_period_is_recognised_and_never_current(tmp_path: Path) -> None:
    old = fill(generate(LAST_YEAR, "D01", tmp_path / "old"), tmp_path / "鄂城区-2022.xlsx",
               {k: v for k, v in GOOD_VALUES.items() if k[1] <= 2022})
    current = fill(generate(PLAN, "D02", tmp_path / "new"), tmp_path / "华容区.xlsx")
    run = validate_paths(PLAN, [old, current])
    first, second = run.returns
    assert [f.code for f in first.findings] == ["form.other-period"]
    assert "“2022年中期评估”" in first.findings[0].message and "“2023年中期评估”" in first.findings[0].message
    assert first.unit is None and second.state == "accepted"
    included, excluded = split_returns(run)
    assert included == [second] and "D01" in run.missing_units

    # in the ledger: kept, reported, never the unit's current return
    with Ledger(tmp_path / "ledger.db") as ledger:
        results = ledger.collect_many(PLAN, [old, current])
        assert [r.record.state for r in results] == ["rejected", "accepted"]
        latest, accepted = ledger.current(PLAN)
        assert [r.unit for r in latest] == ["D02"] and [r.unit for r in accepted] == ["D02"]


def test_earlier_period_returns_keep_their_verdict_when_the_plan_moves_on(tmp_path: Path) -> None:
    """Collected in its own period, a return stays accepted (it pre-fills later forms) after the
    plan is edited for the next evaluation."""
    old = fill(generate(LAST_YEAR, "D01", tmp_path / "old"), tmp_path / "鄂城区-2022.xlsx",
               {k: v for k, v in GOOD_VALUES.items() if k[1] <= 2022})
    with Ledger(tmp_path / "ledger.db") as ledger:
        assert ledger.collect(LAST_YEAR, old).record.state == "accepted"
        assert ledger.revalidate(PLAN) == []
        assert ledger.find(ledger.submissions()[0].sha256).state == "accepted"
        assert ledger.prefill(PLAN, "D01")[("A01", 2022)] == 12.37


def _claim_name(path: Path, name: str) -> Path:
    from fixtures.returns.builders import edit

    from reportkit.forms import layout as L

    def change(wb: object) -> None:
        ws = wb[L.SHEET_META]  # type: ignore[index]
        for row in ws.iter_rows():
            if row[0].value == "unit_name":
                row[1].value = name
                row[1].data_type = "s"  # openpyxl would store a text starting with "=" as a formula
    return edit(path, change)


def test_unit_name_shown_comes_from_the_plan(tmp_path: Path) -> None:
    from reportkit.checks.report import write_outputs

    renamed = _claim_name(fill(generate(PLAN, "D01", tmp_path / "f"), tmp_path / "a.xlsx"), "=HYPERLINK(\"x\")某区")
    other = _claim_name(fill(generate(PLAN, "D02", tmp_path / "g"), tmp_path / "b.xlsx"), "鄂城区")
    run = validate_paths(PLAN, [renamed, other])
    first, second = run.returns
    assert first.meta.unit_name == "鄂城区" and second.meta.unit_name == "华容区"
    assert [f.code for f in first.findings] == ["form.unit-name-differs"]
    assert "以规划为准" in first.findings[0].message and first.state == "accepted"
    conflict = [f for f in second.findings if f.code == "form.identity-conflict"]
    assert conflict and "另一单位“鄂城区”（D01）" in conflict[0].message and second.has_errors
    out = write_outputs(run, tmp_path / "out")
    assert sorted(p.name for p in out.feedback) == ["华容区-审核意见.xlsx", "鄂城区-审核意见.xlsx"]


def test_links_in_a_returns_folder_are_reported_never_followed(tmp_path: Path) -> None:
    import os

    from reportkit.checks.run import collect_files

    folder = tmp_path / "returns"
    folder.mkdir()
    (tmp_path / "secret").mkdir()
    good = fill(generate(PLAN, "D02", tmp_path / "f"), folder / "华容区.xlsx")
    elsewhere = fill(generate(PLAN, "D01", tmp_path / "g"), tmp_path / "secret" / "鄂城区.xlsx")
    os.symlink(elsewhere, folder / "鄂城区.xlsx")
    os.symlink(tmp_path / "gone.xlsx", folder / "失效.xlsx")
    os.symlink(elsewhere.parent, folder / "linked-folder")
    files = collect_files([folder])
    assert sorted(p.name for p in files) == ["linked-folder", "华容区.xlsx", "失效.xlsx", "鄂城区.xlsx"]
    run = validate_paths(PLAN, files)
    codes = {Path(r.path).name: [f.code for f in r.findings] for r in run.returns}
    assert codes == {"华容区.xlsx": [], "失效.xlsx": ["file.broken-link"], "鄂城区.xlsx": ["file.link"],
                     "linked-folder": ["file.folder-link"]}  # reported, not entered
    assert str(elsewhere) in next(r for r in run.returns if r.path.endswith("鄂城区.xlsx")).findings[0].message
    with Ledger(tmp_path / "state" / "ledger.db") as ledger:
        results = ledger.collect_many(PLAN, files)
        assert sorted(r.record.state for r in results) == ["accepted", "rejected", "rejected", "rejected"]
        assert {r.outcome.value for r in ledger.collect_many(PLAN, files)} == {"already"}
        assert [r.unit for r in ledger.current(PLAN)[1]] == ["D02"]
    stored = [p for p in (tmp_path / "state" / "originals").rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == good.read_bytes()


def test_links_to_folders_and_loops_are_reported_and_never_entered(tmp_path: Path) -> None:
    import os

    from reportkit.checks.run import collect_files

    folder = tmp_path / "returns"
    (folder / "sub").mkdir(parents=True)
    (tmp_path / "secret").mkdir()
    fill(generate(PLAN, "D02", tmp_path / "f"), folder / "华容区.xlsx")
    fill(generate(PLAN, "D01", tmp_path / "g"), tmp_path / "secret" / "鄂城区.xlsx")
    os.symlink(tmp_path / "secret", folder / "别处")  # a folder outside, holding a return
    os.symlink(folder, folder / "sub" / "回收目录本身")  # the returns folder itself
    os.symlink("..", folder / "sub" / "上一级")  # a loop through the parent
    os.symlink(folder / "甲.xlsx", folder / "乙.xlsx")  # a link loop
    os.symlink(folder / "乙.xlsx", folder / "甲.xlsx")
    os.symlink(tmp_path / "gone", folder / "已删除的文件夹")  # no return suffix, no target: not a return
    files = collect_files([folder])
    names = sorted(p.name for p in files)
    assert names == ["上一级", "乙.xlsx", "别处", "华容区.xlsx", "回收目录本身", "甲.xlsx"]
    assert collect_files(files) == files  # listing the list again enters nothing
    assert collect_files([folder / "sub"]) == [folder / "sub" / "上一级", folder / "sub" / "回收目录本身"]

    run = validate_paths(PLAN, files)
    assert len(run.returns) == len(files)  # nothing was walked into on the second pass
    codes = {Path(r.path).name: [f.code for f in r.findings] for r in run.returns}
    assert codes == {"华容区.xlsx": [], "别处": ["file.folder-link"], "回收目录本身": ["file.folder-link"],
                     "上一级": ["file.folder-link"], "甲.xlsx": ["file.broken-link"], "乙.xlsx": ["file.broken-link"]}
    message = {Path(r.path).name: r.findings[0].message for r in run.returns if r.findings}
    assert f"指向文件夹“{tmp_path / 'secret'}”" in message["别处"] and "未进入读取" in message["别处"]
    assert f"“{folder}”" in message["回收目录本身"] and "链接循环" in message["甲.xlsx"]
    assert str(tmp_path / "secret" / "鄂城区.xlsx") not in str(run.to_dict())

    with Ledger(tmp_path / "state" / "ledger.db") as ledger:
        first = ledger.collect_many(PLAN, files)
        assert sorted(r.record.state for r in first) == ["accepted"] + ["rejected"] * 5
        again = ledger.collect_many(PLAN, collect_files([folder]))
        assert {r.outcome.value for r in again} == {"already"}
        assert len(ledger.submissions()) == 6  # no row twice, nothing from inside a linked folder
        assert [r.unit for r in ledger.current(PLAN)[1]] == ["D02"]
    stored = [p for p in (tmp_path / "state" / "originals").rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_a_return_of_another_period_is_kept_in_the_units_history_never_current(tmp_path: Path) -> None:
    """Recorded under the unit the plan identifies (its history shows it, refused; no period
    counts it), it replaces nothing: neither the unit's return of this period nor its accepted
    one of that period."""
    import shutil

    from fixtures.returns.builders import edit

    from reportkit.ledger.status import build_status

    values_2022 = {k: v for k, v in GOOD_VALUES.items() if k[1] <= 2022}
    own = fill(generate(LAST_YEAR, "D01", tmp_path / "old"), tmp_path / "鄂城区-2022.xlsx", values_2022)
    late = tmp_path / "鄂城区-2022（又发了一次）.xlsx"
    shutil.copyfile(own, late)
    edit(late, lambda wb: setattr(wb.properties, "keywords", "again"))  # other bytes, same form
    current = fill(generate(PLAN, "D01", tmp_path / "new"), tmp_path / "鄂城区.xlsx")
    with Ledger(tmp_path / "ledger.db") as ledger:
        # collected in its own period, then this period's return, then the old form once more
        assert ledger.collect(LAST_YEAR, own, received_at="2023-01-10").record.state == "accepted"
        results = [ledger.collect(PLAN, current, received_at="2024-01-10"),
                   ledger.collect(PLAN, late, received_at="2024-01-12")]
        assert [r.record.state for r in results] == ["accepted", "rejected"]
        refused = results[1].record
        assert (refused.unit, refused.unit_name, refused.period, refused.superseded_by) == ("D01", "鄂城区", None, None)
        assert [f.code for f in refused.findings] == ["form.other-period"]
        assert refused.other_period and not refused.current
        history = ledger.history("D01")
        assert [(Path(h.source_path).name, h.state) for h in history] == [
            ("鄂城区-2022.xlsx", "accepted"), ("鄂城区.xlsx", "accepted"), ("鄂城区-2022（又发了一次）.xlsx", "rejected")]
        assert all(h.superseded_by is None for h in history)  # nothing was replaced by the late copy
        latest, accepted = ledger.current(PLAN)
        assert [Path(r.path).name for r in latest] == ["鄂城区.xlsx"] == [Path(r.path).name for r in accepted]
        period_2022 = ledger.accepted_in(PLAN, history[0].period)
        assert [Path(r.path).name for r in period_2022] == ["鄂城区-2022.xlsx"]
        assert ledger.prefill(PLAN, "D01")[("A01", 2022)] == 12.37
        status = build_status(PLAN, ledger.plan_submissions(PLAN))
        assert next(u for u in status.units if u.unit == "D01").resubmissions == 0
