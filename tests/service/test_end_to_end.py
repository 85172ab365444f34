"""End to end through a real Celery worker process on a real Redis: API, web form, downloads."""

from __future__ import annotations

import hashlib
import io
import re
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from tasks.celery_app import COMPILE_TASK, QUEUE
from tasks.store.records import FINISHED
from tests.conftest import SAMPLE, docx_text, wait_for_job

pytestmark = pytest.mark.slow


def submit(client, data: bytes = None, name="sample.xlsx", **fields):
    form = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
            "report_date": "2023-12-04", "report_number": "12", "signer_name": "Trần Thị B",
            "data": (io.BytesIO(SAMPLE.read_bytes() if data is None else data), name)}
    form.update(fields)
    return client.post("/api/v1/jobs", data=form, content_type="multipart/form-data")


def poll(client, url: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    seen = set()
    while time.monotonic() < deadline:
        job = client.get(url).get_json()
        seen.add(job["status"])
        if job["status"] in FINISHED:
            job["seen"] = seen
            return job
        time.sleep(0.1)
    pytest.fail(f"job at {url} did not finish")


def test_api_submit_to_download_reproduces_the_seed_report(worker, client):
    response = submit(client)
    assert response.status_code == 202
    body = response.get_json()
    assert response.headers["Location"] == body["status_url"]
    assert body["status"] in ("running", "succeeded")  # answered once the worker checked it
    job = poll(client, body["status_url"])
    assert job["status"] == "succeeded", job["errors"]
    assert job["progress"] == 100 and job["stage"] == "done"
    assert job["document"]["url"] == body["document_url"]
    download = client.get(body["document_url"])
    assert download.status_code == 200
    assert download.mimetype.endswith("wordprocessingml.document")
    disposition = download.headers["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == \
        "Báo cáo Tháng hành động vì bình đẳng giới năm 2023 - Hòa Bình.docx"
    assert hashlib.sha256(download.data).hexdigest() == job["document"]["sha256"]
    text = docx_text(download.data)
    for figure in ("trên 5.000 tờ rơi", "01 lớp", "80 cán bộ", "50 đoàn viên", "02 lớp",
                   "10/10 huyện, thành phố", "361 triệu đồng", "34 cuộc", "1.090 nam, 3.410 nữ",
                   "384 hoạt động", "56.805 nam, 62.783 nữ", "220 buổi", "Số: 12/BC-SLĐTBXH",
                   "Trần Thị B"):
        assert figure in text


def _bad_workbook() -> bytes:
    book = load_workbook(SAMPLE)
    book["Đơn vị"]["D4"] = -3
    book["Đơn vị"]["A5"] = "huyện Không Có"
    book["Cấp tỉnh"]["A3"] = "bay lượn"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_workbook_is_refused_with_errors_naming_cells(client, runtime, worker):
    before = runtime.jobs.page(1, 1).total
    response = submit(client, _bad_workbook())
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_data"
    cells = {(e["code"], e.get("sheet"), e.get("cell")) for e in error["details"]}
    assert ("negative_number", "Đơn vị", "D4") in cells
    assert ("unknown_unit", "Đơn vị", "A5") in cells
    assert ("unknown_activity", "Cấp tỉnh", "A3") in cells
    # Kept as the record of the refusal, never rendered.
    assert runtime.jobs.page(1, 1).total == before + 1
    rejected = runtime.jobs.get(error["job"]["id"])
    assert (rejected.status, rejected.document_key) == ("rejected", None)


def test_web_form_lists_the_cells_of_a_bad_workbook(settings, worker):
    from service import create_app

    client = create_app(settings).test_client()
    page = client.get("/").get_data(as_text=True)
    response = client.post("/", data={
        "csrf_token": _csrf(page), "template": "gender-equality-month", "province": "hoa-binh",
        "period": "2023", "data": (io.BytesIO(_bad_workbook()), "bad.xlsx"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<td>Đơn vị</td><td>D4</td>" in html and "<td>Cấp tỉnh</td><td>A3</td>" in html


def delivery_end(log: Path, task_id: str, timeout: float = 30.0) -> str:
    """The worker's log line saying how the delivery ``task_id`` ended (Celery writes one per
    task: succeeded with its return value, failed, or retry); the test fails on timeout."""
    ended = re.compile(rf"Task {re.escape(COMPILE_TASK)}\[{re.escape(task_id)}\] "
                       r"(succeeded|raised|failed|retry)[^\n]*")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = ended.search(log.read_text(errors="replace"))
        if found:
            return found.group(0)
        time.sleep(0.05)
    pytest.fail(f"delivery {task_id} did not end in {timeout}s")


def test_duplicate_delivery_writes_one_document(worker, worker_log, app, client, runtime):
    body = submit(client).get_json()
    job = wait_for_job(runtime, body["id"])
    assert job.status == "succeeded"
    sent = app.extensions["celery"].send_task(COMPILE_TASK, args=[body["id"]], queue=QUEUE)
    # The job row does not change when a duplicate is turned away: wait for the worker to
    # have handled this very delivery, then read the row and the folder.
    assert delivery_end(worker_log, sent.id).endswith(": 'skipped'")
    again = runtime.jobs.get(body["id"])
    assert (again.status, again.attempts, again.document_sha256) == \
        ("succeeded", 1, job.document_sha256)
    documents = list((runtime.files.root / "documents").glob(f"{body['id']}*"))
    assert len(documents) == 1


def test_csv_upload_of_the_units_sheet(worker, client):
    header = "unit;plan;budget;launch_events;launch_male;launch_female\r\n"
    rows = "".join(f"{n};x;10.000.000;1;10;20\r\n" for n in (
        "TP Hòa Bình", "Đà Bắc", "Lương Sơn", "Kim Bôi", "Cao Phong", "Tân Lạc", "Mai Châu",
        "Lạc Sơn", "Yên Thuỷ", "Lạc Thuỷ"))
    body = submit(client, ("\ufeff" + header + rows).encode(), "units.csv").get_json()
    job = poll(client, body["status_url"])
    assert job["status"] == "succeeded", job["errors"]
    text = docx_text(client.get(body["document_url"]).data)
    assert "100 triệu đồng" in text and "10 cuộc" in text and "100 nam, 200 nữ" in text


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_web_form_to_download(worker, settings):
    from service import create_app

    app = create_app(settings)  # CSRF on, as in production
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "Lập báo cáo" in page and "Tải bảng số liệu trống" in page
    response = client.post("/", data={
        "csrf_token": _csrf(page), "template": "gender-equality-month", "province": "hoa-binh",
        "period": "2023", "report_date": "2023-12-04",
        "data": (io.BytesIO(SAMPLE.read_bytes()), "Số liệu 2023.xlsx"),
    }, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    wait_for_job(app.extensions["reportgen"], job_id)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Hoàn thành" in page and f"/api/v1/jobs/{job_id}/document" in page
    assert "Số liệu 2023.xlsx" in page
    history = client.get("/jobs").get_data(as_text=True)
    assert f"/jobs/{job_id}" in history


def test_web_form_without_csrf_token_is_refused(settings):
    from service import create_app

    app = create_app(settings)
    client = app.test_client()
    runtime = app.extensions["reportgen"]
    before = runtime.jobs.page(1, 1).total
    response = client.post("/", data={
        "template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
        "data": (io.BytesIO(SAMPLE.read_bytes()), "a.xlsx")}, content_type="multipart/form-data")
    assert response.status_code in (400, 422)
    assert runtime.jobs.page(1, 1).total == before


def test_web_form_shows_field_errors_in_vietnamese(settings):
    from service import create_app

    client = create_app(settings).test_client()
    page = client.get("/").get_data(as_text=True)
    response = client.post("/", data={"csrf_token": _csrf(page),
                                      "template": "gender-equality-month",
                                      "province": "hoa-binh", "period": "2019",
                                      "data": (io.BytesIO(SAMPLE.read_bytes()), "a.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Chưa có dữ liệu đợt của năm 2019" in response.get_data(as_text=True)


@pytest.mark.parametrize("fields, says", [
    ({"report_number": "9" * 10_000}, "Số báo cáo quá dài (10000 ký tự): tối đa 6 chữ số"),
    ({"signer_name": "Nguyễn Văn A 😀"}, "Họ tên người ký chỉ được gồm chữ cái"),
    ({"signer_title": "KT. Giám đốc"}, "thẩm quyền ký (KT., TL. …) do hệ thống ghi"),
])
def test_web_form_checks_number_and_signer_as_the_api_does(settings, fields, says):
    from service import create_app

    client = create_app(settings).test_client()
    page = client.get("/").get_data(as_text=True)
    response = client.post("/", data={"csrf_token": _csrf(page),
                                      "template": "gender-equality-month",
                                      "province": "hoa-binh", "period": "2023", **fields,
                                      "data": (io.BytesIO(SAMPLE.read_bytes()), "a.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert says in text and "9" * 30 not in text.split("<form", 1)[0]


def test_history_api_is_paginated_newest_first(worker, client):
    first = submit(client).get_json()["id"]
    second = submit(client).get_json()["id"]
    body = client.get("/api/v1/jobs?per_page=2").get_json()
    assert [j["id"] for j in body["jobs"]] == [second, first]
    assert body["total"] >= 2 and body["per_page"] == 2


def test_retention_deletes_old_files_and_the_job_answers_410(worker, client, runtime):
    from datetime import timedelta

    from tasks.retention import purge_expired

    body = submit(client).get_json()
    job = wait_for_job(runtime, body["id"])
    assert job.status == "succeeded"
    assert purge_expired(runtime, timedelta(days=1)) == 0  # too recent to go
    assert purge_expired(runtime, timedelta(seconds=0)) >= 1
    assert not runtime.files.exists(job.document_key)
    assert not runtime.files.exists(job.upload_key)
    response = client.get(body["document_url"])
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "document_expired"
    status = client.get(body["status_url"]).get_json()
    assert status["status"] == "succeeded" and status["document"] is None
    assert status["purged_at"]


def test_status_waits_for_the_end_when_asked(worker, client):
    body = submit(client).get_json()
    started = time.monotonic()
    job = client.get(body["status_url"] + "?wait=20").get_json()
    assert job["status"] == "succeeded"
    assert time.monotonic() - started < 15  # woken by the worker's event, not the timeout
    assert client.get(body["status_url"] + "?wait=abc").status_code == 400
