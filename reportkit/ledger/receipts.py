"""收件记录.csv: when each return was received, as the coordinator logged it.

Returns arrive by mail or chat days before they are collected, and a file's modification
time is lost when it is copied or checked out. A coordinator may therefore keep a two-column
log beside the returns (``文件名,收到时间``); where a file is listed, that time is its
receipt time. The log is optional; a malformed row stops collection with the row named.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from ..errors import UsageError

RECEIPT_LOG = "收件记录.csv"
_NAME_HEADERS = {"文件名", "文件", "file", "filename", "file_name"}
_TIME_HEADERS = {"收到时间", "收件时间", "接收时间", "收到日期", "received_at", "received"}


def read_receipt_log(directory: Path) -> dict[str, str]:
    """File name → receipt time (normalised ISO text) from ``directory/收件记录.csv``; {} if none."""
    from .ledger import normalize_received

    path = Path(directory) / RECEIPT_LOG
    if not path.is_file():
        return {}
    rows = list(csv.reader(io.StringIO(_decode(path))))
    if not rows:
        return {}
    header = [c.strip().lower() for c in rows[0]]
    try:
        name_col = next(i for i, h in enumerate(header) if h in _NAME_HEADERS)
        time_col = next(i for i, h in enumerate(header) if h in _TIME_HEADERS)
    except StopIteration:
        raise UsageError(f"{path} 的第一行应为表头“文件名,收到时间”。") from None
    out: dict[str, str] = {}
    problems: list[str] = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) <= max(name_col, time_col) or not row[name_col].strip():
            continue
        try:
            out[row[name_col].strip()] = normalize_received(row[time_col].strip())
        except UsageError as exc:
            problems.append(f"第 {n} 行：{exc}")
    if problems:
        raise UsageError(f"{path} 有无法识别的收到时间，请改正后重试：\n" + "\n".join(problems))
    return out


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"{path} 的编码无法识别，请另存为 UTF-8 的 CSV。")


class ReceiptLogs:
    """The receipt logs of the folders files come from, each read once."""

    def __init__(self) -> None:
        self._logs: dict[Path, Mapping[str, str]] = {}

    def time_for(self, path: Path) -> str | None:
        # The folder the file lies in, not its link target's (which may be anywhere, or a loop).
        folder = Path(path).absolute().parent.resolve()
        if folder not in self._logs:
            self._logs[folder] = read_receipt_log(folder)
        return self._logs[folder].get(Path(path).name)
