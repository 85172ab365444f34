"""Templates and whole kinds uploaded by admins: tried by a worker before use, pinned by each
job, rolled back by activating an earlier version (T1, T4, T8 of docs/faults.md)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tasks.report.bundles import folder_files, pack
from tasks.settings import REPO_ROOT
from tests.conftest import docx_text

pytestmark = pytest.mark.slow
KIND = "gender-equality-month"
FOLDER = REPO_ROOT / "doc_templates" / KIND
SHIPPED = FOLDER / "template.docx"


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
    return stack.client.post(f"/api/v1/templates/{KIND}/versions",
                             data={"template": (io.BytesIO(data), "mau.docx")},
                             content_type="multipart/form-data")


def upload_bundle(stack, files: dict[str, bytes]):
    return stack.client.post("/api/v1/kinds", data={"bundle": (io.BytesIO(pack(files)), "k.zip")},
                             content_type="multipart/form-data")


def versions(stack) -> dict:
    return stack.client.get(f"/api/v1/kinds/{KIND}/versions").get_json()


def renamed_kind(slug: str, title: str) -> dict[str, bytes]:
    files = folder_files(FOLDER)
    text = files["kind.toml"].decode()
    text = re.sub(r'^slug = ".*"$', f'slug = "{slug}"', text, count=1, flags=re.M)
    text = re.sub(r'^title = ".*"$', f'title = "{title}"', text, count=1, flags=re.M)
    return {**files, "kind.toml": text.encode()}


def document_text(stack, job_id: str) -> str:
    assert stack.wait_finished(job_id).status == "succeeded", stack.job(job_id).errors
    return docx_text(stack.client.get(f"/api/v1/jobs/{job_id}/document").data)


def test_t8_a_job_keeps_the_version_it_was_submitted_with_and_rollback_works(stack):
    stack.start_worker()
    shipped = versions(stack)["current"]
    before = stack.submit()
    response = upload(stack, edited_template("{{ report.closing }}",
                                             "BẢN MỚI. {{ report.closing }}"))
    assert response.status_code == 201, response.get_json()
    v2 = response.get_json()
    assert (v2["state"], v2["current"], v2["origin"]) == ("accepted", True, "uploaded")
    after = stack.submit()
    assert stack.job(before).kind_sha256 == shipped != stack.job(after).kind_sha256 == v2["sha256"]
    assert "BẢN MỚI" not in document_text(stack, before)
    assert "BẢN MỚI. Trên đây là báo cáo" in document_text(stack, after)
    listed = versions(stack)
    assert listed["current"] == v2["sha256"]
    assert [v["origin"] for v in listed["versions"]] == ["uploaded", "shipped"]
    assert listed["versions"][0]["uploaded_by"] == "local"
    rollback = stack.client.post(f"/api/v1/kinds/{KIND}/versions/{shipped}/activate")
    assert rollback.status_code == 200 and rollback.get_json()["current"] is True
    assert versions(stack)["current"] == shipped
    last = stack.submit()
    assert stack.job(last).kind_sha256 == shipped
    assert "BẢN MỚI" not in document_text(stack, last)
    bundle = stack.client.get(v2["bundle_url"])
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as z:
        assert {"kind.toml", "template.docx", "sample.xlsx"} <= set(z.namelist())


def test_t1_a_template_reaching_python_internals_is_refused_and_runs_nothing(stack, tmp_path):
    stack.start_worker()
    canary = tmp_path / "pwned"
    # Every name is one the kind defines, so the web passes it on; the worker's lint refuses.
    payload = ("{{ report.closing.__class__.__mro__[1].__subclasses__()[0]"
               ".__init__.__globals__['os'].popen('touch %s').read() }}" % canary)
    response = upload(stack, edited_template("{{ report.closing }}", payload))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "template_rejected"
    assert any(d["code"] == "forbidden_access" for d in error["details"]), error
    assert not canary.exists()
    listed = versions(stack)
    assert [(v["origin"], v["state"]) for v in listed["versions"]] == \
        [("uploaded", "rejected"), ("shipped", "accepted")]
    assert listed["current"] == listed["versions"][1]["sha256"]


def test_t4_unknown_names_are_refused_by_the_web_before_anything_is_stored(stack):
    response = upload(stack, edited_template("{{ report.closing }}", "{{ config }}"))
    error = response.get_json()["error"]
    assert response.status_code == 422
    unknown = [d for d in error["details"] if d["code"] == "kind_unknown_name"]
    assert unknown and unknown[0]["file"] == "template.docx"
    assert unknown[0]["key"] == "word/document.xml" and "config" in unknown[0]["message"]
    assert [v["origin"] for v in versions(stack)["versions"]] == ["shipped"]


def test_a_template_that_cannot_render_the_sample_is_refused_by_the_worker(stack):
    stack.start_worker()
    broken = edited_template("{{ totals.launch_events|qty }}",
                             "{{ totals.launch_events|money('nope') }}")
    response = upload(stack, broken)
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert any(d["code"] == "template_value" for d in details), details


def test_without_a_worker_the_upload_answers_202_and_is_tried_later(stack):
    import service.kind_upload as kind_upload

    kind_upload.TRIAL_WAIT, saved = 1.0, kind_upload.TRIAL_WAIT
    try:
        response = upload(stack, edited_template("{{ report.closing }}",
                                                 "SAU. {{ report.closing }}"))
    finally:
        kind_upload.TRIAL_WAIT = saved
    assert response.status_code == 202
    version = response.get_json()
    assert version["state"] == "checking" and response.headers["Location"]
    stack.start_worker()
    done = stack.client.get(f"{version['status_url']}?wait=30").get_json()
    assert (done["state"], done["current"]) == ("accepted", True)


def test_a_new_kind_is_added_by_bundle_and_serves_jobs(stack):
    stack.start_worker()
    response = upload_bundle(stack, renamed_kind("tong-hop-thu", "Báo cáo tổng hợp thử"))
    assert response.status_code == 201, response.get_json()
    kinds = {k["slug"]: k for k in stack.client.get("/api/v1/templates").get_json()["templates"]}
    assert kinds["tong-hop-thu"]["title"] == "Báo cáo tổng hợp thử"
    job = stack.submit(template="tong-hop-thu")
    assert "361 triệu đồng" in document_text(stack, job)


@pytest.mark.parametrize("edit, key", [
    (lambda t: t.replace('type = "money"', 'type = "currency"', 1), "sheets[1].columns[3].type"),
    (lambda t: t.replace('verb = "In và cấp phát"\n', ""), "rules[1].verb"),
])
def test_a_malformed_bundle_is_refused_with_file_and_key(stack, edit, key):
    files = renamed_kind("hong", "Hỏng")
    files["kind.toml"] = edit(files["kind.toml"].decode()).encode()
    response = upload_bundle(stack, files)
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert any(d["file"] == "kind.toml" and d["key"] == key for d in details), details


def test_a_bundle_with_a_path_in_it_is_refused(stack):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("../../kind.toml", b"x")
    response = stack.client.post("/api/v1/kinds", data={"bundle": (io.BytesIO(out.getvalue()),
                                                                   "k.zip")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "bad_bundle"


def test_admin_page_uploads_a_template_and_rolls_back(stack):
    from service import create_app

    stack.start_worker()
    client = create_app(stack.settings).test_client()  # CSRF on
    page = client.get("/admin/templates").get_data(as_text=True)
    assert "(đang dùng)" in page and "bản phát hành" in page
    token = re.search(r'name="t-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    v2 = edited_template("{{ report.closing }}", "BẢN SỬA. {{ report.closing }}")
    response = client.post("/admin/templates", data={
        "t-csrf_token": token, "t-template": KIND,
        "t-file": (io.BytesIO(v2), "mau-moi.docx")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 201, html[:3000]
    assert "Đã nhận" in html and "tải lên" in html
    shipped = next(v for v in versions(stack)["versions"] if v["origin"] == "shipped")
    form = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    back = client.post(f"/admin/kinds/{KIND}/versions/{shipped['sha256']}/activate",
                       data={"csrf_token": form})
    assert back.status_code == 303
    assert versions(stack)["current"] == shipped["sha256"]
    bad = edited_template("{{ report.closing }}", "{{ lipsum.__globals__ }}")
    response = client.post("/admin/templates", data={
        "t-csrf_token": token, "t-template": KIND,
        "t-file": (io.BytesIO(bad), "mau-xau.docx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Chưa nhận" in response.get_data(as_text=True)
