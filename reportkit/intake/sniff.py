"""Tell what a received file is from its bytes, never from its name.

Units mail back whatever their office software saved: ``.xlsx``, legacy ``.xls``, WPS
``.et`` (OLE2/BIFF like ``.xls``), a password-protected workbook (OLE2 wrapping an
encrypted package), a truncated download, an HTML page renamed to ``.xls``.
"""

from __future__ import annotations

import struct
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
# :func:`sniff`), up to these sizes; a larger part is read again where it is needed. So are the
# parts the reader reads besides the cells (the sheet list and its relationships, the custom
# document properties).
KEEP_PART_BYTES = 8 * 1024 * 1024
KEEP_TOTAL_BYTES = 32 * 1024 * 1024
KEPT_PARTS = frozenset({"xl/workbook.xml", "xl/workbook2.xml", "xl/_rels/workbook.xml.rels", "docProps/custom.xml"})


def _kept(name: str) -> bool:
    return (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name in KEPT_PARTS


def sniff(path: Path, kept: dict[str, bytes] | None = None) -> FileKind:
    """Classify a file by content. Never raises for a readable path. ``kept``, when given,
    receives the worksheet parts (``xl/worksheets/*.xml``) and the :data:`KEPT_PARTS` of a zip
    as they were decompressed and checksummed here, so that the reader need not decompress them
    again."""
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
    except RuntimeError:  # what zipfile raises for a member encrypted with a password (none is given)
        if kept is not None:
            kept.clear()
        return FileKind.ENCRYPTED
    if "[Content_Types].xml" in names and any(n.startswith("xl/workbook") for n in names):
        return FileKind.XLSX
    return FileKind.NOT_SPREADSHEET


def _first_bad_member(zf: zipfile.ZipFile, kept: dict[str, bytes] | None) -> str | None:
    """``zf.testzip()``: the name of the first member whose data does not decompress to its
    checksum, or None. Worksheet parts are read whole into ``kept`` (when given, within the
    limits above), and the :data:`KEPT_PARTS`; every other member is read in chunks and dropped,
    as ``testzip`` does.

    The usual zip (every member stored or deflated, unencrypted, its local header as the
    directory says, its data complete and matching its checksum) is checked in one read of the
    file (:func:`_all_sound`); anything else is checked member by member through ``zipfile``,
    whose answer (or exception) is then the sniffer's."""
    if _all_sound(zf, kept):
        return None
    if kept is not None:
        kept.clear()
    budget = KEEP_TOTAL_BYTES if kept is not None else 0
    for info in zf.infolist():
        name = info.filename
        keep = kept is not None and _kept(name) and info.file_size <= min(KEEP_PART_BYTES, budget)
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


# a member's local header (the zip format's, as zipfile reads it): signature, versions, flags,
# method, time, date, checksum, sizes, then the lengths of the name and the extra field
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_UTF8_NAME = 0x800
# flag bits zipfile refuses or must decrypt: encrypted (0), compressed patched data (5), strong
# encryption (6)
_UNUSUAL_FLAGS = 0x01 | 0x20 | 0x40


def _all_sound(zf: zipfile.ZipFile, kept: dict[str, bytes] | None) -> bool:
    """True when every member is stored or deflated, unencrypted, behind a local header that
    names it as the directory does, and its data, read from the file whole, decompresses to the
    end of its stream, to its size and to its checksum: exactly when reading it through
    ``zipfile`` succeeds too (that reads the same bytes and makes the same comparisons, in
    chunks). False at the first doubt, with ``kept`` then left partly filled. Reads the file
    once, instead of opening a reader per member; inflates no member beyond its given size.
    Two members of one name, a member or a file over :data:`KEEP_PART_BYTES` are left to zipfile
    (which streams them)."""
    fp = zf.fp
    infos = zf.infolist()
    if fp is None or any(info.file_size > KEEP_PART_BYTES for info in infos):
        return False  # a large member is streamed through zipfile, never held whole
    if len({info.filename for info in infos}) != len(infos):
        return False  # two members of one name: zipfile reads the last one for both
    try:
        fp.seek(0, 2)
        if fp.tell() > KEEP_PART_BYTES:
            return False  # nor is a large file read whole
        fp.seek(0)
        blob = memoryview(fp.read())
    except (OSError, ValueError):
        return False
    budget = KEEP_TOTAL_BYTES if kept is not None else 0
    for info in infos:
        offset = info.header_offset
        head = blob[offset:offset + _LOCAL_HEADER.size]
        if len(head) != _LOCAL_HEADER.size or info.flag_bits & _UNUSUAL_FLAGS:
            return False
        fields = _LOCAL_HEADER.unpack(head)
        if fields[0] != _LOCAL_SIGNATURE:
            return False
        start = offset + _LOCAL_HEADER.size
        name_length, extra_length = fields[10], fields[11]
        stored_name = bytes(blob[start:start + name_length])
        try:
            text = stored_name.decode("utf-8" if fields[3] & _UTF8_NAME
                                      else getattr(zf, "metadata_encoding", None) or "cp437")
        except (UnicodeDecodeError, LookupError):
            return False
        if text != info.orig_filename:
            return False
        start += name_length + extra_length
        raw = blob[start:start + info.compress_size]
        if len(raw) != info.compress_size:
            return False
        if info.compress_type == zipfile.ZIP_DEFLATED:
            inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            try:  # never more than one byte past the size given (zipfile stops at the size too)
                data = inflate.decompress(raw, info.file_size + 1)
            except zlib.error:
                return False
            if not inflate.eof:
                return False
        elif info.compress_type == zipfile.ZIP_STORED and info.compress_size == info.file_size:
            data = bytes(raw)
        else:
            return False
        if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
            return False
        name = info.filename
        if kept is not None and _kept(name) and info.file_size <= min(KEEP_PART_BYTES, budget):
            kept[name] = data
            budget -= len(data)
    return True
