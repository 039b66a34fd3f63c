"""``reportkit plan import``: read a published plan and write a definitions workbook to review.

source file → blocks (:mod:`.sources`) → indicator table rows (:mod:`.indicators`) and plan
facts, task and target candidates (:mod:`.prose`) → the definitions workbook with every
imported cell marked for review (:mod:`.workbook`).
"""

from __future__ import annotations

from .result import ImportResult, import_plan, read_plan

__all__ = ["ImportResult", "import_plan", "read_plan"]
