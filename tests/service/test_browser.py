"""The web form in a real headless Chromium: submit, watch the job finish, see the download."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture()
def browser(tmp_path):
    if not (CHROMIUM and DRIVER):
        pytest.skip("headless Chromium and chromedriver not installed (apt: chromium "
                    "chromium-driver); .ci/run installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1100,1300",
                 f"--user-data-dir={tmp_path / 'chrome'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_form_submission_shows_progress_then_the_download(browser, web_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(web_server + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Lập báo cáo từ bảng số liệu"
    Select(browser.find_element(By.NAME, "template")).select_by_value("gender-equality-month")
    period = browser.find_element(By.NAME, "period")
    period.clear()
    period.send_keys("2023")
    browser.find_element(By.NAME, "data").send_keys(str(SAMPLE))
    browser.find_element(By.NAME, "report_number").send_keys("7")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.ID, "job-status")
        or b.find_elements(By.CSS_SELECTOR, ".alert"))
    main_text = browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_elements(By.ID, "job-status"), main_text
    deadline = time.monotonic() + 60
    while browser.find_element(By.ID, "job-status").text != "Hoàn thành":
        assert time.monotonic() < deadline, browser.page_source[:2000]
        time.sleep(0.2)
    link = browser.find_element(By.CSS_SELECTOR, "#job-download a")
    assert link.is_displayed() and link.get_attribute("href").endswith("/document")
    assert browser.find_element(By.ID, "job-stage").text == "Hoàn thành"
    assert "Hòa Bình.docx" in browser.find_element(By.ID, "job-filename").text


def test_form_error_is_shown_in_vietnamese(browser, web_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(web_server + "/")
    period = browser.find_element(By.NAME, "period")
    period.clear()
    period.send_keys("2023-Q9")
    browser.find_element(By.NAME, "data").send_keys(str(SAMPLE))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".alert"))
    alert = browser.find_element(By.CSS_SELECTOR, ".alert").text
    assert "Chưa tạo được công việc" in alert and "không đúng dạng" in alert
