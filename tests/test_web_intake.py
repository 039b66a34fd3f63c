"""The web intake over HTTP with Starlette's test client: a unit's link, its upload and
findings, refusals (another unit's return, a bad token, oversize, not a spreadsheet, a forged
form), and the coordinator's pages behind the password. Real forms, real SQLite ledger."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from starlette.testclient import TestClient
from web_support import BASE, PLAN, code_of, csrf_of, make_project, returned, text_of, unit_paths, upload

from reportkit.checks.run import validate_return
from reportkit.findings import Severity
from reportkit.ledger import Ledger
from reportkit.ledger.links import LinkStore
from reportkit.project import Project
from reportkit.web import create_app
from reportkit.web.auth import Settings
from reportkit.web.links import hand_out_links

PASSWORD = "协调人的密码-2024"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "项目")


@pytest.fixture
def links(project: Project) -> dict[str, str]:
    return unit_paths(project)


@pytest.fixture
def client(project: Project, links: dict[str, str]) -> TestClient:
    with Ledger.for_project(project) as ledger:
        Settings(ledger.conn).set_password(PASSWORD)
    return TestClient(create_app(project), base_url=BASE)


def submissions(project: Project) -> list[sqlite3.Row]:
    with Ledger.for_project(project) as ledger:
        return ledger.conn.execute("SELECT * FROM submissions").fetchall()


def stored_originals(project: Project) -> list[Path]:
    root = project.state_dir / "originals"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# a unit's page and upload ---------------------------------------------------------------

def test_unit_page_shows_only_its_own_name_deadline_and_state(client: TestClient, links: dict[str, str]) -> None:
    page = client.get(links["鄂城区"])
    text = text_of(page.text)
    assert page.status_code == 200
    assert "鄂城区" in text and "2024-01-20" in text and "未报送" in text and "尚无报送记录" in text
    assert not any(name in text for name in ("华容区", "梁子湖区", "葛店经开区"))


def test_upload_shows_findings_grouped_and_records_it_once(client: TestClient, links: dict[str, str],
                                                          project: Project) -> None:
    name = "市市场监管局药品医疗器械化妆品监管科"
    file = returned(name)
    expected = validate_return(PLAN, file).findings
    errors = [f for f in expected if f.severity is Severity.ERROR]
    assert errors, "the example return of the drug office breaks a rule"

    page = upload(client, links[name], file)
    text = text_of(page.text)
    assert page.status_code == 200
    assert f"未通过审核：有 {len(errors)} 处强制性问题" in text and "强制性问题（须修改）" in text
    for f in errors:
        assert f"{f.location.sheet}!{f.location.cell}" in text and f.message in text and f.hint in text
    rows = submissions(project)
    assert len(rows) == 1 and rows[0]["unit"] == code_of(name) and rows[0]["state"] == "has-errors"
    # the history on the same page shows it, with its annotated copy
    assert "第 1 次" in text and "现用版本" in text


def test_warning_asks_for_an_explanation(client: TestClient, links: dict[str, str]) -> None:
    page = upload(client, links["梁子湖区"], returned("梁子湖区"))
    text = text_of(page.text)
    assert "已受理，有 1 处核实性问题待说明" in text
    assert "核实性问题（须核实并说明）" in text and "在该行“说明”栏写明原因" in text


def test_annotated_copy_downloads_the_units_own_workbook(client: TestClient, links: dict[str, str],
                                                        tmp_path: Path) -> None:
    name = "市市场监管局药品医疗器械化妆品监管科"
    page = upload(client, links[name], returned(name))
    href = next(h for h in page.text.split('"') if "/feedback/" in h)
    got = client.get(href)
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    (tmp_path / "a.xlsx").write_bytes(got.content)
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames[0] == "审核意见" and "指标数据" in wb.sheetnames
    listed = " ".join(str(c.value) for row in wb["审核意见"].iter_rows() for c in row if c.value)
    error = next(f for f in validate_return(PLAN, returned(name)).findings if f.severity is Severity.ERROR)
    assert error.message in listed
    assert wb["指标数据"][error.location.cell].comment is not None


def test_form_download_is_the_units_own_form(client: TestClient, links: dict[str, str], tmp_path: Path) -> None:
    got = client.get(links["华容区"] + "/form")
    assert got.status_code == 200
    (tmp_path / "f.xlsx").write_bytes(got.content)
    props = openpyxl.load_workbook(tmp_path / "f.xlsx").custom_doc_props
    assert {p.name: p.value for p in props}.get("reportkit.unit") == "huarong"


def test_upload_and_cli_collect_record_the_same(client: TestClient, links: dict[str, str], project: Project,
                                                tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportkit.cli import main

    upload(client, links["华容区"], returned("华容区"))
    other = make_project(tmp_path / "邮件")
    assert CliRunner().invoke(main, ["collect", "-p", str(other.root), str(returned("华容区"))]).exit_code == 0
    with Ledger.for_project(project) as web, Ledger.for_project(other) as mail:
        via_web, via_mail = web.latest(PLAN)[0], mail.latest(PLAN)[0]
    assert via_web.sha256 == via_mail.sha256 and via_web.state == via_mail.state
    assert via_web.observations == via_mail.observations
    assert [(f.code, f.location.cell, f.message) for f in via_web.findings] == \
           [(f.code, f.location.cell, f.message) for f in via_mail.findings]


def test_resubmission_replaces_and_history_keeps_both(client: TestClient, links: dict[str, str],
                                                      project: Project) -> None:
    upload(client, links["鄂城区"], returned("梁子湖区"))  # refused: not counted
    upload(client, links["梁子湖区"], returned("梁子湖区"))
    page = upload(client, links["梁子湖区"], returned("梁子湖区"))
    assert "此前已经报送过" in text_of(page.text)
    assert len(submissions(project)) == 1


# refusals ---------------------------------------------------------------------------------

def test_another_units_return_is_refused_and_recorded_for_nobody(client: TestClient, links: dict[str, str],
                                                                 project: Project) -> None:
    page = upload(client, links["鄂城区"], returned("华容区"))
    text = text_of(page.text)
    assert "这不是本单位的填报表" in text and "“华容区”的填报表" in text and "未登记" in text
    assert submissions(project) == [] and stored_originals(project) == []
    assert "尚无报送记录" in text


def test_another_units_return_already_collected_is_still_refused(client: TestClient, links: dict[str, str],
                                                                 project: Project) -> None:
    upload(client, links["华容区"], returned("华容区"))
    page = upload(client, links["鄂城区"], returned("华容区"))
    assert "这不是本单位的填报表" in text_of(page.text)
    rows = submissions(project)
    assert [r["unit"] for r in rows] == ["huarong"]
    assert "尚无报送记录" in text_of(client.get(links["鄂城区"]).text)


def test_tampered_or_revoked_token_gets_404_and_no_data(client: TestClient, links: dict[str, str],
                                                        project: Project) -> None:
    path = links["鄂城区"]
    upload(client, path, returned("鄂城区"))
    sha = submissions(project)[0]["sha256"]
    token = path.removeprefix("/u/")
    tampered = "/u/" + token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "/u/" + token[:16], "/u/x"):
        for suffix in ("", "/form", f"/feedback/{sha}"):
            got = client.get(bad + suffix)
            assert got.status_code == 404 and "鄂城区" not in got.text
        assert client.post(bad, data={"csrf": "x"}).status_code == 404
    # renewed: the old link opens nothing, the new one works
    fresh = hand_out_links(project, PLAN, BASE, renew=["echeng"]).issued[0].url.removeprefix(BASE)
    assert client.get(path).status_code == 404 and client.get(path + f"/feedback/{sha}").status_code == 404
    assert client.get(fresh).status_code == 200
    hand_out_links(project, PLAN, BASE, revoke=["鄂城区"])
    assert client.get(fresh).status_code == 404


def test_a_unit_cannot_download_another_units_annotated_copy(client: TestClient, links: dict[str, str],
                                                             project: Project) -> None:
    upload(client, links["华容区"], returned("华容区"))
    sha = submissions(project)[0]["sha256"]
    assert client.get(links["华容区"] + f"/feedback/{sha}").status_code == 200
    assert client.get(links["鄂城区"] + f"/feedback/{sha}").status_code == 404


def test_oversized_upload_is_refused_while_streaming(project: Project, links: dict[str, str]) -> None:
    client = TestClient(create_app(project, max_upload=200_000), base_url=BASE)
    path = links["鄂城区"]
    token = csrf_of(client.get(path).text)
    big = b"PK\x03\x04" + b"\0" * 600_000
    page = client.post(path, data={"csrf": token}, files={"file": ("大.xlsx", big)})
    assert page.status_code == 413 and "文件超过 195 KB 的上限，未受理" in text_of(page.text)

    def body():  # no Content-Length: only counting the stream can stop it
        yield (f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
               '--b\r\nContent-Disposition: form-data; name="file"; filename="x.xlsx"\r\n\r\n').encode()
        for _ in range(40):
            yield b"\0" * 65536
        yield b"\r\n--b--\r\n"

    page = client.post(path, content=body(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert page.status_code == 413 and "上限，未受理" in text_of(page.text)
    assert submissions(project) == []


def test_non_spreadsheet_upload_gets_a_clear_message(client: TestClient, links: dict[str, str],
                                                     project: Project, tmp_path: Path) -> None:
    pdf = tmp_path / "鄂城区.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 1000)
    text = text_of(upload(client, links["鄂城区"], pdf).text)
    assert "未受理：上传的文件不是 Excel 填报表" in text and "本次上传未登记" in text
    assert submissions(project) == []


def test_browser_file_name_is_never_a_path(client: TestClient, links: dict[str, str], project: Project) -> None:
    page = upload(client, links["鄂城区"], returned("鄂城区"), name="../../../outputs/evil.xlsx")
    assert "审核通过" in text_of(page.text)
    assert not (project.root / "outputs" / "evil.xlsx").exists()
    assert submissions(project)[0]["file_name"] == "鄂城区-2023年中期评估填报表.xlsx"
    assert not any((project.state_dir / "incoming").iterdir())  # the upload's folder is removed


def test_csrf_is_enforced_on_every_form(client: TestClient, links: dict[str, str], project: Project) -> None:
    path = links["鄂城区"]
    token = csrf_of(client.get(path).text)
    with returned("鄂城区").open("rb") as fh:
        data = fh.read()
    assert client.post(path, files={"file": ("a.xlsx", data)}).status_code == 403
    assert client.post(path, data={"csrf": token[:-2] + "xx"}, files={"file": ("a.xlsx", data)}).status_code == 403
    assert client.post(path, data={"csrf": token}, files={"file": ("a.xlsx", data)},
                       headers={"origin": "http://evil.example"}).status_code == 403
    fresh = TestClient(client.app, base_url=BASE)  # another browser: no cookie to match the token
    assert fresh.post(path, data={"csrf": token}, files={"file": ("a.xlsx", data)}).status_code == 403
    assert submissions(project) == []
    assert client.post("/admin/login", data={"password": PASSWORD}).status_code == 403
    assert client.post("/admin/logout").status_code == 403


def test_security_headers_and_escaping(client: TestClient, links: dict[str, str], tmp_path: Path) -> None:
    page = client.get(links["鄂城区"])
    h = page.headers
    assert "default-src 'none'" in h["content-security-policy"] and h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "same-origin" and h["x-content-type-options"] == "nosniff"
    assert h["cache-control"] == "no-store"
    assert "http://" not in page.text.replace(BASE, "") and "https://" not in page.text  # nothing from elsewhere
    assert "<script" not in page.text.lower()  # the pages work without JavaScript (CSP allows none)
    assert client.get("/static/style.css").status_code == 200
    # a value typed by the unit that looks like markup is shown as text
    wb = openpyxl.load_workbook(returned("鄂城区"))
    ws = wb["指标数据"]
    cell = next(c for row in ws.iter_rows(min_row=5) for c in row if isinstance(c.value, (int, float)) and
                not c.protection.locked)
    cell.value = "<script>alert(1)</script>"
    wb.save(tmp_path / "x.xlsx")
    page = upload(client, links["鄂城区"], tmp_path / "x.xlsx")
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


# the coordinator ----------------------------------------------------------------------------

def login(client: TestClient, password: str = PASSWORD):
    token = csrf_of(client.get("/admin/login").text)
    return client.post("/admin/login", data={"csrf": token, "password": password}, follow_redirects=False)


def test_coordinator_pages_need_the_password(client: TestClient, links: dict[str, str], project: Project) -> None:
    for path in ("/admin", "/admin/findings", "/admin/download/validation", "/admin/download/report"):
        got = client.get(path, follow_redirects=False)
        assert got.status_code == 303 and got.headers["location"] == "/admin/login"
    client.cookies.set("rk_admin", "9999999999.abc.forged", path="/admin")
    assert client.get("/admin", follow_redirects=False).status_code == 303
    wrong = login(client, "猜的密码")
    assert wrong.status_code == 401 and "密码不正确" in text_of(wrong.text)
    assert login(client).status_code == 303
    page = client.get("/admin")
    assert page.status_code == 200 and "报送率 0/21" in text_of(page.text)
    # a new password ends the session
    with Ledger.for_project(project) as ledger:
        Settings(ledger.conn).set_password("另一个新密码-2024")
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_dashboard_findings_and_downloads(client: TestClient, links: dict[str, str], project: Project,
                                          tmp_path: Path) -> None:
    drug = "市市场监管局药品医疗器械化妆品监管科"
    for name in ("鄂城区", "梁子湖区", drug):
        upload(client, links[name], returned(name))
    login(client)
    text = text_of(client.get("/admin").text)
    assert "报送率 3/21" in text and "鄂城区 是" in text and "华容区 否" in text
    findings = text_of(client.get("/admin/findings").text)
    error = next(f for f in validate_return(PLAN, returned(drug)).findings if f.severity is Severity.ERROR)
    assert error.message in findings and findings.index(drug) < findings.index("梁子湖区")
    got = client.get("/admin/download/validation")
    assert got.status_code == 200
    (tmp_path / "r.xlsx").write_bytes(got.content)
    cells = {str(c.value) for ws in openpyxl.load_workbook(tmp_path / "r.xlsx") for row in ws.iter_rows()
             for c in row}
    assert error.message in cells
    assert client.get("/admin/download/report").status_code == 404  # nothing built yet


def test_login_pauses_after_repeated_wrong_passwords(client: TestClient) -> None:
    for _ in range(5):
        assert login(client, "错的").status_code == 401
    assert login(client).status_code == 429


def test_first_start_prints_a_password_once(project: Project) -> None:
    from reportkit.web.server import prepare

    first = prepare(project).first_password
    assert first and prepare(project).first_password is None
    with Ledger.for_project(project) as ledger:
        stored = Settings(ledger.conn).password_hash
        assert stored and first not in stored and stored.startswith("scrypt$")


def test_tokens_are_stored_only_as_hashes(project: Project, links: dict[str, str]) -> None:
    raw = project.ledger_path.read_bytes() + b"".join(
        p.read_bytes() for p in project.state_dir.glob("ledger.db-*"))
    for path in links.values():
        token = path.removeprefix("/u/")
        assert len(token) >= 22 and token.encode() not in raw
        with Ledger.for_project(project) as ledger:
            assert LinkStore(ledger.conn, PLAN.info.id).resolve(token) is not None


def test_uploads_are_logged_by_unit_never_by_link(client: TestClient, links: dict[str, str],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="reportkit.web")
    upload(client, links["鄂城区"], returned("鄂城区"))
    upload(client, links["鄂城区"], returned("华容区"))
    assert "鄂城区 上传填报表：审核通过" in caplog.text
    assert "鄂城区 上传填报表：未受理：这不是本单位的填报表" in caplog.text
    assert links["鄂城区"].removeprefix("/u/") not in caplog.text


def test_downloaded_form_is_prefilled_from_accepted_uploads(client: TestClient, links: dict[str, str],
                                                            tmp_path: Path) -> None:
    from reportkit.forms import layout

    upload(client, links["鄂城区"], returned("鄂城区"))
    (tmp_path / "f.xlsx").write_bytes(client.get(links["鄂城区"] + "/form").content)
    sent = openpyxl.load_workbook(returned("鄂城区"))[layout.SHEET_INDICATORS]
    form = openpyxl.load_workbook(tmp_path / "f.xlsx")[layout.SHEET_INDICATORS]
    header = [c.value for c in form[layout.INDICATOR_HEADER_ROW]]
    column = header.index(layout.year_header(2022)) + 1
    rows = [r for r in range(layout.INDICATOR_HEADER_ROW + 1, form.max_row + 1) if form.cell(r, 1).value]
    assert rows
    for r in rows:
        cell = form.cell(r, column)
        assert cell.value == sent.cell(r, column).value and cell.value is not None and cell.protection.locked
        assert form.cell(r, header.index(layout.year_header(2023)) + 1).value is None  # the year being reported


def test_report_and_summary_are_downloadable_after_a_build(client: TestClient, links: dict[str, str],
                                                           project: Project) -> None:
    from click.testing import CliRunner

    from reportkit.cli import main

    for name in ("鄂城区", "华容区"):
        upload(client, links[name], returned(name))
    built = CliRunner().invoke(main, ["build", "-p", str(project.root)])
    assert built.exit_code in (0, 1), built.output
    login(client)
    page = text_of(client.get("/admin").text)
    assert "中期评估报告.docx" in page and "汇总表.xlsx" in page
    report = client.get("/admin/download/report")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    text = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
    assert "本次共审核填报表2份" in text  # the two returns uploaded through the links
    assert client.get("/admin/download/summary").content[:2] == b"PK"
