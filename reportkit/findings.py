"""Findings: every problem reportkit detects in a plan or a return, as a value.

A finding has a stable kebab/dot code, a severity, a location and a Chinese message
rendered from one template per code. Codes are declared once with :func:`register`;
:func:`catalogue` lists them (used for the generated code reference).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from .plain import as_plain


class Severity(StrEnum):
    ERROR = "error"  # 强制性审核: must be fixed
    WARNING = "warning"  # 核实性审核: accepted with a written explanation
    INFO = "info"  # 提示性审核

    @property
    def label(self) -> str:
        return {"error": "强制性", "warning": "核实性", "info": "提示性"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Location:
    """Where a finding points. Every field is optional; fill what is known."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # A1 notation
    unit: str | None = None  # unit code
    indicator: str | None = None  # indicator / item / task code
    year: int | None = None

    def describe(self) -> str:
        """Human-readable location, e.g. ``鄂城区.xlsx 指标数据!F7``."""
        return " ".join(part for part in (self.file, self.place()) if part)

    def place(self) -> str:
        """Where in the file, e.g. ``指标数据!F7``; ``""`` for a finding about the whole file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell or ""


@dataclass(frozen=True)
class CodeSpec:
    code: str
    severity: Severity
    title: str
    template: str
    hint: str


_REGISTRY: dict[str, CodeSpec] = {}


def register(code: str, severity: Severity, title: str, template: str, hint: str = "") -> CodeSpec:
    """Declare a finding code once, with its default severity and message template."""
    if code in _REGISTRY and _REGISTRY[code].template != template:
        raise ValueError(f"finding code {code} registered twice with different templates")
    spec = CodeSpec(code, severity, title, template, hint)
    _REGISTRY[code] = spec
    return spec


def catalogue() -> list[CodeSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: s.code)


def spec(code: str) -> CodeSpec:
    return _REGISTRY[code]


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    hint: str = ""
    value: Any = None
    explained: bool = False  # a warning whose 说明 cell explains it
    explanation: str = ""

    @property
    def accepted(self) -> bool:
        return self.severity is not Severity.ERROR and (self.severity is Severity.INFO or self.explained)

    def to_dict(self) -> dict[str, Any]:
        d = as_plain(self)
        d["severity"] = self.severity.value
        d["severity_label"] = self.severity.label
        d["value"] = None if self.value is None else str(self.value)
        return d

    def with_location(self, **changes: Any) -> Finding:
        loc = replace(self.location, **changes)
        return Finding(self.code, self.severity, self.message, loc, self.hint, self.value,
                       self.explained, self.explanation)

    def explained_by(self, text: str) -> Finding:
        return Finding(self.code, self.severity, self.message, self.location, self.hint, self.value,
                       True, text)


def make(finding_code: str, location: Location | None = None, /, *, severity: Severity | None = None,
         value: Any = None, **params: Any) -> Finding:
    """Build a finding from its registered template, filling the message with ``params``.

    ``params`` may include names such as ``code`` (an indicator code): the finding code and
    location are positional-only for that reason."""
    code = finding_code
    s = _REGISTRY[code]
    missing = _fields(s.template) - params.keys() - {"value"}
    if missing:
        raise KeyError(f"finding {code} needs {sorted(missing)}")
    values = _SafeDict(params)
    values.setdefault("value", "" if value is None else value)
    return Finding(
        code=code,
        severity=severity or s.severity,
        message=s.template.format_map(values),
        location=location or Location(),
        hint=s.hint.format_map(values),
        value=value,
    )


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "info": 0, "accepted": 0}
    for f in findings:
        out[f.severity.value] += 1
        if f.severity is Severity.WARNING and f.explained:
            out["accepted"] += 1
    return out


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
