"""Tell what a received file is from its bytes, never from its name.

Units mail back whatever their office software saved: ``.xlsx``, legacy ``.xls``, WPS
``.et`` (OLE2/BIFF like ``.xls``), a password-protected workbook (OLE2 wrapping an
encrypted package), a truncated download, an HTML page renamed to ``.xls``.
"""

from __future__ import annotations

import zipfile
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


def sniff(path: Path) -> FileKind:
    """Classify a file by content. Never raises for a readable path."""
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
        return _sniff_zip(path)
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


def _sniff_zip(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if sum(info.file_size for info in zf.infolist()) > MAX_UNZIPPED_BYTES:
                return FileKind.TOO_LARGE
            if zf.testzip() is not None:
                return FileKind.CORRUPT
            if "mimetype" in names and b"spreadsheet" in zf.read("mimetype"):
                return FileKind.ODS
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):  # NotImplementedError: a compression method zipfile lacks
        return FileKind.CORRUPT
    if "[Content_Types].xml" in names and any(n.startswith("xl/workbook") for n in names):
        return FileKind.XLSX
    return FileKind.NOT_SPREADSHEET
