"""Identity of a form: the very hidden metadata sheet and the custom document properties.

Returns are identified by these values, never by their file name. Values are text; the
keys in :data:`~reportkit.forms.layout.META_JSON_KEYS` hold JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import __version__
from ..definitions.model import Plan
from .layout import DOC_PROPERTIES, DOC_PROPERTY_PREFIX, FORM_VERSION, META_KEYS, SHEET_META
from .rows import FormRow
from .sheetsetup import protect

if TYPE_CHECKING:  # the checks read period_of from here, and need no xlsxwriter
    from xlsxwriter.workbook import Workbook


@dataclass(frozen=True)
class PlanIdentity:
    """The definitions fingerprint, computed once per plan (not once per form)."""

    fingerprint: str
    parts: dict[str, str]

    @classmethod
    def of(cls, plan: Plan) -> PlanIdentity:
        parts = plan.fingerprint_parts()
        return cls(plan.fingerprint(), parts)


def period_of(plan: Plan) -> str:
    """The round a form is for: ``2020-上半年`` for a plan reviewed by rounds, else one period per
    year and evaluation kind (``2023-中期评估``)."""
    info = plan.info
    return f"{info.cutoff_year}-{info.round or info.evaluation_kind.value}"


def form_metadata(plan: Plan, unit_code: str, rows: Sequence[FormRow],
                  prefilled: Mapping[tuple[str, int], float], identity: PlanIdentity | None = None) -> dict[str, str]:
    """Every META_KEYS value, as the text stored in the metadata sheet."""
    ident = identity or PlanIdentity.of(plan)
    years = plan.form_years
    values: dict[str, object] = {
        "plan_id": plan.info.id,
        "plan_name": plan.info.name,
        "fingerprint": ident.fingerprint,
        "form_version": FORM_VERSION,
        "unit": unit_code,
        "unit_name": plan.unit_name(unit_code),
        "period": period_of(plan),
        "years": _json(years),
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "reportkit_version": __version__,
        "fingerprint_parts": _json(ident.parts),
        "rows": _json([r.code for r in rows]),
        "locked": _json({r.code: r.locked_texts for r in rows}),
        "prefilled": _json({f"{code}|{year}": float(v) for (code, year), v in sorted(prefilled.items())
                            if year in years}),
    }
    return {key: str(values[key]) for key in META_KEYS}


def write_meta_sheet(wb: Workbook, meta: Mapping[str, str]) -> None:
    ws = wb.add_worksheet(SHEET_META)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 80)
    for r, key in enumerate(META_KEYS):
        ws.write_string(r, 0, key)
        if ws.write_string(r, 1, meta[key]) != 0:  # -2: longer than an Excel cell holds
            raise RuntimeError(f"metadata value {key} is too long for one cell ({len(meta[key])})")
    protect(ws)
    ws.very_hidden()


def set_document_properties(wb: Workbook, plan: Plan, meta: Mapping[str, str]) -> None:
    wb.set_properties({
        "title": f"{meta['unit_name']}{plan.info.period_label}填报表",
        "subject": plan.info.name,
        "author": plan.info.lead_agency or plan.info.issuer or "reportkit",
        "company": plan.info.lead_agency,
        "comments": "由 reportkit 生成的规划指标填报表",
    })
    for key in DOC_PROPERTIES:
        wb.set_custom_property(DOC_PROPERTY_PREFIX + key, meta[key], "text")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
