"""The intake in a real Chromium, driven by Selenium through chromedriver: a unit opens its
link, uploads its filled return, sees the findings and downloads its annotated copy; the
coordinator signs in and sees the dashboard.

Screenshots of each page go to ``$REPORTKIT_SCREENSHOTS`` when it is set (for looking at them).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from live_server import live_server
from web_support import PLAN, make_project, returned, unit_paths

from reportkit.checks.run import validate_return
from reportkit.findings import Severity
from reportkit.ledger import Ledger
from reportkit.web.auth import Settings

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if p and Path(p).exists()), None)
DRIVER = next((p for p in (shutil.which("chromedriver"), "/usr/bin/chromedriver") if p and Path(p).exists()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                                reason="no Chromium with chromedriver on this machine "
                                       "(Debian: apt-get install chromium chromium-driver)")
DRUG = "市市场监管局药品医疗器械化妆品监管科"
PASSWORD = "浏览器测试密码-2024"


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "下载"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(downloads: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(120)
    driver.implicitly_wait(60)  # an upload is validated before its page comes back
    try:
        yield driver
    finally:
        driver.quit()


def shoot(driver: webdriver.Chrome, name: str) -> None:
    folder = os.environ.get("REPORTKIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, max(900, min(int(height) + 120, 6000)))
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def wait_for_file(folder: Path, seconds: float = 60) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == ".xlsx"]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing was downloaded into {folder}")


def test_unit_uploads_sees_findings_and_downloads_annotated_copy(browser: webdriver.Chrome, downloads: Path,
                                                                 tmp_path: Path) -> None:
    project = make_project(tmp_path / "项目")
    error = next(f for f in validate_return(PLAN, returned(DRUG)).findings if f.severity is Severity.ERROR)
    with live_server(project) as base:
        link = base + unit_paths(project, base)[DRUG]
        browser.get(link)
        assert browser.find_element(By.TAG_NAME, "h1").text == DRUG
        assert "未报送" in browser.find_element(By.CSS_SELECTOR, "dl.facts").text
        shoot(browser, "1-unit-page")

        browser.find_element(By.ID, "file").send_keys(str(returned(DRUG)))
        browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
        result = browser.find_element(By.ID, "result")
        assert "未通过审核" in result.find_element(By.CSS_SELECTOR, ".alert").text
        group = result.find_element(By.CSS_SELECTOR, ".group.error")
        assert error.message in group.text and f"{error.location.sheet}!{error.location.cell}" in group.text
        shoot(browser, "2-findings")

        result.find_element(By.PARTIAL_LINK_TEXT, "下载带审核意见的填报表").click()
        copy = wait_for_file(downloads)
    assert copy.name == f"{DRUG}-审核意见.xlsx"
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames[0] == "审核意见"
    assert wb["指标数据"][error.location.cell].comment is not None
    with Ledger.for_project(project) as ledger:
        assert [r.unit for r in ledger.submissions()] == ["drug"]


def test_coordinator_signs_in_and_sees_who_reported(browser: webdriver.Chrome, tmp_path: Path) -> None:
    project = make_project(tmp_path / "项目")
    with Ledger.for_project(project) as ledger:
        Settings(ledger.conn).set_password(PASSWORD)
    with live_server(project) as base:
        links = unit_paths(project, base)
        for name in ("鄂城区", DRUG, "梁子湖区"):
            browser.get(base + links[name])
            browser.find_element(By.ID, "file").send_keys(str(returned(name)))
            browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
            browser.find_element(By.ID, "result")
        shoot(browser, "3-warning")
        browser.delete_all_cookies()
        browser.get(base + "/admin")
        assert browser.current_url.endswith("/admin/login")
        shoot(browser, "4-login")
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        # elements only the new page has: the old page's <main> may still answer right after a click
        assert "报送率 3/21" in browser.find_element(By.CSS_SELECTOR, "main .tiles + p").text
        shoot(browser, "5-dashboard")
        browser.find_element(By.LINK_TEXT, "审核意见").click()
        WebDriverWait(browser, 60).until(EC.url_contains("/admin/findings"))
        assert DRUG in browser.find_element(By.CSS_SELECTOR, "main section:nth-of-type(2) h2").text
        shoot(browser, "6-findings")
