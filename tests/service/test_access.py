"""Access: agencies see only their jobs (W3), API tokens (W4), cookie vs token (W1), login,
roles, the single-user loopback mode, and the account commands. The W faults: docs/faults.md."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import text

from service import create_app
from service.cli import main
from tasks.runtime import Runtime
from tasks.settings import SettingsError, load_settings
from tasks.store.records import Job
from tests.conftest import REPORTGEN, SAMPLE, make_env, running_web, wait_for_job
from tests.service.conftest import (
    AGENCY_A,
    AGENCY_B,
    PASSWORD,
    csrf_of,
    job_form,
    new_client,
    sign_in,
    snapshot,
)
from tests.service.test_cli import JOB

MISSING = {"error": {"code": "job_not_found", "message": "Không tìm thấy yêu cầu lập báo cáo này.",
                     "details": []}}


def add_job(runtime, agency: str | None, user: str) -> str:
    """A finished-looking job row of ``agency``, straight into the table."""
    job_id = str(uuid.uuid4())
    runtime.jobs.add(Job(id=job_id, template="gender-equality-month", province="hoa-binh",
                         period="2023", options={}, upload_key=f"uploads/{job_id}.xlsx",
                         upload_name="s.xlsx", upload_size=1, upload_sha256="0" * 64,
                         agency=agency, created_by=user))
    return job_id


# W3: other agencies' jobs do not exist for you.

@pytest.mark.slow
def test_another_agency_gets_404_for_status_and_document_like_a_missing_job(
        people, worker, auth_app):
    a, b, admin = people["a"], people["b"], people["admin"]
    client = new_client(auth_app)
    created = client.post("/api/v1/jobs", data=job_form(), headers=a.bearer)
    assert created.status_code == 202, created.get_json()
    body = created.get_json()
    job = wait_for_job(auth_app.extensions["reportgen"], body["id"])
    assert (job.status, job.agency, job.created_by) == ("succeeded", AGENCY_A, a.username)

    assert client.get(body["status_url"], headers=a.bearer).status_code == 200
    assert client.get(body["document_url"], headers=a.bearer).status_code == 200
    assert client.get(body["document_url"], headers=admin.bearer).status_code == 200
    missing = f"/api/v1/jobs/{uuid.uuid4()}"
    for url in (body["status_url"], body["document_url"], missing, missing + "/document"):
        response = client.get(url, headers=b.bearer)
        assert (response.status_code, response.get_json()) == (404, MISSING), url

    pages = new_client(auth_app)
    sign_in(pages, b)
    assert pages.get(f"/jobs/{body['id']}").status_code == 404
    assert pages.get(f"/jobs/{body['id']}/status").status_code == 404
    assert pages.get(f"/jobs/{body['id']}/document").status_code == 404


def test_history_lists_the_agency_jobs_and_admin_sees_all(auth_app, people):
    runtime = auth_app.extensions["reportgen"]
    of_a = add_job(runtime, AGENCY_A, "test-a")
    of_b = add_job(runtime, AGENCY_B, "test-b")
    local = add_job(runtime, None, "local")
    client = new_client(auth_app)

    def listed(person) -> set[str]:
        body = client.get("/api/v1/jobs?per_page=100", headers=person.bearer).get_json()
        return {j["id"] for j in body["jobs"]}

    assert of_a in listed(people["a"]) and not {of_b, local} & listed(people["a"])
    assert of_b in listed(people["b"]) and not {of_a, local} & listed(people["b"])
    assert {of_a, of_b, local} <= listed(people["admin"])
    a_total = client.get("/api/v1/jobs", headers=people["a"].bearer).get_json()["total"]
    assert a_total == runtime.jobs.page(1, 1, agency=AGENCY_A).total

    sign_in(client, people["b"])
    page = client.get("/jobs").get_data(as_text=True)
    assert f"/jobs/{of_b}" in page and f"/jobs/{of_a}" not in page


def test_web_form_submission_belongs_to_the_signed_in_officer(people, worker, auth_app):
    client = new_client(auth_app)
    sign_in(client, people["b"])
    page = client.get("/").get_data(as_text=True)
    assert "test-b" in page and "Đăng xuất" in page
    response = client.post("/", data=job_form(csrf_token=csrf_of(page)),
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    job = auth_app.extensions["reportgen"].jobs.get(job_id)
    assert (job.agency, job.created_by) == (AGENCY_B, "test-b")
    # The page links its own routes: the API would refuse the browser's cookie.
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'data-status-url="/jobs/{job_id}/status"' in page
    assert client.get(f"/jobs/{job_id}/status").get_json()["id"] == job_id


# W4: tokens.

def _bad_tokens(people, auth_app):
    accounts = auth_app.extensions["reportgen"].accounts
    revoked_id, revoked = accounts.create_token("test-a", "revoked")
    accounts.revoke_token(revoked_id)
    expired_id, expired = accounts.create_token("test-a", "expired", expires_days=1)
    with accounts.session() as s, s.begin():
        s.execute(text("UPDATE api_tokens SET expires_at = '2000-01-01 00:00:00' "
                       "WHERE id = :id"), {"id": expired_id})
    good = people["a"].token
    return {
        "malformed": "Bearer not-a-token",
        "empty bearer": "Bearer ",
        "basic scheme": "Basic dGVzdC1hOnBhc3N3b3Jk",
        "token without scheme": good,
        "wrong secret": "Bearer " + good[:-6] + ("B" * 6 if good.endswith("A" * 6) else "A" * 6),
        "unknown id": "Bearer rg_000000000000_" + good.split("_", 2)[2],
        "revoked": f"Bearer {revoked}",
        "expired": f"Bearer {expired}",
    }


def test_missing_token_is_401_with_a_bearer_challenge(auth_app, people):
    client = new_client(auth_app)
    before = snapshot(auth_app.extensions["reportgen"])
    for method, url in (("GET", "/api/v1/jobs"), ("GET", "/api/v1/templates"),
                        ("POST", "/api/v1/jobs"), ("POST", "/api/v1/validate")):
        response = client.open(url, method=method, data=job_form() if method == "POST" else None)
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="reportgen"'
        assert response.get_json()["error"]["code"] == "token_required"
    assert snapshot(auth_app.extensions["reportgen"]) == before
    assert client.get("/api/v1/health").status_code == 200  # health checks need no token


def test_bad_tokens_are_401_invalid_token(auth_app, people):
    client = new_client(auth_app)
    for case, header in _bad_tokens(people, auth_app).items():
        response = client.get("/api/v1/jobs", headers={"Authorization": header})
        assert response.status_code == 401, case
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"], case
        assert response.get_json()["error"]["code"] == "invalid_token", case
    assert client.get("/api/v1/jobs", headers=people["a"].bearer).status_code == 200


def test_a_token_in_the_query_string_is_not_accepted(auth_app, people):
    client = new_client(auth_app)
    token = people["a"].token
    for name in ("access_token", "token"):
        response = client.get(f"/api/v1/jobs?{name}={token}")
        assert response.status_code == 401
        assert token not in response.get_data(as_text=True)


def test_admin_endpoints_are_403_for_officers(auth_app, people):
    client = new_client(auth_app)
    for url in ("/api/v1/admin/tokens", "/api/v1/admin/users"):
        assert client.get(url).status_code == 401
        response = client.get(url, headers=people["a"].bearer)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"
    tokens = client.get("/api/v1/admin/tokens", headers=people["admin"].bearer)
    assert tokens.status_code == 200
    listed = {t["id"]: t for t in tokens.get_json()["tokens"]}
    assert listed[people["b"].token_id]["user"] == "test-b"
    assert people["b"].token.split("_", 2)[2] not in tokens.get_data(as_text=True)
    assert "sha256" not in tokens.get_data(as_text=True)
    users = client.get("/api/v1/admin/users", headers=people["admin"].bearer).get_json()
    assert {"username": "test-a", "role": "officer", "agency": AGENCY_A} \
        .items() <= next(u for u in users["users"] if u["username"] == "test-a").items()
    assert "password" not in str(users)


# W1: the session cookie and the CSRF token.

def test_api_ignores_the_session_cookie(auth_app, people):
    client = new_client(auth_app)
    assert sign_in(client, people["a"]).status_code == 303
    assert client.get("/").status_code == 200  # the cookie works for pages
    runtime = auth_app.extensions["reportgen"]
    before = snapshot(runtime)
    response = client.post("/api/v1/jobs", data=job_form(), content_type="multipart/form-data",
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/jobs").status_code == 401
    assert snapshot(runtime) == before


def test_form_post_without_or_with_a_foreign_csrf_token_is_400(auth_app, people):
    runtime = auth_app.extensions["reportgen"]
    client, other = new_client(auth_app), new_client(auth_app)
    sign_in(client, people["a"])
    sign_in(other, people["a"])
    foreign = csrf_of(other.get("/").get_data(as_text=True))
    before = snapshot(runtime)
    for extra in ({}, {"csrf_token": foreign}, {"csrf_token": "forged"}):
        response = client.post("/", data=job_form(**extra), content_type="multipart/form-data")
        assert response.status_code == 400, extra
    assert snapshot(runtime) == before


# Login and pages.

def test_pages_need_a_login_that_returns_where_you_were(auth_app, people):
    client = new_client(auth_app)
    response = client.get("/jobs?page=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/jobs?page%3D2"
    assert client.get("/jobs/x/document").status_code == 303
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Mật khẩu" in page
    response = client.post("/login?next=/jobs", data={
        "csrf_token": csrf_of(page), "username": "test-a", "password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (303, "/jobs")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_wrong_password_opens_no_session(auth_app, people):
    client = new_client(auth_app)
    response = sign_in(client, people["a"], password="sai mật khẩu")
    assert response.status_code == 422
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/").status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "/\t/evil.example", "javascript:x"])
def test_login_does_not_redirect_off_site(auth_app, people, target):
    client = new_client(auth_app)
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", query_string={"next": target}, data={
        "csrf_token": csrf_of(page), "username": "test-a", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_is_a_csrf_protected_post(auth_app, people):
    client = new_client(auth_app)
    sign_in(client, people["a"])
    page = client.get("/").get_data(as_text=True)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: still signed in
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 303
    assert client.get("/").status_code == 303


# Modes.

def test_single_user_loopback_mode_needs_no_login_and_acts_as_local(client, runtime):
    assert client.get("/api/v1/jobs").status_code == 200
    assert client.get("/login").headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Đăng xuất" not in page
    response = client.post("/api/v1/jobs", data=job_form(), content_type="multipart/form-data")
    job = runtime.jobs.get(response.get_json()["id"])
    assert (job.agency, job.created_by) == (None, "local")


@pytest.mark.parametrize("env, required", [
    ({}, False), ({"REPORTGEN_HOST": "localhost"}, False), ({"REPORTGEN_HOST": "::1"}, False),
    ({"REPORTGEN_HOST": "0.0.0.0"}, True), ({"REPORTGEN_HOST": "192.168.1.10"}, True),
    ({"REPORTGEN_AUTH": "required"}, True),
])
def test_sign_in_is_required_off_loopback(tmp_path, env, required):
    assert load_settings({"REPORTGEN_DATA_DIR": str(tmp_path), **env}).auth_required is required


def test_sign_in_cannot_be_switched_off(tmp_path):
    with pytest.raises(SettingsError, match="REPORTGEN_AUTH"):
        load_settings({"REPORTGEN_DATA_DIR": str(tmp_path), "REPORTGEN_AUTH": "off",
                       "REPORTGEN_HOST": "0.0.0.0"})


# The account commands.

def test_users_and_tokens_commands(tmp_path, monkeypatch, redis_url):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cli = CliRunner()
    result = cli.invoke(main, ["users", "create", "--username", "chi.tran", "--role", "officer",
                               "--agency", AGENCY_A], input="mật khẩu 1\nmật khẩu 1\n")
    assert result.exit_code == 0, result.output
    assert "mật khẩu 1" not in result.output
    result = cli.invoke(main, ["users", "create", "--username", "root", "--role", "admin",
                               "--password-stdin"], input="mật khẩu 2\n")
    assert result.exit_code == 0, result.output
    again = cli.invoke(main, ["users", "create", "--username", "root", "--role", "admin",
                              "--password-stdin"], input="mật khẩu 3\n")
    assert again.exit_code == 2 and "already exists" in again.output
    officer = cli.invoke(main, ["users", "create", "--username", "x", "--role", "officer",
                                "--password-stdin"], input="mật khẩu 4\n")
    assert officer.exit_code == 2 and "agency" in officer.output
    listed = cli.invoke(main, ["users", "list"]).output
    assert "chi.tran" in listed and AGENCY_A in listed and "root" in listed

    created = cli.invoke(main, ["tokens", "create", "--user", "chi.tran", "--name", "script",
                                "--expires-days", "30"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    token_id = token.split("_")[1]
    assert created.stdout.count(token) == 1 and "not shown again" in created.stderr
    listed = cli.invoke(main, ["tokens", "list"]).output
    assert token_id in listed and "active" in listed and token.split("_", 2)[2] not in listed
    assert cli.invoke(main, ["tokens", "create", "--user", "ghost"]).exit_code == 2

    settings = load_settings(make_env(tmp_path / "var", redis_url, REPORTGEN_AUTH="required"))
    with Runtime(settings).accounts.engine.connect() as conn:
        row = " ".join(map(str, conn.execute(text("SELECT * FROM api_tokens")).one()))
    assert token.split("_", 2)[2] not in row  # the database holds only a hash
    client = new_client(create_app(settings))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/jobs", headers=headers).status_code == 200

    revoked = cli.invoke(main, ["tokens", "revoke", token_id])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in cli.invoke(main, ["tokens", "list"]).output
    assert client.get("/api/v1/jobs", headers=headers).status_code == 401
    assert cli.invoke(main, ["tokens", "revoke", "ffffffffffff"]).exit_code == 2


@pytest.fixture()
def auth_server(people, worker, data_dir, redis_url, tmp_path):
    """`reportgen web` requiring sign-in, its output (the access log) kept in a file."""
    log = tmp_path / "web.log"
    env = make_env(data_dir, redis_url, REPORTGEN_AUTH="required")
    with running_web(env, log) as (url, process):
        yield url, log, process


@pytest.mark.slow
def test_submit_sends_the_token_and_the_server_never_logs_one(auth_server, people, tmp_path):
    url, log, process = auth_server
    token = people["a"].token
    assert requests.get(f"{url}/api/v1/jobs?access_token={token}", timeout=5).status_code == 401

    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    command = [REPORTGEN, "submit", "--server", url, *JOB, "--data", str(SAMPLE)]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "token_required" in refused.stderr
    done = subprocess.run([*command, "--wait", "--output", str(tmp_path)],
                          env={**env, "REPORTGEN_TOKEN": token}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip().splitlines()[-1]).suffix == ".docx"
    assert token not in done.stdout + done.stderr

    os.killpg(process.pid, signal.SIGTERM)
    process.wait(15)
    written = log.read_text()
    assert '"GET /api/v1/jobs HTTP/1.1" 401' in written  # the line is there, the query is not
    assert "POST /api/v1/jobs" in written
    assert token.split("_", 2)[2] not in written and "access_token" not in written


def test_template_admin_is_for_admins_only(auth_app, people):
    officer = new_client(auth_app)
    sign_in(officer, people["a"])
    assert officer.get("/admin/templates").status_code == 403
    upload = officer.post("/api/v1/templates/gender-equality-month/versions",
                          headers=people["a"].bearer,
                          data={"template": (io.BytesIO(b"x"), "t.docx")},
                          content_type="multipart/form-data")
    assert upload.status_code == 403
    admin = new_client(auth_app)
    sign_in(admin, people["admin"])
    assert admin.get("/admin/templates").status_code == 200
