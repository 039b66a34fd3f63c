"""What the terminal shows at 80 columns: Chinese text breaks between characters, names are never cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from reportkit.cli import main
from reportkit.commands._wrap import break_lines
from reportkit.definitions.loader import load_plan
from reportkit.project import Project
from reportkit.scaffold import init_project


def test_chinese_breaks_between_characters_and_keeps_numbers_whole() -> None:
    text = "A05 的目标值被修改：下发时为“≤2”，现为“≤5”。该内容由规划确定，不能由填报单位修改。"
    assert break_lines(text, 30) == ["A05 的目标值被修改：下发时为“≤", "2”，现为“≤5”。该内容由规划确", "定，不能由填报单位修改。"]
    assert break_lines("2022年数值 2900 比上年 820 变动 +253.7%，超过", 20) == [
        "2022年数值 2900 比上", "年 820 变动", "+253.7%，超过"]


def test_punctuation_keeps_to_its_side_of_the_break() -> None:
    assert break_lines("甲乙丙丁，戊", 8) == ["甲乙丙", "丁，戊"]
    assert break_lines("甲乙丙丁。", 8) == ["甲乙丙", "丁。"]
    assert break_lines("甲乙丙（丁", 8) == ["甲乙丙", "（丁"]
    assert break_lines("甲乙丙“丁”", 8) == ["甲乙丙", "“丁”"]


def test_an_ascii_run_longer_than_the_line_is_cut() -> None:
    assert break_lines("表样版本 2026-11-22T00:12:48+00:00", 12) == ["表样版本", "2026-11-22T0", "0:12:48+00:0", "0"]


@given(st.text(alphabet=st.sampled_from("甲乙，。“” abc1.2-"), max_size=60), st.integers(min_value=2, max_value=30))
def test_nothing_is_lost_and_no_line_is_too_wide(text: str, width: int) -> None:
    lines = break_lines(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


# 80-column tables ---------------------------------------------------------------------------

WIDTH = 80


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("terminal") / "鄂州"
    init_project(root, "ezhou")
    return root


def _cells(line: str) -> list[str]:
    """``line`` as one entry per terminal cell (a wide character, then "" for its second cell)."""
    out: list[str] = []
    for ch in line:
        out.extend([ch, ""] if cell_len(ch) == 2 else [ch])
    return out


def column_text(output: str, header: str, *, boxed: bool = True) -> str:
    """Everything printed in the table column headed ``header``, its folded lines joined."""
    lines = output.splitlines()
    head = next(i for i, line in enumerate(lines) if header in line and (not boxed or line.startswith("┃")))
    cells = _cells(lines[head])
    start = next(i for i in range(len(cells)) if "".join(cells[i:i + len(_cells(header))]) == header)
    if boxed:
        left = max(i for i in range(start) if cells[i] in ("┃", "│")) + 1
        right = min(i for i in range(start, len(cells)) if cells[i] in ("┃", "│"))
    else:  # a table without column rules: the column runs from its header to the next header
        left = start
        right = next((i for i in range(start + 2, len(cells)) if cells[i] not in ("", " ") and cells[i - 1] == " "),
                     len(cells))
    width = cell_len(lines[head + 1])  # rich pads every row of a table to the width of its rule
    pieces = []
    for line in lines[head + 2:]:
        if (boxed and not line.startswith("│")) or (not boxed and cell_len(line) != width):
            break
        pieces.append("".join(_cells(line)[left:right]).strip())
    return "".join(pieces)


def table_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line[:1] in "┏┃┡│└" or line.startswith("─")]


def _run(example: Path, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--project", str(example)])
    assert result.exit_code in (0, 1), result.output
    assert "…" not in result.stdout
    assert all(cell_len(line.rstrip()) <= WIDTH for line in table_lines(result.stdout))
    return result.stdout


def test_forms_table_keeps_long_unit_names(example: Path, terminal_80: None) -> None:
    out = _run(example, "forms")
    plan = load_plan(Project(example).plan_path)
    names = column_text(out, "填报单位")
    assert len(plan.units) == 21
    for unit in plan.units:
        assert unit.name in names, unit.name
    assert "市市场监管局价格监督检查和反不正当竞争科" in names  # 20 characters, cut to "…" before
    files = column_text(out, "文件")
    assert all(p.name in files for p in (example / "outputs" / "forms").glob("*.xlsx"))
    assert column_text(out, "重点任务")[:2] == "20"  # headers fit: not "重 …"


def test_validate_status_and_build_tables_at_80_columns(example: Path, terminal_80: None) -> None:
    plan = load_plan(Project(example).plan_path)
    validated = column_text(_run(example, "validate"), "单位")
    assert "市市场监管局药品医疗器械化妆品监管科" in validated
    status = column_text(_run(example, "status"), "单位")
    assert all(unit.name in status for unit in plan.units)
    built = _run(example, "build", "--dry-run")
    labels = column_text(built, "指标")
    assert all(ind.label in labels for ind in plan.indicators)
    assert "基本符合预期" in column_text(built, "状态")


def test_evaluate_table_at_80_columns(example: Path, terminal_80: None) -> None:
    out = _run(example, "evaluate")
    assert all(cell_len(line.rstrip()) <= WIDTH for line in out.splitlines()[1:3 + 3 * 8])
    names = column_text(out, "指标", boxed=False)
    plan = load_plan(Project(example).plan_path)
    assert all(f"{ind.code} {ind.label}" in names for ind in plan.indicators), names
