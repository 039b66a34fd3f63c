"""``reportkit links``: hand out each reporting unit's private link, renew or revoke one.

The link's token is shown once, in the answer that issues it (and in the ``.xlsx`` written
with it): the ledger keeps only its hash. A unit that lost its link gets a new one with
``--renew``, which closes the old one at the same moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from ..definitions.model import Plan
from ..errors import UsageError
from ..fileio import write_via_temp
from ..ledger import Ledger
from ..ledger.links import IssuedLink, LinkStore
from ..project import Project
from ..textwidth import display_width

UNIT_PATH = "/u/"
HEADERS = ("单位编码", "单位名称", "专用填报链接", "发放时间", "说明")
EARLIER = "链接已于发放时提供，本次不再显示；如遗失请运行 reportkit links --renew {unit} 重新发放（旧链接随即失效）。"


@dataclass(frozen=True)
class LinkRow:
    unit: str
    name: str
    issued_at: str
    url: str | None = None  # only for a link issued by this run

    @property
    def note(self) -> str:
        return "本次新发放" if self.url else EARLIER.format(unit=self.unit)

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "url": self.url, "issued_at": self.issued_at,
                "new": self.url is not None}


@dataclass
class LinksResult:
    rows: list[LinkRow] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    table: Path | None = None  # the .xlsx written when links were issued

    @property
    def issued(self) -> list[LinkRow]:
        return [r for r in self.rows if r.url]

    def to_dict(self) -> dict[str, Any]:
        return {"links": [r.to_dict() for r in self.rows], "revoked": self.revoked,
                "table": str(self.table) if self.table else None}


def unit_url(base_url: str, token: str) -> str:
    return f"{base_url}{UNIT_PATH}{token}"


def check_base_url(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) <= len("https://"):
        raise UsageError(f"访问地址“{base_url}”不正确：应以 http:// 或 https:// 开头，例如 http://192.168.1.20:8000。")
    return url


def resolve_codes(plan: Plan, names: Sequence[str]) -> list[str]:
    """Unit codes for codes or names given on the command line; unknown ones are refused."""
    reporting = {u.code for u in plan.reporting_units()}
    codes = []
    for name in names:
        unit = plan.unit(name)
        if unit is None or unit.code not in reporting:
            raise UsageError(f"“{name}”不是本规划的填报单位：请使用规划定义中的单位编码或名称。")
        codes.append(unit.code)
    return codes


def hand_out_links(project: Project, plan: Plan, base_url: str, *, renew: Sequence[str] = (),
                   revoke: Sequence[str] = (), out: Path | None = None) -> LinksResult:
    """Issue a link to every reporting unit that has none, renew or revoke the named ones,
    and write the table of the links issued now (``out``, default under ``outputs/links/``)."""
    base = check_base_url(base_url)
    renew_codes, revoke_codes = resolve_codes(plan, renew), resolve_codes(plan, revoke)
    units = [u for u in plan.reporting_units() if u.code not in revoke_codes]
    with Ledger.for_project(project) as ledger:
        store = LinkStore(ledger.conn, plan.info.id)
        revoked = [code for code in revoke_codes if store.revoke(code)]
        fresh = {x.unit: x for x in store.issue(renew_codes, renew=True)}
        fresh |= {x.unit: x for x in store.issue([u.code for u in units])}
        active = store.active()
    rows = [_row(u.code, u.name, fresh.get(u.code) or active[u.code], base) for u in units]
    result = LinksResult(rows, revoked)
    if result.issued:
        target = project.check_output(out or _default_table(project), "链接表")
        result.table = write_links_table(result.rows, target)
    return result


def _row(code: str, name: str, link: IssuedLink, base: str) -> LinkRow:
    return LinkRow(code, name, link.issued_at, unit_url(base, link.token) if link.token else None)


def _default_table(project: Project) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return project.outputs / "links" / f"填报链接-{stamp}.xlsx"


def write_links_table(rows: Sequence[LinkRow], path: Path) -> Path:
    """The links as a workbook the coordinator can send out from (written atomically)."""
    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp))
        ws = wb.add_worksheet("填报链接")
        head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
        ws.write_row(0, 0, HEADERS, head)
        cells = [_values(row) for row in rows]
        for r, values in enumerate(cells, 1):
            for c, value in enumerate(values):
                ws.write_string(r, c, value, wrap)
        for c, header in enumerate(HEADERS):
            widest = max([display_width(header), *(display_width(values[c]) for values in cells)])
            ws.set_column(c, c, min(widest + 2, 60))
        ws.freeze_panes(1, 0)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        wb.close()

    return write_via_temp(path, write)


def _values(row: LinkRow) -> tuple[str, ...]:
    return (row.unit, row.name, row.url or "", row.issued_at.replace("T", " "), row.note)
