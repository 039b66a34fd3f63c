"""Tell what a received file is from its bytes, never from its name.

Units mail back whatever their office software saved: ``.xlsx``, legacy ``.xls``, WPS
``.et`` (OLE2/BIFF like ``.xls``), a password-protected workbook (OLE2 wrapping an
encrypted package), a truncated download, an HTML page renamed to ``.xls``.
"""

from __future__ import annotations

import zipfile
import zlib
from enum import StrEnum
from pathlib import Path

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A filled return is well under 1 MB. These limits stop a huge file or a zip that inflates
# to gigabytes (a "zip bomb") before any reader loads it into memory.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class FileKind(StrEnum):
    EMPTY = "empty"
    NOT_SPREADSHEET = "not-spreadsheet"
    CORRUPT = "corrupt"  # a zip that cannot be opened, or an OLE2 file we cannot parse
    ENCRYPTED = "encrypted"
    TOO_LARGE = "too-large"  # over MAX_FILE_BYTES, or inflating beyond MAX_UNZIPPED_BYTES
    LEGACY = "legacy"  # OLE2/BIFF: .xls, WPS .et
    XLSX = "xlsx"  # OOXML spreadsheet (.xlsx/.xlsm)
    ODS = "ods"

    @property
    def readable(self) -> bool:
        return self in (FileKind.LEGACY, FileKind.XLSX, FileKind.ODS)


# The worksheet XML read while checking a zip's members is kept for the scan that follows (see
# :func:`sniff`), up to these sizes; a larger part is read again where it is needed.
KEEP_PART_BYTES = 8 * 1024 * 1024
KEEP_TOTAL_BYTES = 32 * 1024 * 1024


def sniff(path: Path, kept: dict[str, bytes] | None = None) -> FileKind:
    """Classify a file by content. Never raises for a readable path. ``kept``, when given,
    receives the worksheet parts (``xl/worksheets/*.xml``) of a zip as they were decompressed
    and checksummed here, so that the reader's scan of them need not decompress them again."""
    size = path.stat().st_size
    if size == 0:
        return FileKind.EMPTY
    if size > MAX_FILE_BYTES:
        return FileKind.TOO_LARGE
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE2_MAGIC):
        return _sniff_ole2(path)
    if head[:4] in ZIP_MAGIC:
        return _sniff_zip(path, kept)
    return FileKind.NOT_SPREADSHEET


def _sniff_ole2(path: Path) -> FileKind:
    import msoffcrypto  # only for OLE2 files (.xls, .et, encrypted workbooks)

    try:
        with path.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            return FileKind.ENCRYPTED if office.is_encrypted() else FileKind.LEGACY
    except Exception:  # noqa: BLE001 - msoffcrypto raises many kinds on damaged OLE2
        # Not an Office file msoffcrypto understands (e.g. a WPS variant): let calamine try.
        return FileKind.LEGACY


def _sniff_zip(path: Path, kept: dict[str, bytes] | None) -> FileKind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if sum(info.file_size for info in zf.infolist()) > MAX_UNZIPPED_BYTES:
                return FileKind.TOO_LARGE
            if _first_bad_member(zf, kept) is not None:
                if kept is not None:
                    kept.clear()
                return FileKind.CORRUPT
            if "mimetype" in names and b"spreadsheet" in zf.read("mimetype"):
                return FileKind.ODS
    # NotImplementedError: a compression method zipfile lacks; zlib.error: a member whose
    # compressed data is damaged (not only its checksum), which zipfile lets through
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
        if kept is not None:
            kept.clear()
        return FileKind.CORRUPT
    if "[Content_Types].xml" in names and any(n.startswith("xl/workbook") for n in names):
        return FileKind.XLSX
    return FileKind.NOT_SPREADSHEET


def _first_bad_member(zf: zipfile.ZipFile, kept: dict[str, bytes] | None) -> str | None:
    """``zf.testzip()``: the name of the first member whose data does not decompress to its
    checksum, or None. Worksheet parts are read whole into ``kept`` (when given, within the
    limits above); every other member is read in chunks and dropped, as ``testzip`` does."""
    budget = KEEP_TOTAL_BYTES if kept is not None else 0
    for info in zf.infolist():
        name = info.filename
        keep = (kept is not None and name.startswith("xl/worksheets/") and name.endswith(".xml")
                and info.file_size <= min(KEEP_PART_BYTES, budget))
        try:
            with zf.open(name, "r") as fh:
                if keep:
                    data = fh.read()  # the checksum is compared once the end is reached, as in chunks
                    kept[name] = data  # type: ignore[index]
                    budget -= len(data)
                else:
                    while fh.read(1 << 20):
                        pass
        except zipfile.BadZipFile:
            return name
    return None
