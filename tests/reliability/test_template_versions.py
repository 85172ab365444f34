"""Templates uploaded by admins: checked before use, and pinned by each job (T1, T4, T8)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tasks.settings import REPO_ROOT
from tests.conftest import docx_text

pytestmark = pytest.mark.slow
SHIPPED = REPO_ROOT / "doc_templates" / "gender-equality-month" / "template.docx"


def edited_template(old: str, new: str) -> bytes:
    """The shipped template with one piece of its body text replaced."""
    old_bytes, new_bytes = old.encode(), new.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(SHIPPED) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                assert old_bytes in data
                data = data.replace(old_bytes, new_bytes, 1)
            target.writestr(item, data)
    return out.getvalue()


def upload(stack, data: bytes):
    return stack.client.post("/api/v1/templates/gender-equality-month/versions",
                             data={"template": (io.BytesIO(data), "mau.docx")},
                             content_type="multipart/form-data")


def test_t8_a_job_keeps_the_template_version_it_was_submitted_with(stack):
    before = stack.submit()
    v2 = edited_template("Trên đây là báo cáo", "Trên đây là BẢN MỚI của báo cáo")
    response = upload(stack, v2)
    assert response.status_code == 201, response.get_json()
    after = stack.submit()
    assert stack.job(before).template_sha256 != stack.job(after).template_sha256
    assert stack.job(after).template_sha256 == response.get_json()["sha256"]
    stack.start_worker()
    old_text = docx_text(stack.client.get(f"/api/v1/jobs/{before}/document").data) \
        if stack.wait_finished(before).status == "succeeded" else ""
    new_text = docx_text(stack.client.get(f"/api/v1/jobs/{after}/document").data) \
        if stack.wait_finished(after).status == "succeeded" else ""
    assert "BẢN MỚI" not in old_text and "Trên đây là báo cáo" in old_text
    assert "Trên đây là BẢN MỚI của báo cáo" in new_text
    versions = stack.client.get("/api/v1/templates/gender-equality-month/versions").get_json()
    assert versions["current"] == response.get_json()["sha256"]
    assert versions["versions"][0]["uploaded_by"] == "local"


def test_t1_a_template_reaching_python_internals_is_refused_and_runs_nothing(stack, tmp_path):
    canary = tmp_path / "pwned"
    payload = "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}" % canary
    response = upload(stack, edited_template("Trên đây là báo cáo", payload))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "template_rejected"
    assert any(d["code"] == "forbidden_access" for d in error["details"])
    assert not canary.exists()
    versions = stack.client.get("/api/v1/templates/gender-equality-month/versions").get_json()
    assert versions["versions"] == [] and versions["source"] == "shipped"


def test_t4_unknown_names_are_refused_with_their_paragraph(stack):
    response = upload(stack, edited_template("Trên đây là báo cáo", "{{ config }} Trên đây"))
    error = response.get_json()["error"]
    assert response.status_code == 422
    unknown = [d for d in error["details"] if d["code"] == "unknown_variable"]
    assert unknown and "word/document.xml, đoạn" in unknown[0]["location"]


def test_a_template_that_cannot_render_the_sample_is_refused(stack):
    broken = edited_template("{{ totals.launch_events|count }}",
                             "{{ totals.launch_events|money('nope') }}")
    response = upload(stack, broken)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "template_rejected"


def test_admin_page_uploads_a_template_through_the_web_form(stack):
    import re

    from service import create_app

    client = create_app(stack.settings).test_client()  # CSRF on
    page = client.get("/admin/templates").get_data(as_text=True)
    assert "Đang dùng" in page and "mẫu gốc" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    v2 = edited_template("Trên đây là báo cáo", "Trên đây là bản sửa của báo cáo")
    response = client.post("/admin/templates", data={
        "csrf_token": token, "template": "gender-equality-month",
        "file": (io.BytesIO(v2), "mau-moi.docx")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert "Đã nhận mẫu mới" in html and "mẫu tải lên" in html
    bad = edited_template("Trên đây là báo cáo", "{{ lipsum.__globals__ }}")
    response = client.post("/admin/templates", data={
        "csrf_token": token, "template": "gender-equality-month",
        "file": (io.BytesIO(bad), "mau-xau.docx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "forbidden_access" in response.get_data(as_text=True)
