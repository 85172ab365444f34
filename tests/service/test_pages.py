"""What officers read on the pages: Vietnamese labels, the periods that work, errors apart
from warnings, and what they submitted. Rendered by the real app on the session's database;
the browser tests (test_browser.py) watch the same pages change and fit a phone."""

from __future__ import annotations

import io
import json
import re
import uuid
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from service import create_app
from tasks.report.request import ReportRequest, resolve
from tests.conftest import SAMPLE
from tests.service.conftest import job_row, new_client, sign_in

KIND = "gender-equality-month"
# What an officer must never read on a page (codes stay in attributes, for scripts).
SLUGS = ("hoa-binh", "phu-tho", KIND)
ENGLISH = ("reportgen", "negative_number", "unknown_unit", "unknown_activity", "missing_units",
           "missing_section", "internal_error")


class _Visible(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts, styles or the tab title."""

    def __init__(self) -> None:
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs) -> None:
        self.hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag) -> None:
        self.hidden -= tag in ("script", "style", "title")

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def title_of(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip())


def assert_vietnamese_only(html: str) -> None:
    text = visible(html)
    for word in (*SLUGS, *ENGLISH, "công việc", "Công việc"):
        assert word not in text, (word, text)


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def tables(html: str) -> dict[str, list[str]]:
    """The codes of each problem table by severity: {"error": [...], "warning": [...]}."""
    found = {}
    for severity, body in re.findall(r'<table class="problems problems-(\w+)".*?>(.*?)</table>',
                                     html, re.S):
        found[severity] = re.findall(r'<tr data-code="([^"]+)"', body)
    return found


def _bad_workbook() -> bytes:
    """Three errors (sheet and cell given) and, without "Đánh giá", warnings."""
    book = load_workbook(SAMPLE)
    book["Đơn vị"]["D4"] = -3
    book["Đơn vị"]["A5"] = "huyện Không Có"
    book["Cấp tỉnh"]["A3"] = "bay lượn"
    del book["Đánh giá"]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- periods


def test_every_default_period_is_one_the_province_accepts(app, client):
    page = client.get("/").get_data(as_text=True)
    periods = json.loads(unescape(re.search(r'data-periods="([^"]+)"', page).group(1)))
    assert periods[KIND] == {"hoa-binh": {"accepted": ["2024", "2023"], "default": "2024"},
                             "phu-tho": {"accepted": ["2025"], "default": "2025"}}
    catalog = app.extensions["reportgen"].catalog
    for province, choice in periods[KIND].items():
        for period in choice["accepted"]:
            resolve(catalog, ReportRequest(KIND, province, period))  # raises if it does not
    # The form starts on the default province with its own default period and its link.
    assert re.search(r'name="period"[^>]*value="2024"', page)
    link = unescape(re.search(r'id="workbook-link"[^>]*href="([^"]+)"', page).group(1))
    assert link == f"/workbook?template={KIND}&province=hoa-binh&period=2024"
    assert "Kỳ dùng được với loại báo cáo và tỉnh đã chọn: 2024, 2023." in visible(page)


def test_templates_api_lists_each_provinces_periods(client):
    kind = next(k for k in client.get("/api/v1/templates").get_json()["templates"]
                if k["slug"] == KIND)
    assert kind["default_periods"] == {"hoa-binh": "2024", "phu-tho": "2025"}
    assert kind["accepted_periods"] == {"hoa-binh": ["2024", "2023"], "phu-tho": ["2025"]}


@pytest.mark.parametrize("province, name", [("phu-tho", "Phú Thọ"), ("hoa-binh", "Hòa Bình")])
def test_blank_workbook_without_a_period_is_the_provinces_default(client, province, name):
    response = client.get(f"/workbook?template={KIND}&province={province}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    disposition = unquote(response.headers["Content-Disposition"])
    period = "2025" if province == "phu-tho" else "2024"
    assert f"{period} - {name}.xlsx" in disposition


@pytest.mark.parametrize("province, period, works", [
    ("phu-tho", "2024", "Phú Thọ: 2025."),  # the profile starts on 1/7/2025
    ("hoa-binh", "2019", "Hòa Bình: 2024, 2023."),  # no campaign data for 2019
    ("hoa-binh", "2023-Q9", "Hòa Bình: 2024, 2023."),  # not a period at all
])
def test_a_period_error_names_the_periods_that_work(client, province, period, works):
    response = client.post("/api/v1/jobs", data={
        "template": KIND, "province": province, "period": period,
        "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"].endswith(f"Các kỳ báo cáo dùng được cho {works}"), error
    workbook = client.get(f"/api/v1/templates/{KIND}/workbook?province={province}"
                          f"&period={period}")
    assert workbook.status_code == 422
    assert workbook.get_json()["error"]["message"] == error["message"]


def test_the_form_names_the_periods_that_work(settings):
    client = create_app(settings).test_client()  # CSRF on, as in production
    page = client.get("/").get_data(as_text=True)
    response = client.post("/", data={
        "csrf_token": csrf(page), "template": KIND, "province": "phu-tho", "period": "2024",
        "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Các kỳ báo cáo dùng được cho Phú Thọ: 2025." in visible(html)
    # The message is not repeated as a one-row details table, and the link follows the form.
    assert "<table" not in html
    link = unescape(re.search(r'id="workbook-link"[^>]*href="([^"]+)"', html).group(1))
    assert link == f"/workbook?template={KIND}&province=phu-tho&period=2024"


def test_the_form_names_the_successor_province_and_asks_for_the_file_again(settings):
    client = create_app(settings).test_client()
    page = client.get("/").get_data(as_text=True)
    assert "Chọn lại tệp số liệu" not in visible(page)
    response = client.post("/", data={
        "csrf_token": csrf(page), "template": KIND, "province": "hoa-binh", "period": "2025",
        "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    text = visible(html)
    assert "Từ ngày 01/07/2025, địa bàn thuộc tỉnh Phú Thọ: hãy chọn tỉnh Phú Thọ." in text
    assert "Chọn lại tệp số liệu" in text
    assert_vietnamese_only(html)


def test_the_period_hint_and_placeholder_follow_the_kind(client):
    from tasks.report.clock import today_in_vietnam

    year = today_in_vietnam().year - 1
    page = client.get("/").get_data(as_text=True)
    hints = json.loads(unescape(re.search(r'data-period-hints="([^"]+)"', page).group(1)))
    assert hints["gender-equality-periodic"] == {
        "hint": f"Kỳ báo cáo dạng {year}-H1 (6 tháng đầu năm), {year}-H2 (6 tháng cuối năm) "
                f"hoặc {year} (cả năm).",
        "placeholder": f"{year}-H1, {year}-H2 hoặc {year}"}
    assert hints["gender-equality-targets"]["hint"] == \
        f"Kỳ báo cáo dạng {year} (năm dương lịch, 1/1–31/12)."
    # A campaign kind: its latest campaign and window, from its campaigns file.
    assert hints[KIND]["hint"].startswith("Nhập năm của đợt: 2025 là Tháng hành động vì bình")
    assert hints[KIND]["hint"].endswith("năm 2025, từ 15/11 đến 15/12/2025.")
    assert hints["children-month"]["hint"].endswith("từ 01/06 đến 30/06/2025.")
    # The page starts with the chosen kind's; no kind offers quarters, months or ranges.
    text = visible(page)
    assert hints[KIND]["hint"] in text
    assert re.search(rf'name="period" placeholder="{hints[KIND]["placeholder"]}"', page)
    # (The visible text and the hints: the page's random CSRF token may hold any letters.)
    assert "Q4" not in text and "Q4" not in json.dumps(hints) and ".." not in text
    assert "Tệp số liệu (.xlsx, .ods hoặc .csv)" in text


# --------------------------------------------------------------------------- errors apart


def test_invalid_workbook_lists_errors_and_warnings_apart(settings, worker):
    client = create_app(settings).test_client()
    page = client.get("/").get_data(as_text=True)
    response = client.post("/", data={
        "csrf_token": csrf(page), "template": KIND, "province": "hoa-binh", "period": "2023",
        "data": (io.BytesIO(_bad_workbook()), "bad.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    found = tables(html)
    assert sorted(found["error"]) == ["negative_number", "unknown_activity", "unknown_unit"]
    assert set(found["warning"]) == {"missing_units", "missing_section"}
    text = visible(html)
    assert "Dữ liệu có 3 lỗi cần sửa." in text and "Lỗi cần sửa (3)" in text
    assert f"Lưu ý ({len(found['warning'])})" in text
    # Where each error is: its sheet and cell, as plain cells of the row.
    assert "<td>Đơn vị</td><td>D4</td>" in html and "<td>Cấp tỉnh</td><td>A3</td>" in html
    # The refusal is kept as a job: the page links to it.
    assert re.search(r'lưu trong <a href="/jobs/[0-9a-f-]{36}">lịch sử</a>', html)
    assert_vietnamese_only(html)


# --------------------------------------------------------------------------- labels


def test_job_page_repeats_what_was_submitted(app, client, runtime):
    job = job_row(runtime)
    runtime.jobs.fail(job.id, [{"code": "negative_number", "message": "Số cuộc phát động âm.",
                                "sheet": "Đơn vị", "cell": "D4"}],
                      [{"code": "missing_section", "message": "Chưa có nội dung «Ưu điểm».",
                        "sheet": "Đánh giá", "severity": "warning"}])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    text = visible(html)
    for shown in ("Số báo cáo 05", "Ngày báo cáo 04/12/2023", "Người ký Trần Thị B, Phó Giám đốc",
                  "Tệp số liệu Số liệu huyện 2023.xlsx", "Hòa Bình · năm 2023"):
        assert shown in text, (shown, text)
    assert title_of(html) == \
        "Tháng hành động vì bình đẳng giới năm 2023 · Hòa Bình · Tổng hợp báo cáo"
    assert tables(html) == {"error": ["negative_number"], "warning": ["missing_section"]}
    assert 'title="Mã: negative_number"' in html
    # A finished job shows its state once; the stage and progress are for running jobs.
    assert re.search(r'<span id="job-stage-box" hidden>', html)
    assert re.search(r'<progress id="job-progress"[^>]*hidden', html)
    assert_vietnamese_only(html)


def test_job_page_names_the_period_by_its_label(client, runtime):
    job = job_row(runtime, template="gender-equality-periodic", province="phu-tho",
                  period="2025-H1", options={})
    runtime.jobs.fail(job.id, [])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Phú Thọ · 6 tháng đầu năm 2025" in visible(html)
    assert "2025-H1" not in visible(html) and "6 tháng đầu năm 2025" in title_of(html)
    listed = visible(client.get("/jobs?period=2025-H1").get_data(as_text=True))
    assert "Công tác bình đẳng giới 6 tháng đầu năm 2025" in listed


def test_job_page_of_a_draft_says_what_is_left_blank(client, runtime):
    job = job_row(runtime, options={"report_number": None, "report_date": None,
                                 "signer_name": None, "signer_title": None})
    text = visible(client.get(f"/jobs/{job.id}").get_data(as_text=True))
    assert "Số báo cáo Để trống cho văn thư cấp số" in text
    assert "Ngày báo cáo Để trống cho văn thư ghi ngày" in text
    assert "Người ký Chưa ghi họ tên" in text
    assert "Trạng thái: Đang chờ · Đang chờ xử lý" in text
    runtime.jobs.fail(job.id, [])  # no message was queued: end it before a reconciler sends one


def test_history_rows_can_be_told_apart(client, runtime):
    first = job_row(runtime, upload_name="Số liệu đợt 1.xlsx")
    second = job_row(runtime, upload_name="Số liệu đợt 2.xlsx",
                  options={"report_number": "123", "report_date": "2023-12-05"})
    for job in (first, second):
        runtime.jobs.fail(job.id, [])
    html = client.get("/jobs").get_data(as_text=True)
    rows = {job_id: row for job_id, row in re.findall(
        r'<tr>\s*<td data-label="Báo cáo"><div><a href="/jobs/([^"]+)">(.*?)</tr>', html, re.S)}
    assert "Số liệu đợt 1.xlsx" in rows[first.id] and ">05<" in rows[first.id]
    assert "Số liệu đợt 2.xlsx" in rows[second.id] and ">123<" in rows[second.id]
    text = visible(html)
    assert "Tháng hành động vì bình đẳng giới năm 2023 Hòa Bình" in text
    assert re.search(r"Trang 1/\d+ · \d+ lượt lập báo cáo", text)
    assert_vietnamese_only(html)


def test_pages_use_vietnamese_names_and_no_double_titles(client):
    for url, title in (("/", "Lập báo cáo · Tổng hợp báo cáo"),
                       ("/jobs", "Lịch sử · Tổng hợp báo cáo"),
                       (f"/jobs/{uuid.uuid4()}", "Không thực hiện được · Tổng hợp báo cáo")):
        html = client.get(url).get_data(as_text=True)
        assert title_of(html) == title
        assert_vietnamese_only(html)
    missing = client.get(f"/jobs/{uuid.uuid4()}").get_data(as_text=True)
    assert "Không tìm thấy yêu cầu lập báo cáo này." in visible(missing)
    assert 'data-code="job_not_found"' in missing


def test_signed_in_officer_sees_their_name_not_their_agency_slug(auth_app, people):
    client = new_client(auth_app)
    sign_in(client, people["a"])
    html = client.get("/").get_data(as_text=True)
    assert people["a"].username in visible(html)
    assert people["a"].agency not in visible(html)
    assert f'title="Cơ quan: {people["a"].agency}"' in html


def test_findings_on_the_document_show_where_they_are(client, runtime):
    # The format checker's findings name a place in the document instead of a sheet and cell.
    job = job_row(runtime)
    runtime.jobs.fail(job.id, [], [{
        "code": "signature.no_name", "severity": "warning",
        "message": "Chưa có họ tên người ký dưới chức vụ (bản dự thảo).",
        "element": "signature.name", "location": "Bảng chữ ký, họ tên người ký"}])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert tables(html) == {"warning": ["signature.no_name"]}
    assert "<th>Vị trí</th><th>Nội dung</th>" in html
    assert "<td>Bảng chữ ký, họ tên người ký</td>" in html
    # No "Trang" (sheet) column for a place in the document, and the code is kept out of sight.
    assert "<th>Trang</th>" not in html and "signature.no_name" not in visible(html)
