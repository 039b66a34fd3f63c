"""收件记录.csv: receipt times logged by the coordinator beside the returns."""

import shutil
from pathlib import Path

import pytest

from reportkit.definitions import load_plan
from reportkit.errors import UsageError
from reportkit.ledger import Ledger
from reportkit.ledger.receipts import RECEIPT_LOG, read_receipt_log
from reportkit.scaffold import example_plan_path

EXAMPLE = Path(example_plan_path("ezhou")).parent / "returns"
ECHENG = "鄂城区-2023年中期评估填报表.xlsx"
HUARONG = "华容区-2023年中期评估填报表.xlsx"


@pytest.fixture()
def returns(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    for name in (ECHENG, HUARONG):
        shutil.copyfile(EXAMPLE / name, folder / name)
    return folder


def test_logged_times_are_receipt_times(tmp_path: Path, returns: Path) -> None:
    (returns / RECEIPT_LOG).write_text(f"文件名,收到时间\n{ECHENG},2024-01-12 10:30\n", encoding="utf-8-sig")
    plan = load_plan(example_plan_path("ezhou"))
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.collect_dir(plan, returns)
        by_file = {s.file_name: s.received_at for s in ledger.submissions()}
    assert by_file[ECHENG] == "2024-01-12T10:30:00"
    assert by_file[HUARONG] != "2024-01-12T10:30:00"  # not listed: the file's own time


def test_log_saved_by_excel_as_gbk(returns: Path) -> None:
    (returns / RECEIPT_LOG).write_bytes(
        f"文件名,收件时间\n{HUARONG},2024年1月9日\n{ECHENG},2024/1/10 9:05\n".encode("gb18030"))
    assert read_receipt_log(returns) == {HUARONG: "2024-01-09T00:00:00", ECHENG: "2024-01-10T09:05:00"}
    (returns / RECEIPT_LOG).write_bytes(f"文件名,收件时间\n{HUARONG},2024年13月9日\n".encode("gb18030"))
    with pytest.raises(UsageError) as err:
        read_receipt_log(returns)
    assert "第 2 行" in str(err.value) and "2024年13月9日" in str(err.value)


def test_log_without_header_is_refused(returns: Path) -> None:
    (returns / RECEIPT_LOG).write_text(f"{ECHENG},2024-01-12\n", encoding="utf-8")
    with pytest.raises(UsageError, match="表头"):
        read_receipt_log(returns)
