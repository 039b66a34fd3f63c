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


def test_json_writer_writes_the_same_bytes_as_dumps_without_building_the_text(tmp_path):
    import datetime as dt
    import json

    from reportkit.fileio import json_writer, write_via_temp

    value = {"单位": "第1县", "空": [], "空表": {}, "说明": "第一行\n第二行\t\"引号\"", "时间": dt.date(2025, 3, 1),
             "行": [{"i": i, "x": i / 3, "名": f"指标{i}", "有": i % 2 == 0, "无": None} for i in range(3000)]}
    built: list[int] = []

    def make() -> dict:
        built.append(1)
        return value

    put = json_writer(make, ensure_ascii=False, indent=2, default=str)
    assert built == []  # nothing is built until the file is written
    target = write_via_temp(tmp_path / "out.json", put)
    expected = json.dumps(value, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    assert len(expected) > 4096 * 10  # written in many pieces
    assert target.read_bytes() == expected
    assert built == [1]
