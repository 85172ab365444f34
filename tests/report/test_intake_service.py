"""Validation from the outside: ``POST /api/v1/validate``, the 422 of ``POST /api/v1/jobs`` for
invalid data (found by the worker; the job kept as rejected), and ``reportgen validate``."""

from __future__ import annotations

import io
import time

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from service import create_app
from service.cli import main
from service.embedded_redis import EmbeddedRedis
from tasks.settings import load_settings
from tests.conftest import SAMPLE, make_env, running_worker, wait_for_job
from tests.report.intake_files import entries, replace_parts, with_big_sheet

FIELDS = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023"}
JOB = ["--template", "gender-equality-month", "--province", "hoa-binh", "--period", "2023"]


def _bad_workbook() -> bytes:
    book = load_workbook(SAMPLE)
    book["Đơn vị"]["E6"] = "mười"
    book["Đơn vị"]["A7"] = "huyện Không Có"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(client, path: str, data: bytes | None, **fields):
    form = {**FIELDS, **fields}
    if data is not None:
        form["data"] = (io.BytesIO(data), "so-lieu.xlsx")
    return client.post(path, data=form, content_type="multipart/form-data")


def _snapshot(runtime):
    uploads = runtime.files.root / "uploads"
    files = sorted(p.name for p in uploads.glob("*")) if uploads.exists() else []
    return runtime.jobs.page(1, 1).total, files


def test_validate_endpoint_answers_200_with_the_findings(client, runtime):
    before = _snapshot(runtime)
    body = _post(client, "/api/v1/validate", SAMPLE.read_bytes()).get_json()
    assert body["valid"] is True and body["errors"] == []
    assert body["summary"]["figures"]["totals"]["launch_male"] == 1090
    bad = _post(client, "/api/v1/validate", _bad_workbook())
    assert bad.status_code == 200
    found = {(e["code"], e["sheet"], e["cell"]) for e in bad.get_json()["errors"]}
    assert found == {("not_a_number", "Đơn vị", "E6"), ("unknown_unit", "Đơn vị", "A7")}
    assert bad.get_json()["valid"] is False
    assert _snapshot(runtime) == before


@pytest.mark.parametrize("fields, data, status, code", [
    ({"template": "no-such-report"}, SAMPLE.read_bytes(), 422, "unknown_template"),
    ({}, None, 400, "missing_file"),
    ({}, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), 415,
     "legacy_xls"),
])
def test_validate_endpoint_refuses_requests_that_cannot_be_valid(client, fields, data, status,
                                                                  code):
    response = _post(client, "/api/v1/validate", data, **fields)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_job_with_invalid_data_is_422_from_the_worker_and_never_rendered(client, runtime,
                                                                         worker):
    before = runtime.jobs.page(1, 1).total
    response = _post(client, "/api/v1/jobs", _bad_workbook())
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_data"
    cells = {(d["code"], d.get("sheet"), d.get("cell")) for d in error["details"]}
    assert ("not_a_number", "Đơn vị", "E6") in cells
    assert ("unknown_unit", "Đơn vị", "A7") in cells
    # The worker's verdict is kept as the record of the refusal: rejected, nothing rendered.
    job = runtime.jobs.get(error["job"]["id"])
    assert (job.status, job.document_key) == ("rejected", None)
    assert error["job"]["status_url"] == f"/api/v1/jobs/{job.id}"
    assert {(e["code"], e.get("cell")) for e in job.errors} >= {("not_a_number", "E6")}
    assert runtime.jobs.page(1, 1).total == before + 1
    assert client.get(f"/api/v1/jobs/{job.id}").get_json()["status"] == "rejected"
    # Created, so audited like any submission, whatever the verdict.
    entries = runtime.audit.page(1, 10, target=job.id).entries
    assert [e.action for e in entries] == ["job.submit"]


def test_a_rejected_job_answers_422_again_for_its_idempotency_key(client, runtime, worker):
    headers, data = {"Idempotency-Key": "rejected-once"}, _bad_workbook()
    form = {**FIELDS, "data": (io.BytesIO(data), "so-lieu.xlsx")}
    first = client.post("/api/v1/jobs", data=form, headers=headers,
                        content_type="multipart/form-data")
    form = {**FIELDS, "data": (io.BytesIO(data), "so-lieu.xlsx")}
    again = client.post("/api/v1/jobs", data=form, headers=headers,
                        content_type="multipart/form-data")
    assert (first.status_code, again.status_code) == (422, 422)
    assert first.get_json()["error"]["job"] == again.get_json()["error"]["job"]


def test_valid_data_is_202_with_the_job_past_its_check(client, runtime, worker):
    response = _post(client, "/api/v1/jobs", SAMPLE.read_bytes())
    assert response.status_code == 202
    assert response.get_json()["status"] in ("running", "succeeded")
    assert response.get_json()["checked"] is True


def test_a_file_the_worker_refuses_is_named_as_refused_not_as_mistakes(client, worker):
    """A DOCTYPE hidden in a sheet is found by the worker's gate, not by the web's: the 422
    says the file was refused, with the gate's code."""
    data = SAMPLE.read_bytes()
    sheet = entries(data)["xl/worksheets/sheet1.xml"]
    doctype = b"<!DOCTYPE x [<!ENTITY a 'a'>]>"
    sheet = sheet.replace(b"?>", b"?>" + doctype, 1) if b"?>" in sheet else doctype + sheet
    data = replace_parts(data, {"xl/worksheets/sheet1.xml": sheet})
    response = _post(client, "/api/v1/jobs", data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_data"
    assert error["message"].startswith("Tệp dữ liệu bị từ chối: ")
    assert error["details"][0]["code"] == "xml_doctype"
    assert error["job"]["status"] == "rejected"


def test_without_a_worker_in_time_the_job_is_accepted_unchecked_and_rejected_later(
        tmp_path):
    """No worker answers within the wait: 202 ``queued``. The worker that takes the job
    later finds the errors, and the job ends rejected with them."""
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False).start()
    try:
        env = make_env(tmp_path / "data", server.url, REPORTGEN_CHECK_WAIT="1")
        settings = load_settings(env)
        client = create_app(settings, {"TESTING": True}).test_client()
        started = time.monotonic()
        response = _post(client, "/api/v1/jobs", _bad_workbook())
        assert response.status_code == 202
        assert (response.get_json()["status"], response.get_json()["checked"]) == \
            ("queued", False)
        assert time.monotonic() - started >= 1.0  # it waited for a verdict first
        with running_worker(settings, env, tmp_path / "worker.log"):
            job = wait_for_job(client.application.extensions["reportgen"],
                               response.get_json()["id"])
        assert job.status == "rejected"
        assert ("not_a_number", "E6") in {(e["code"], e.get("cell")) for e in job.errors}
    finally:
        server.stop()


def test_the_web_does_not_read_the_workbook(client, runtime):
    """Without a worker's verdict (no wait here) a workbook whose errors only reading finds
    is accepted as ``queued``: the web process only sniffed its type and its directory."""
    response = _post(client, "/api/v1/jobs", _bad_workbook())
    assert response.status_code == 202
    assert runtime.jobs.get(response.get_json()["id"]).status in ("queued", "running",
                                                                  "rejected")


def test_job_with_a_zip_bomb_is_422_before_anything_is_stored(client, runtime):
    before = _snapshot(runtime)
    response = _post(client, "/api/v1/jobs", with_big_sheet(SAMPLE.read_bytes(), 110))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["code"] == "archive_too_large"
    assert _snapshot(runtime) == before


def test_cli_validate_exit_codes(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    ok = CliRunner().invoke(main, ["validate", *JOB, "--data", str(SAMPLE)])
    assert ok.exit_code == 0, ok.output
    assert "10/10 đơn vị" in ok.output
    bad_path = tmp_path / "bad.xlsx"
    bad_path.write_bytes(_bad_workbook())
    bad = CliRunner().invoke(main, ["validate", *JOB, "--data", str(bad_path)])
    assert bad.exit_code == 1
    assert "[not_a_number] Đơn vị E6:" in bad.output
    assert "[unknown_unit] Đơn vị A7:" in bad.output
    usage = CliRunner().invoke(main, ["validate", *JOB[:2], "--period", "2019",
                                      "--data", str(SAMPLE)])
    assert usage.exit_code == 2 and "unknown_campaign_year" in usage.output


def test_cli_validate_json(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["validate", *JOB, "--data", str(SAMPLE), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["units"] == {"reported": 10, "total": 10}


def test_cli_validate_names_every_district_of_the_sample_for_a_commune_period(tmp_path,
                                                                              monkeypatch):
    # The 2023 sample (districts) for Phú Thọ 2025 (communes): no unit may take the figures
    # of a district that shares its proper name.
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["validate", "--template", "gender-equality-month",
                                       "--province", "phu-tho", "--period", "2025",
                                       "--data", str(SAMPLE), "--json"])
    assert result.exit_code == 1
    import json

    errors = json.loads(result.stdout)["errors"]
    assert [(e["code"], e["cell"]) for e in errors] == [("former_unit", f"A{n}")
                                                         for n in range(3, 13)]
    assert "huyện Lạc Sơn không còn từ 01/07/2025" in errors[7]["message"]
    assert "Có phải: xã Lạc Sơn" in errors[7]["message"]
