"""Reading received returns: sniffing files by content, reading sheets with calamine,
finding the form's parts by header text and rows by code."""

from .reader import FormContent, read_form
from .sniff import FileKind, sniff

__all__ = ["FileKind", "FormContent", "read_form", "sniff"]
