"""The HTTP API's contract for requests that cannot be valid: 4xx at once, nothing created."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from service.downloads import ascii_filename
from tests.conftest import SAMPLE
from tests.service.conftest import job_row


def _snapshot(runtime):
    files = sorted(p.name for p in (runtime.files.root / "uploads").glob("*")) \
        if (runtime.files.root / "uploads").exists() else []
    return runtime.jobs.page(1, 1).total, files


def _post(client, **fields):
    data = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023"}
    data.update({k: v for k, v in fields.items() if k != "file"})
    file = fields.get("file", (SAMPLE.read_bytes(), "sample.xlsx"))
    if file is not None:
        data["data"] = (io.BytesIO(file[0]), file[1])
    return client.post("/api/v1/jobs", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("fields, status, code", [
    ({"template": "no-such-report"}, 422, "unknown_template"),
    ({"province": "atlantis"}, 422, "unknown_province"),
    ({"period": "năm ngoái"}, 422, "invalid_period"),
    ({"period": "2019"}, 422, "unknown_campaign_year"),
    ({"period": "2025"}, 422, "province_not_in_force"),
    ({"template": ""}, 400, "missing_field"),
    ({"file": None}, 400, "missing_file"),
    ({"file": (b"<html><body>hi</body></html>\x00\x01", "report.xlsx")}, 415,
     "unsupported_file_type"),
    ({"file": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old.xls")}, 415,
     "unsupported_file_type"),
    ({"report_date": "04/12/2023"}, 422, "invalid_report_date"),
    ({"report_number": "5a"}, 422, "invalid_report_number"),
    ({"report_number": "1234567"}, 422, "invalid_report_number"),
    ({"signer_name": "A" * 81}, 422, "invalid_signer"),
    ({"signer_title": "Giám đốc 😀"}, 422, "invalid_signer"),
    ({"signer_title": "KT. Giám đốc"}, 422, "invalid_signer"),
    # Impossible periods: invalid, although the kind accepts none of these forms anyway.
    ({"period": "2025-13"}, 422, "invalid_period"),
    ({"period": "2025-Q5"}, 422, "invalid_period"),
    ({"period": "2025-H3"}, 422, "invalid_period"),
    ({"period": "2023-12-15..2023-11-15"}, 422, "invalid_period"),
    ({"period": "2024-02-30..2024-03-10"}, 422, "invalid_period"),
    ({"period": "2023-11"}, 422, "period_not_allowed"),  # a real month; the kind takes years
])
def test_invalid_requests_answer_4xx_and_create_nothing(client, runtime, fields, status, code):
    before = _snapshot(runtime)
    response = _post(client, **fields)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert _snapshot(runtime) == before


def test_a_long_report_number_is_refused_for_its_length_without_echoing_it(client):
    response = _post(client, report_number="9" * 10_000)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "invalid_report_number"
    assert "tối đa 6 chữ số" in error["message"] and "phải là số" not in error["message"]
    assert "9" * 30 not in body and len(body) < 2000


def test_a_report_number_with_letters_says_digits_and_quotes_it_cut(client):
    error = _post(client, report_number="12a" + "b" * 3).get_json()["error"]
    assert error["code"] == "invalid_report_number" and "chỉ được gồm chữ số" in error["message"]
    assert "«12abbb»" in error["message"]


@pytest.mark.parametrize("field, label, value, says", [
    ("signer_name", "Họ tên người ký", "Nguyễn Văn " + "A" * 300, "quá dài (311 ký tự)"),
    ("signer_name", "Họ tên người ký", "Nguyễn Văn A 😀", "U+1F600"),
    ("signer_name", "Họ tên người ký", "שלום", "U+05E9"),
    ("signer_name", "Họ tên người ký", "محمد", "U+0645"),
    ("signer_name", "Họ tên người ký", "Nguyễn Văn 2", "«2»"),
    ("signer_title", "Chức vụ người ký", "Giám đốc <b>", "«<»"),
    ("signer_title", "Chức vụ người ký", "G" * 81, "tối đa 80 ký tự"),
    ("signer_name", "Họ tên người ký", "Nguyễn Văn A 😀", "«😀» U+1F600"),
    ("signer_name", "Họ tên người ký", "שלום", "«ש» U+05E9"),
    ("signer_title", "Chức vụ người ký", "KT. Giám đốc", "thẩm quyền ký (KT., TL. …) do hệ "
                                                         "thống ghi"),
    ("signer_title", "Chức vụ người ký", "TL. Giám đốc", "ví dụ Phó Giám đốc"),
])
def test_a_signer_field_of_other_than_letters_or_too_long_is_refused_naming_it(
        client, runtime, field, label, value, says):
    before = _snapshot(runtime)
    response = _post(client, **{field: value})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_signer"
    assert error["message"].startswith(f"{label} ") and says in error["message"]
    assert f"({field})" not in error["message"]
    assert "A" * 100 not in error["message"]
    assert _snapshot(runtime) == before


@pytest.mark.parametrize("fields", [
    {"signer_name": "Nguyễn Thị Minh Khai", "signer_title": "Phó Giám đốc"},
    {"signer_name": "Đặng Văn Ngữ-Lê O'Brien", "signer_title": "Q. Giám đốc"},
    {"signer_name": "N" * 80, "report_number": "123456"},
])
def test_vietnamese_signers_and_a_six_digit_number_are_accepted(client, fields):
    response = _post(client, **fields)
    assert response.status_code == 202, response.get_json()


def test_oversized_upload_is_413_and_creates_nothing(app, client, runtime):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    before = _snapshot(runtime)
    response = _post(client, file=(b"x" * 4096, "big.csv"))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert _snapshot(runtime) == before


def test_templates_list_describes_the_data_it_reads(client):
    body = client.get("/api/v1/templates").get_json()
    assert {k["slug"] for k in body["templates"]} >= {
        "gender-equality-month", "gender-equality-periodic", "gender-equality-targets",
        "children-month", "domestic-violence-month"}
    kind = next(k for k in body["templates"] if k["slug"] == "gender-equality-month")
    assert {"slug": "hoa-binh", "name": "Hòa Bình"} in kind["provinces"]
    units = next(s for s in kind["sheets"] if s["key"] == "units")
    assert {"code": "launch_male", "label": "Phát động - Nam", "type": "count",
            "required": False} in units["columns"]
    assert kind["periods"]["forms"] == ["campaign"]
    assert "YYYY (đợt của năm đó: 2023, 2024, 2025)" in kind["periods"]["accepted"]
    assert 2023 in kind["periods"]["campaign_years"]
    assert (kind["sample_province"], kind["sample_period"]) == ("hoa-binh", "2023")


def test_blank_workbook_has_the_units_of_the_period(client):
    response = client.get("/api/v1/templates/gender-equality-month/workbook"
                          "?province=hoa-binh&period=2023")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    units = [r[0].value for r in book["Đơn vị"].iter_rows(min_row=3)]
    assert units[0] == "thành phố Hòa Bình" and len(units) == 10


def test_ascii_file_name_keeps_d_for_clients_without_filename_star(client):
    assert ascii_filename("Đồng đẳng động.docx") == "Dong dang dong.docx"
    response = client.get("/api/v1/templates/gender-equality-month/workbook"
                          "?province=hoa-binh&period=2023")
    plain = response.headers["Content-Disposition"].split("filename=")[1].split(";")[0]
    assert plain.strip('"') == "So lieu Thang hanh dong vi binh dang gioi nam 2023 - Hoa Binh.xlsx"


def test_cancelling_a_finished_job_names_its_state_in_vietnamese(client, runtime):
    job = job_row(runtime, status="succeeded", document_key="documents/x.docx",
                  document_name="x.docx", document_size=1, document_sha256="1" * 64)
    response = client.post(f"/api/v1/jobs/{job.id}/cancel")
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert message == "Yêu cầu lập báo cáo đã kết thúc (Hoàn thành); không hủy được nữa."


def test_unknown_job_is_404_json(client):
    response = client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "job_not_found"
    assert client.get("/api/v1/jobs/../../etc/passwd/document").status_code == 404


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_idempotency_key_returns_the_same_job_for_the_same_request(client, runtime):
    before = runtime.jobs.page(1, 1).total
    headers = {"Idempotency-Key": "bc-2023-hb-001"}
    first = client.post("/api/v1/jobs", headers=headers, content_type="multipart/form-data",
                        data=_form())
    second = client.post("/api/v1/jobs", headers=headers, content_type="multipart/form-data",
                         data=_form())
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] == second.get_json()["id"]
    assert runtime.jobs.page(1, 1).total == before + 1


def test_idempotency_key_reused_for_another_payload_is_422(client):
    headers = {"Idempotency-Key": "bc-2023-hb-002"}
    assert client.post("/api/v1/jobs", headers=headers, data=_form(),
                       content_type="multipart/form-data").status_code == 202
    other = client.post("/api/v1/jobs", headers=headers, data=_form(signer_name="Người khác"),
                        content_type="multipart/form-data")
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_idempotency_key_in_flight_is_409(client, runtime):
    from service.submission import LOCAL, Upload, build_request, fingerprint
    from tasks.store.idempotency import IdempotencyKeys

    fields = {k: v for k, v in _form().items() if k != "data"}
    same = fingerprint(build_request(runtime, fields), Upload("s.xlsx", SAMPLE.read_bytes()))
    IdempotencyKeys(runtime.jobs).reserve(LOCAL.scope, "bc-2023-hb-003", same)
    response = client.post("/api/v1/jobs", headers={"Idempotency-Key": "bc-2023-hb-003"},
                           data=_form(), content_type="multipart/form-data")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "idempotency_in_flight"
    assert response.headers["Retry-After"] == "1"


def _form(**fields):
    form = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
            "report_date": "2023-12-04", "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}
    form.update(fields)
    return form
