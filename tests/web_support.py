"""Shared pieces of the web intake tests: a project on the bundled 鄂州 plan with its
example returns, each unit's link, and a browser-like upload through Starlette's client."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import httpx2 as httpx
from starlette.testclient import TestClient
from test_ledger_support import EXAMPLE_PLAN

from reportkit.definitions.loader import load_plan
from reportkit.project import Project
from reportkit.web.links import hand_out_links

RETURNS = EXAMPLE_PLAN.parent / "returns"
PLAN = load_plan(EXAMPLE_PLAN)
BASE = "http://testserver"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def returned(unit_name: str) -> Path:
    """The bundled example return of a unit."""
    return RETURNS / f"{unit_name}-2023年中期评估填报表.xlsx"


def code_of(unit_name: str) -> str:
    unit = PLAN.unit(unit_name)
    assert unit is not None
    return unit.code


def make_project(root: Path) -> Project:
    (root / "inputs" / "returns").mkdir(parents=True)
    shutil.copy(EXAMPLE_PLAN, root / "inputs" / "plan.yaml")
    return Project(root)


def unit_paths(project: Project, base: str = BASE) -> dict[str, str]:
    """Each unit's link path (``/u/<token>``), by unit name, issued now."""
    result = hand_out_links(project, PLAN, base)
    return {row.name: row.url.removeprefix(base) for row in result.rows if row.url}


def csrf_of(page: str) -> str:
    m = CSRF.search(page)
    assert m, "the page has no form token"
    return m.group(1)


def upload(client: TestClient | httpx.Client, path: str, file: Path, *, name: str | None = None,
           origin: str | None = None) -> httpx.Response:
    """Open the unit page, then post ``file`` with the page's form token, as a browser does."""
    token = csrf_of(client.get(path).text)
    headers = {"origin": origin} if origin else {}
    with file.open("rb") as fh:
        return client.post(path, data={"csrf": token}, files={"file": (name or file.name, fh)}, headers=headers)


def text_of(page: str) -> str:
    """The visible text of a page, tags removed and entities decoded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
