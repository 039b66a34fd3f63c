"""Document properties of the rendered report, set from the plan (not the template's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from docx.document import Document
from docx.oxml import ns

# The namespace python-docx means by the "cp:" prefix of core properties.
CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


@contextmanager
def _core_prefix() -> Iterator[None]:
    """python-docx resolves "cp:" through a process-wide table at each access. docxcompose
    (pulled in by docxtpl's sub-document support when it is installed) rebinds "cp" to the
    custom-properties namespace on import; core properties set then are added a second time
    under the wrong namespace (two cp:lastModifiedBy, one of them invalid). Resolve it
    correctly while the properties are set, and leave the table as it was."""
    before = ns.nsmap.get("cp")
    ns.nsmap["cp"] = CORE_PROPERTIES_NS
    try:
        yield
    finally:
        if before is not None:
            ns.nsmap["cp"] = before


@dataclass(frozen=True)
class CoreProperties:
    """Title, author, created/modified time, subject and keywords of a report."""

    title: str
    author: str
    created: dt.datetime
    subject: str = ""
    keywords: str = ""

    def apply(self, doc: Document) -> None:
        """Set on the open document (before it is saved, so the report is written once)."""
        with _core_prefix():
            core = doc.core_properties
            core.title = self.title
            core.author = self.author
            core.last_modified_by = self.author
            core.created = self.created
            core.modified = self.created
            core.subject = self.subject
            core.keywords = self.keywords
            core.comments = ""
            core.revision = 1
