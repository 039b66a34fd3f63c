"""Document properties of the rendered report, set from the plan (not the template's)."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document


def set_core_properties(docx: bytes, *, title: str, author: str, created: dt.datetime,
                        subject: str = "", keywords: str = "") -> bytes:
    """Title, author, created/modified time (and subject, keywords) of a .docx, as bytes."""
    doc = Document(io.BytesIO(docx))
    core = doc.core_properties
    core.title = title
    core.author = author
    core.last_modified_by = author
    core.created = created
    core.modified = created
    core.subject = subject
    core.keywords = keywords
    core.comments = ""
    core.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
