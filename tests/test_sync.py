"""Making a batch of stored files durable: one syncfs per file system for a large batch, one
fsync per file and folder otherwise or when syncfs is not there or fails."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reportkit import fileio


def _files(root: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        folder = root / f"{i:02x}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"原件{i}.xlsx"
        path.write_bytes(b"PK" + bytes([i]))
        paths.append(path)
    return paths


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    seen: list[Path] = []
    real = fileio._fsync

    def counting(path: Path, flags: int) -> None:
        seen.append(Path(path))
        real(path, flags)

    monkeypatch.setattr(fileio, "_fsync", counting)
    return seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_a_large_batch_is_flushed_with_one_syncfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  fsyncs: list[Path]):
    real = fileio._syncfs()
    assert real is not None
    calls: list[int] = []

    def counting(fd: int) -> int:
        calls.append(fd)
        return int(real(fd))

    monkeypatch.setattr(fileio, "_syncfs", lambda: counting)
    fileio.sync_files(_files(tmp_path, fileio.SYNCFS_FROM + 4))
    assert len(calls) == 1 and fsyncs == []  # one file system: one call, no fsync


def test_a_small_batch_syncs_each_file_and_folder(tmp_path: Path, fsyncs: list[Path]):
    paths = _files(tmp_path, 3)
    fileio.sync_files(paths)
    assert fsyncs == [*paths, *sorted(p.parent for p in paths)]


def test_without_syncfs_or_when_it_fails_each_file_is_synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             fsyncs: list[Path]):
    paths = _files(tmp_path, fileio.SYNCFS_FROM)
    monkeypatch.setattr(fileio, "_syncfs", lambda: None)
    fileio.sync_files(paths)
    assert len(fsyncs) == 2 * len(paths)
    fsyncs.clear()
    monkeypatch.setattr(fileio, "_syncfs", lambda: (lambda fd: -1))  # an I/O error reported
    fileio.sync_files(paths)
    assert len(fsyncs) == 2 * len(paths)
