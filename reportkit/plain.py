"""Dataclasses as plain data, the way ``dataclasses.asdict`` gives them, without its deep copies.

``asdict`` deep-copies every value it reaches; for the fingerprints of a national plan (hundreds
of thousands of reporter codes) and the validation results of a province (every return's form
parts) that copying was most of the cost. :func:`as_plain` builds the same dicts, lists and
tuples and uses every other value as it is (strings, numbers, enums and dates are immutable;
nothing here is mutated afterwards).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any


def as_plain(obj: Any) -> Any:
    """``dataclasses.asdict(obj)`` (also for values that are not dataclasses), sharing the leaves."""
    if hasattr(type(obj), "__dataclass_fields__"):
        return {f.name: as_plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple, as asdict rebuilds it
        return type(obj)(*[as_plain(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(as_plain(v) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((as_plain(k), as_plain(v)) for k, v in obj.items())
    return obj
