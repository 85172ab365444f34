"""The pages in a real headless Chromium: submit, watch the job finish, see the download; the
job page showing what arrives while it is open; the form following the officer's choices;
every page fitting a phone and a desktop."""

from __future__ import annotations

import io
import re
import shutil
import time
from urllib.parse import unquote

import pytest
import requests
from openpyxl import load_workbook

from tests.conftest import SAMPLE, running_web

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
    # Finished: the state is said once ("Hoàn thành", not "Hoàn thành · Hoàn thành").
    assert not browser.find_element(By.ID, "job-stage-box").is_displayed()
    assert not browser.find_element(By.ID, "job-progress").is_displayed()
    assert "Hòa Bình.docx" in browser.find_element(By.ID, "job-filename").text
    assert "Số báo cáo\n07" in browser.find_element(By.CSS_SELECTOR, "dl.meta").text


def test_the_form_is_sent_once_while_its_check_is_awaited(browser, tmp_path):
    """No worker: the server holds the answer for the check (3 s). Meanwhile the button is
    disabled and says so, a second click sends nothing, and one job is created."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from service.embedded_redis import EmbeddedRedis
    from tasks.runtime import Runtime
    from tasks.settings import load_settings
    from tests.conftest import make_env

    redis_server = EmbeddedRedis(tmp_path / "redis", appendonly=False).start()
    try:
        env = make_env(tmp_path / "data", redis_server.url, REPORTGEN_CHECK_WAIT="3")
        with running_web(env, tmp_path / "web.log") as (url, _process):
            browser.get(url + "/")
            period = browser.find_element(By.NAME, "period")
            period.clear()
            period.send_keys("2023")
            browser.find_element(By.NAME, "data").send_keys(str(SAMPLE))
            # Clicked from the page's own script (WebDriver would wait for the next page):
            # the state while the answer is held, and the form sent again 0,5 s later, while
            # the server still holds the first request.
            state = browser.execute_script(
                "var b = document.querySelector('button[type=submit]'); b.click();"
                "var f = document.querySelector('form.job-form');"
                "setTimeout(function () { f.requestSubmit(); }, 500);"
                "return [b.disabled, b.textContent];")
            assert state == [True, "Đang kiểm tra số liệu…"]
            WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.ID, "job-status"))
            assert browser.find_element(By.ID, "job-status").text == "Đang chờ"
        assert Runtime(load_settings(env)).jobs.page(1, 10).total == 1
    finally:
        redis_server.stop()


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
    assert "Chưa lập được báo cáo" in alert and "quý 9 không có (quý từ Q1 đến Q4)" in alert
    assert "Các kỳ báo cáo dùng được cho Hòa Bình: 2024, 2023." in alert


def _workbook(bad: bool = False) -> bytes:
    """The sample without its "Đánh giá" sheet (the report gets warnings), and with three
    errors when ``bad``."""
    book = load_workbook(SAMPLE)
    del book["Đánh giá"]
    if bad:
        book["Đơn vị"]["D4"] = -3
        book["Đơn vị"]["A5"] = "huyện Không Có"
        book["Cấp tỉnh"]["A3"] = "bay lượn"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture()
def idle_site(tmp_path):
    """A site of its own (Redis, data folder, `reportgen web`) whose worker the test starts."""
    from tests.reliability.conftest import Stack

    stack = Stack(tmp_path).start()
    try:
        with running_web(stack.env()) as (url, _process):
            yield stack, url
    finally:
        stack.stop()


def test_job_page_shows_what_arrives_while_it_is_open(browser, idle_site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    stack, url = idle_site
    warned = stack.submit(data=(io.BytesIO(_workbook()), "Số liệu chưa có đánh giá.xlsx"))
    failing = stack.submit()
    tabs = {}
    for job_id in (warned, failing):
        if tabs:
            browser.switch_to.new_window("tab")
        browser.get(f"{url}/jobs/{job_id}")
        assert browser.find_element(By.ID, "job-status").text == "Đang chờ"
        assert not browser.find_elements(By.CSS_SELECTOR, "#job-errors *, #job-warnings *")
        browser.execute_script("window.stillOpen = true;")  # gone if the page reloads
        tabs[job_id] = browser.current_window_handle
    # A third page, of a job that ends with findings on the document (a place, not a cell).
    from tests.service.conftest import job_row

    checked = job_row(stack.runtime).id
    browser.switch_to.new_window("tab")
    browser.get(f"{url}/jobs/{checked}")
    assert browser.find_element(By.ID, "job-status").text == "Đang chờ"
    stack.runtime.jobs.fail(checked, [{"code": "page.margin", "location": "Phần 1",
                                       "message": "Lề trái 10 mm; quy định 30–35 mm."}])
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#job-errors table"))
    errors = browser.find_element(By.CSS_SELECTOR, "#job-errors table")
    assert [th.text for th in errors.find_elements(By.TAG_NAME, "th")] == ["Vị trí", "Nội dung"]
    assert errors.find_element(By.CSS_SELECTOR, "tbody tr").text == \
        "Phần 1 Lề trái 10 mm; quy định 30–35 mm."
    # Nothing has run so far: the worker starts now, and the second job fails inside it.
    stack.start_worker(REPORTGEN_FAULTS=f"render:{failing}=raise")

    browser.switch_to.window(tabs[warned])
    WebDriverWait(browser, 60).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#job-warnings table"))
    assert browser.find_element(By.ID, "job-status").text == "Hoàn thành"
    warnings = browser.find_element(By.CSS_SELECTOR, "#job-warnings table")
    rows = warnings.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert warnings.find_element(By.TAG_NAME, "caption").text == f"Lưu ý ({len(rows)})"
    missing = [r for r in rows if r.get_attribute("data-code") == "missing_section"]
    assert len(missing) == 3
    assert "«Ưu điểm»" in missing[0].text and "missing_section" not in warnings.text
    assert browser.find_element(By.CSS_SELECTOR, "#job-download a").is_displayed()
    assert not browser.find_elements(By.CSS_SELECTOR, "#job-errors table")
    assert browser.execute_script("return window.stillOpen === true;")

    browser.switch_to.window(tabs[failing])
    WebDriverWait(browser, 60).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#job-errors table"))
    assert browser.find_element(By.ID, "job-status").text == "Lỗi"
    errors = browser.find_element(By.CSS_SELECTOR, "#job-errors table")
    assert errors.find_element(By.TAG_NAME, "caption").text == "Lỗi (1)"
    row = errors.find_element(By.CSS_SELECTOR, "tbody tr")
    assert row.get_attribute("data-code") == "internal_error"
    assert row.text.startswith("Lỗi hệ thống khi lập báo cáo")
    assert not browser.find_element(By.ID, "job-stage-box").is_displayed()
    assert not browser.find_element(By.ID, "job-download").is_displayed()
    assert browser.execute_script("return window.stillOpen === true;")
    assert stack.job(failing).status == "failed" and stack.job(warned).status == "succeeded"


def test_form_follows_the_province_and_period(browser, web_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(web_server + "/")
    period = browser.find_element(By.NAME, "period")
    province = Select(browser.find_element(By.NAME, "province"))
    link = browser.find_element(By.ID, "workbook-link")
    accepted = browser.find_element(By.ID, "period-accepted")
    assert period.get_attribute("value") == "2024"
    province.select_by_value("phu-tho")
    assert period.get_attribute("value") == "2025"
    assert accepted.text == "Kỳ dùng được với loại báo cáo và tỉnh đã chọn: 2025."
    href = link.get_attribute("href")
    assert href == (f"{web_server}/workbook?template=gender-equality-month&province=phu-tho"
                    f"&period=2025")
    blank = requests.get(href, timeout=30)
    assert blank.status_code == 200
    assert unquote(blank.headers["Content-Disposition"]).endswith("2025 - Phú Thọ.xlsx")
    province.select_by_value("hoa-binh")
    assert period.get_attribute("value") == "2024"
    period.clear()
    period.send_keys("2023")
    assert link.get_attribute("href").endswith("province=hoa-binh&period=2023")
    assert requests.get(link.get_attribute("href"), timeout=30).status_code == 200
    # A period the province does not accept is refused, naming those it does.
    province.select_by_value("phu-tho")
    period.clear()
    period.send_keys("2024")
    browser.find_element(By.NAME, "data").send_keys(str(SAMPLE))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".alert"))
    assert "Các kỳ báo cáo dùng được cho Phú Thọ: 2025." in \
        browser.find_element(By.CSS_SELECTOR, ".alert").text
    assert browser.find_element(By.ID, "data-again").text.startswith("Chọn lại tệp số liệu")


def test_the_period_hint_follows_the_kind(browser, web_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(web_server + "/")
    hint = browser.find_element(By.ID, "period-hint")
    period = browser.find_element(By.NAME, "period")
    assert hint.text.startswith("Nhập năm của đợt: 2025 là Tháng hành động")
    Select(browser.find_element(By.NAME, "template")).select_by_value(
        "gender-equality-periodic")
    assert "-H1 (6 tháng đầu năm)" in hint.text and hint.text.endswith("(cả năm).")
    assert re.fullmatch(r"\d{4}-H1, \d{4}-H2 hoặc \d{4}", period.get_attribute("placeholder"))
    Select(browser.find_element(By.NAME, "template")).select_by_value("children-month")
    assert hint.text.endswith("từ 01/06 đến 30/06/2025.")
    assert period.get_attribute("placeholder") == "2025"


def test_a_disabled_page_button_does_not_look_active(browser, web_server, runtime):
    from selenium.webdriver.common.by import By

    from tests.service.conftest import job_row

    job = job_row(runtime)
    runtime.jobs.fail(job.id, [])
    browser.get(f"{web_server}/jobs/{job.id}")
    style = ("const s = getComputedStyle(arguments[0]); "
             "return [s.backgroundColor, s.cursor];")
    prev = browser.find_element(By.ID, "preview-prev")
    rerun = browser.find_element(By.ID, "job-rerun")
    assert not prev.is_enabled()
    looks = browser.execute_script(style, prev)
    assert looks[1] == "not-allowed" and looks[0] != browser.execute_script(style, rerun)[0]


FITS = """
const main = document.querySelector("main").getBoundingClientRect();
const links = [...document.querySelectorAll("header.top nav a")];
return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        tops: links.map(a => Math.round(a.getBoundingClientRect().top)),
        lines: links.map(a => a.getClientRects().length),
        overflow: [...document.querySelectorAll("main table")]
                    .map(t => t.getBoundingClientRect().right - main.right)};
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_pages_fit_a_phone_and_a_desktop(browser, web_server, tmp_path, width):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})

    def fits(page: str) -> None:
        found = browser.execute_script(FITS)
        assert found["inner"] == width, (page, found)
        assert found["scroll"] <= found["inner"], (page, found)  # no sideways scrolling
        assert len(set(found["tops"])) == 1 and set(found["lines"]) == {1}, (page, found)
        assert all(right <= 0.5 for right in found["overflow"]), (page, found)

    def submit(data: bytes, name: str) -> None:
        path = tmp_path / name
        path.write_bytes(data)
        browser.get(web_server + "/")
        period = browser.find_element(By.NAME, "period")
        period.clear()
        period.send_keys("2023")
        browser.find_element(By.NAME, "data").send_keys(str(path))
        browser.find_element(By.NAME, "report_number").send_keys("12")
        browser.find_element(By.NAME, "signer_name").send_keys("Nguyễn Thị Minh Khai")
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    browser.get(web_server + "/")
    fits("form")
    submit(_workbook(bad=True), "Số liệu có lỗi của các huyện, thành phố năm 2023.xlsx")
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".alert table"))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".alert table")) == 2
    fits("form with errors and warnings")
    submit(_workbook(), "Số_liệu_tổng_hợp_các_huyện_thành_phố_năm_2023_bản_cuối.xlsx")
    WebDriverWait(browser, 60).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#job-warnings table"))
    fits("job page with warnings")
    browser.get(web_server + "/jobs")
    assert browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    fits("history")


def test_a_succeeded_job_shows_its_pdf_and_a_page_preview(browser, web_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tasks.pdf.office import find_office

    if isinstance(find_office(), str):
        pytest.skip(find_office())
    browser.get(web_server + "/")
    period = browser.find_element(By.NAME, "period")
    period.clear()
    period.send_keys("2023")
    browser.find_element(By.NAME, "data").send_keys(str(SAMPLE))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 60).until(
        lambda b: b.find_elements(By.ID, "job-status")
        and b.find_element(By.ID, "job-status").text == "Hoàn thành")
    pdf = browser.find_element(By.ID, "job-pdf")
    assert pdf.is_displayed() and pdf.get_attribute("href").endswith("/document?format=pdf")
    assert not browser.find_element(By.ID, "job-cancel").is_displayed()
    assert browser.find_element(By.ID, "job-rerun").is_displayed()
    image = browser.find_element(By.ID, "preview-image")
    WebDriverWait(browser, 120).until(
        lambda b: b.execute_script("return arguments[0].naturalWidth", image) > 0
        and b.find_element(By.ID, "preview-page").text == "Trang 1/4")
    assert image.is_displayed() and image.get_attribute("src").endswith("/preview/1")
    browser.find_element(By.ID, "preview-next").click()
    WebDriverWait(browser, 30).until(
        lambda b: b.find_element(By.ID, "preview-page").text == "Trang 2/4"
        and image.get_attribute("src").endswith("/preview/2")
        and b.execute_script("return arguments[0].complete && arguments[0].naturalWidth",
                             image) > 0)
    assert browser.find_element(By.ID, "preview-prev").is_enabled()
