"""Cancel and rerun, history filters and the audit log, through the API and the pages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from tasks.store.records import Job, utcnow
from tests.conftest import SAMPLE, wait_for_job
from tests.service.conftest import AGENCY_A, AGENCY_B, new_client


def _form(**fields):
    form = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
            "report_date": "2023-12-04", "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}
    form.update(fields)
    return form


def _row(runtime, **values) -> Job:
    """A job row as the history would find it (no worker involved)."""
    import uuid

    fields = dict(id=str(uuid.uuid4()), template="gender-equality-month", province="hoa-binh",
                  period="2023", options={}, upload_key="uploads/x.xlsx", upload_name="x.xlsx",
                  upload_size=1, upload_sha256="0" * 64, status="succeeded")
    fields.update(values)
    return runtime.jobs.add(Job(**fields))


# -- history filters -------------------------------------------------------------------------

def test_history_filters_select_by_status_province_period_and_since(client, runtime):
    tag = f"f{utcnow().timestamp():.0f}"[-8:]
    failed = _row(runtime, status="failed", province="phu-tho", period=f"2025-{tag}")
    done = _row(runtime, status="succeeded", province="phu-tho", period=f"2025-{tag}")
    old = _row(runtime, status="failed", province="phu-tho", period=f"2025-{tag}",
               created_at=utcnow() - timedelta(days=40))
    body = client.get(f"/api/v1/jobs?status=failed&province=phu-tho&period=2025-{tag}"
                      "&per_page=100").get_json()
    assert {j["id"] for j in body["jobs"]} == {failed.id, old.id}
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    body = client.get(f"/api/v1/jobs?period=2025-{tag}&since={since}").get_json()
    assert {j["id"] for j in body["jobs"]} == {failed.id, done.id}
    assert body["total"] == 2
    page = client.get(f"/jobs?status=failed&period=2025-{tag}").get_data(as_text=True)
    assert f"/jobs/{failed.id}" in page and f"/jobs/{done.id}" not in page


BAD_SINCE = ["since=yesterday", "since=2023-13-01",
             # Years that overflow once moved to UTC, or that no job can have: a 400, never a
             # 500 (OverflowError) or a 503 (the database asked for year 1).
             "since=0001-01-01", "since=0001-01-01T00:00:00%2B14:00",
             "since=9999-12-31T23:59:59-12:00", "since=1999-12-31"]


@pytest.mark.parametrize("query", ["status=finished", *BAD_SINCE])
@pytest.mark.parametrize("path", ["/api/v1/jobs", "/jobs"])
def test_a_bad_filter_is_400_in_vietnamese(client, query, path):
    response = client.get(f"{path}?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "bad_filter"
    assert ("«Từ ngày» phải là" in error["message"]
            or "«Trạng thái» phải là một trong: Đang chờ (queued)" in error["message"])


@pytest.mark.parametrize("query", BAD_SINCE)
def test_the_audit_log_refuses_a_bad_since_too(client, query):
    response = client.get(f"/api/v1/admin/audit?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "bad_filter"


def test_next_page_link_keeps_the_filters(client, runtime):
    for _ in range(3):
        _row(runtime, status="failed", period="1999-nextlink")
    body = client.get("/api/v1/jobs?status=failed&period=1999-nextlink&per_page=2").get_json()
    assert "status=failed" in body["next"] and "period=1999-nextlink" in body["next"]


# -- cancel ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_queued_job_cancelled_never_runs(make_stack):
    stack = make_stack()  # no worker yet: the job stays queued
    job_id = stack.submit()
    response = stack.client.post(f"/api/v1/jobs/{job_id}/cancel")
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert stack.client.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200  # again: same
    stack.start_worker()
    later = stack.submit()  # served after the cancelled job's message
    assert stack.wait_finished(later).status == "succeeded"
    job = stack.job(job_id)
    assert (job.status, job.attempts, job.document_key) == ("cancelled", 0, None)
    assert stack.client.get(f"/api/v1/jobs/{job_id}/document").status_code == 409


@pytest.mark.slow
def test_a_running_job_cancelled_stops_and_offers_no_document(make_stack):
    stack = make_stack()
    stack.start_worker(REPORTGEN_FAULTS="render=sleep:4")
    job_id = stack.submit()
    stack.wait_running(job_id)
    body = stack.client.post(f"/api/v1/jobs/{job_id}/cancel").get_json()
    assert body["status"] == "cancelled" and body["document"] is None
    stack.wait_for(lambda: any(b"no longer its own" in p.read_bytes() for p in stack.logs),
                   30, "the attempt to stop")
    job = stack.job(job_id)
    assert job.status == "cancelled" and job.document_key is None
    assert stack.documents() == []
    finished = stack.client.post(f"/api/v1/jobs/{job_id}/rerun").get_json()
    assert stack.wait_finished(finished["id"]).status == "succeeded"
    response = stack.client.post(f"/api/v1/jobs/{finished['id']}/cancel")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "job_finished"


def test_cancel_and_rerun_are_for_whoever_may_see_the_job(auth_app, people):
    runtime = auth_app.extensions["reportgen"]
    job = _row(runtime, status="queued", agency=AGENCY_A)
    other = new_client(auth_app)
    response = other.post(f"/api/v1/jobs/{job.id}/cancel", headers=people["b"].bearer)
    assert response.status_code == 404
    assert other.post(f"/api/v1/jobs/{job.id}/rerun", headers=people["b"].bearer)\
        .status_code == 404
    assert runtime.jobs.get(job.id).status == "queued"
    mine = new_client(auth_app)
    response = mine.post(f"/api/v1/jobs/{job.id}/cancel", headers=people["a"].bearer)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert AGENCY_B != AGENCY_A


# -- rerun -----------------------------------------------------------------------------------

@pytest.mark.slow
def test_rerun_makes_a_new_linked_job_from_the_same_upload(worker, client, runtime):
    first = client.post("/api/v1/jobs", data=_form(report_number="7"),
                        content_type="multipart/form-data").get_json()
    original = wait_for_job(runtime, first["id"])
    response = client.post(f"/api/v1/jobs/{original.id}/rerun")
    assert response.status_code == 202
    body = response.get_json()
    assert body["rerun_of"] == original.id and body["id"] != original.id
    assert response.headers["Location"] == f"/api/v1/jobs/{body['id']}"
    again = wait_for_job(runtime, body["id"])
    assert again.status == "succeeded"
    assert again.upload_sha256 == original.upload_sha256
    assert again.upload_key != original.upload_key  # its own copy, purged on its own
    assert again.options == original.options and again.options["report_number"] == "7"
    current = runtime.templates.current("gender-equality-month",
                                        runtime.catalog.kind("gender-equality-month")
                                        .template_path)
    assert again.template_sha256 == current.sha256


def test_rerun_of_a_purged_job_is_410(client, runtime):
    job = _row(runtime, status="succeeded", purged_at=utcnow())
    response = client.post(f"/api/v1/jobs/{job.id}/rerun")
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "upload_expired"


# -- the audit log ---------------------------------------------------------------------------

@pytest.mark.slow
def test_submissions_downloads_and_cancels_are_audited(worker, client, runtime):
    created = client.post("/api/v1/jobs", data=_form(),
                          content_type="multipart/form-data").get_json()
    wait_for_job(runtime, created["id"])
    assert client.get(created["document_url"]).status_code == 200
    entries = client.get(f"/api/v1/admin/audit?target={created['id']}").get_json()["entries"]
    assert [(e["action"], e["actor"], e["via"]) for e in entries] == [
        ("job.download", "local", "local"), ("job.submit", "local", "local")]
    assert entries[0]["details"] == {"format": "docx"}
    assert entries[1]["details"]["period"] == "2023"
    page = client.get("/admin/audit?action=job.download").get_data(as_text=True)
    assert "job.download" in page and created["id"][:8] in page


def test_the_audit_log_is_for_admins(auth_app, people):
    officer = new_client(auth_app)
    assert officer.get("/api/v1/admin/audit", headers=people["a"].bearer).status_code == 403
    admin = new_client(auth_app)
    body = admin.get("/api/v1/admin/audit", headers=people["admin"].bearer).get_json()
    assert {"entries", "total", "page", "pages"} <= set(body)


def test_token_commands_are_audited_without_the_token(tmp_path, monkeypatch, data_dir,
                                                       redis_url, people):
    from click.testing import CliRunner
    from sqlalchemy import text

    from service.cli import main
    from tests.conftest import make_env

    for key, value in make_env(data_dir, redis_url).items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["tokens", "create", "--user", people["a"].username,
                                       "--name", "audit-test"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    token_id = token.split("_")[1]
    assert CliRunner().invoke(main, ["tokens", "revoke", token_id]).exit_code == 0
    from tasks.runtime import Runtime
    from tasks.settings import load_settings

    rt = Runtime(load_settings())
    actions = [(e.action, e.target, e.via) for e in rt.audit.page(1, 50, target=token_id).entries]
    assert actions == [("token.revoke", token_id, "cli"), ("token.create", token_id, "cli")]
    with rt.jobs.engine.connect() as connection:
        dump = repr(connection.execute(text("SELECT * FROM audit_log")).all())
    assert token_id in dump and token not in dump and token.split("_")[2] not in dump


def test_the_audit_log_refuses_secrets(runtime):
    from tasks.store.audit import AuditError

    with pytest.raises(AuditError):
        runtime.audit.record("x", "token.create", "t", {"password": "hunter22"})
    with pytest.raises(AuditError):
        runtime.audit.record("x", "token.create", "t", {"note": "rg_0123456789ab_" + "A" * 43})
    entry = runtime.audit.record("x", "token.create", "t", {"token_id": "0123456789ab"})
    assert entry.id is not None


def test_reruns_count_against_the_submission_rate(auth_settings, people):
    from service import create_app

    app = create_app(auth_settings(REPORTGEN_SUBMIT_RATE="1/minute"))
    job = _row(app.extensions["reportgen"], status="failed", agency=AGENCY_A)
    client = new_client(app)
    first = client.post(f"/api/v1/jobs/{job.id}/rerun", headers=people["a"].bearer)
    assert first.status_code == 410  # its upload is not there: refused, but counted
    second = client.post(f"/api/v1/jobs/{job.id}/rerun", headers=people["a"].bearer)
    assert second.status_code == 429 and second.headers["Retry-After"]


def test_the_history_does_not_claim_a_pdf_state_it_did_not_look_up(client, runtime):
    job = _row(runtime, status="succeeded", document_key="documents/x.docx",
               document_name="x.docx", document_size=1, document_sha256="1" * 64,
               period="1999-pdfstate")
    listed = client.get("/api/v1/jobs?period=1999-pdfstate").get_json()["jobs"][0]
    assert "pdf" not in listed["document"]
    assert listed["document"]["pdf_url"].endswith(f"/jobs/{job.id}/document?format=pdf")
    single = client.get(f"/api/v1/jobs/{job.id}").get_json()
    assert single["document"]["pdf"]["status"] == "none"
