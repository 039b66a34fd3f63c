"""Validation of filled returns: every problem a finding, never an exception.

Importing this package registers every ``file.*``, ``form.*``, ``sheet.*``, ``row.*``,
``cell.*``, ``value.*``, ``rule.*`` and ``task.*`` finding code.
"""

from .run import ValidationRun, collect_files, validate_paths, validate_return

__all__ = ["ValidationRun", "collect_files", "validate_paths", "validate_return"]
