"""Document properties of the rendered report, set from the plan (not the template's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docx.document import Document


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
