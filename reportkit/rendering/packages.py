"""Rewrite parts of a saved OOXML package (.docx, .xlsx) without touching the others.

The renderers write large tables as XML text and put it into the part the library saved,
instead of building it cell by cell through the library (see ``row_loops`` and ``xlsx_rows``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from typing import IO

PartWriter = Callable[[bytes, IO[bytes]], None]  # (the part as saved, the new part's stream)


def rewrite_parts(package: bytes, writers: Mapping[str, PartWriter]) -> bytes:
    """``package`` with each part named in ``writers`` written by its writer; the other parts, their
    order and their zip entries' dates and compression stay as they were."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            writer = writers.get(info.filename)
            if writer is None:
                dst.writestr(info, data)
                continue
            with dst.open(info, "w") as part:
                writer(data, part)
    return out.getvalue()


def insert_before(marker: bytes, insert: Callable[[IO[bytes]], None]) -> PartWriter:
    """A writer that copies the part and lets ``insert`` write at the first ``marker``."""
    def write(data: bytes, out: IO[bytes]) -> None:
        at = data.find(marker)
        if at < 0:
            raise ValueError(f"no {marker!r} in the part")
        out.write(data[:at])
        insert(out)
        out.write(data[at:])
    return write
