import os
import stat

import pytest

from reportkit.fileio import sha256_file, write_bytes, write_via_temp


def test_failed_write_keeps_the_previous_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "报告.docx"
    target.write_bytes(b"previous report")

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        write_via_temp(target, broken)
    assert target.read_bytes() == b"previous report"
    assert os.listdir(tmp_path) == ["报告.docx"]


def test_written_files_are_readable_like_saved_files(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_bytes(tmp_path / "out" / "汇总表.xlsx", b"data")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"data"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sha256_file(path) == "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7"
