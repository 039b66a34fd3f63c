"""``reportkit links`` and ``reportkit serve --set-password`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from web_support import PLAN, make_project

from reportkit.cli import main
from reportkit.ledger import Ledger
from reportkit.ledger.links import LinkStore
from reportkit.project import Project
from reportkit.web.auth import Settings, verify_password


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "项目")


def run(project: Project, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, [*args, "-p", str(project.root)], input=input)


def resolve(project: Project, url: str) -> str | None:
    with Ledger.for_project(project) as ledger:
        return LinkStore(ledger.conn, PLAN.info.id).resolve(url.rsplit("/", 1)[-1])


def test_links_json_gives_every_unit_a_private_link_once(project: Project) -> None:
    result = run(project, "links", "--base-url", "http://192.168.1.20:8000/", "--json")
    assert result.exit_code == 0, result.output
    links = json.loads(result.output)
    assert [x["unit"] for x in links] == [u.code for u in PLAN.reporting_units()]
    assert all(x["url"].startswith("http://192.168.1.20:8000/u/") and x["name"] for x in links)
    assert len({x["url"] for x in links}) == len(links)
    assert all(resolve(project, x["url"]) == x["unit"] for x in links)
    # the token is shown only when issued
    again = json.loads(run(project, "links", "--json").output)
    assert all(x["url"] is None and not x["new"] for x in again)


def test_links_writes_a_table_to_send_out(project: Project) -> None:
    result = run(project, "links", "--base-url", "http://intake.example.gov.cn")
    assert result.exit_code == 0 and "本次新发放 21 个链接" in result.output
    table = next((project.outputs / "links").glob("填报链接-*.xlsx"))
    rows = list(openpyxl.load_workbook(table)["填报链接"].iter_rows(values_only=True))
    assert rows[0][:3] == ("单位编码", "单位名称", "专用填报链接") and len(rows) == 22
    assert rows[1][:2] == ("echeng", "鄂城区") and rows[1][2].startswith("http://intake.example.gov.cn/u/")
    assert resolve(project, rows[1][2]) == "echeng"
    assert "没有新发放的链接" in run(project, "links").output


def test_renew_replaces_a_link_and_revoke_closes_it(project: Project) -> None:
    first = {x["unit"]: x["url"] for x in json.loads(run(project, "links", "--json").output)}
    renewed = json.loads(run(project, "links", "--renew", "鄂城区", "--json").output)
    new = next(x["url"] for x in renewed if x["unit"] == "echeng")
    assert new and new != first["echeng"]
    assert resolve(project, first["echeng"]) is None and resolve(project, new) == "echeng"
    assert all(x["url"] is None for x in renewed if x["unit"] != "echeng")
    assert resolve(project, first["huarong"]) == "huarong"
    out = json.loads(run(project, "links", "--revoke", "huarong", "--json").output)
    assert "huarong" not in [x["unit"] for x in out] and resolve(project, first["huarong"]) is None


def test_links_refuses_unknown_units_and_bad_addresses(project: Project) -> None:
    bad = run(project, "links", "--renew", "不存在的单位")
    assert bad.exit_code == 2 and "不是本规划的填报单位" in bad.output
    bad = run(project, "links", "--base-url", "192.168.1.20:8000")
    assert bad.exit_code == 2 and "http://" in bad.output
    assert not project.ledger_path.exists() or resolve(project, "x") is None


def test_set_password_stores_only_a_hash(project: Project) -> None:
    short = run(project, "serve", "--set-password", input="short\nshort\n")
    assert short.exit_code == 2 and "至少 8 个字符" in short.output
    result = run(project, "serve", "--set-password", input="牵头单位密码123\n牵头单位密码123\n")
    assert result.exit_code == 0, result.output
    with Ledger.for_project(project) as ledger:
        stored = Settings(ledger.conn).password_hash
    assert stored and "牵头单位密码123" not in stored and verify_password("牵头单位密码123", stored)
    assert not verify_password("牵头单位密码124", stored)


def test_serve_runs_and_never_logs_a_link(project: Project) -> None:
    import os
    import subprocess
    import sys
    import time

    import httpx2 as httpx
    from live_server import free_port

    url = json.loads(run(project, "links", "--json").output)[0]["url"]
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    server = subprocess.Popen([sys.executable, "-m", "reportkit", "serve", "-p", str(project.root), "--port",
                               str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        path = "/u/" + url.rsplit("/", 1)[-1]
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.3)
        assert page.status_code == 200 and "鄂城区" in page.text
    finally:
        server.terminate()
        out = server.communicate(timeout=30)[0]
    assert "牵头单位登录密码（只显示这一次" in out and f"127.0.0.1:{port}/admin" in out
    assert url.rsplit("/", 1)[-1] not in out
