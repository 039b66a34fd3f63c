"""Exceptions for conditions where reportkit cannot continue.

Problems in the data (a bad cell, an unknown code) are never exceptions: they are
:class:`reportkit.findings.Finding` values. These classes are only for "cannot go on"
situations; the CLI turns them into a Chinese error message in one place.
"""

from __future__ import annotations


class ReportkitError(Exception):
    """Base of every error reportkit raises on purpose."""

    exit_code = 1


class UsageError(ReportkitError):
    """The user asked for something that cannot be done as asked (exit 2)."""

    exit_code = 2


class PlanError(ReportkitError):
    """The plan definitions cannot be read at all (missing file, not a workbook)."""


class TemplateError(ReportkitError):
    """A report template is broken or asks for variables the build does not provide."""


class LedgerError(ReportkitError):
    """The submission ledger cannot be opened or written safely."""
