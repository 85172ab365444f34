"""Web threats W5–W9 (docs/faults.md) on a site that requires sign-in: headers, rate limits in
Redis, request size limits, error hygiene, method strictness."""

from __future__ import annotations

import dataclasses
import io
import logging
import uuid

import pytest
from sqlalchemy import text

from service import create_app
from service.ratelimit import storage_uri
from tasks.settings import SettingsError, load_settings
from tests.conftest import make_env, wait_for_job
from tests.service.conftest import csrf_of, job_form, new_client, sign_in, snapshot

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fresh_token(app, user: str = "test-a") -> dict[str, str]:
    """A token of its own, so that the rate-limit counts of one test start at zero."""
    _, token = app.extensions["reportgen"].accounts.create_token(user, "rate")
    return {"Authorization": f"Bearer {token}"}


def assert_page_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


# W5: headers.

def test_pages_carry_security_headers_and_a_strict_session_cookie(auth_app, people):
    client = new_client(auth_app)
    login = client.get("/login")
    assert_page_headers(login)
    response = sign_in(client, people["a"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert_page_headers(client.get("/"))
    assert_page_headers(client.get("/jobs"))


def test_secure_cookies_over_tls(auth_settings, people):
    client = new_client(create_app(auth_settings(REPORTGEN_SECURE_COOKIES="1")))
    response = client.get("/login", base_url="https://reports.example.vn")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.slow
def test_the_document_download_carries_its_headers(people, worker, auth_app):
    client = new_client(auth_app)
    body = client.post("/api/v1/jobs", data=job_form(), headers=people["a"].bearer).get_json()
    assert wait_for_job(auth_app.extensions["reportgen"], body["id"]).status == "succeeded"
    response = client.get(body["document_url"], headers=people["a"].bearer)
    assert response.status_code == 200 and response.mimetype == DOCX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    assert_page_headers(response)


def test_untrusted_host_is_400(auth_settings, people):
    app = create_app(auth_settings(REPORTGEN_TRUSTED_HOSTS="reports.example.vn, localhost"))
    client = new_client(app)
    for path in ("/login", "/api/v1/health"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
        assert response.get_json()["error"]["code"] == "bad_request"
        assert client.get(path, headers={"Host": "reports.example.vn"}).status_code == 200


# W6: rate limits counted in Redis.

def test_the_fourth_submission_in_a_minute_is_429_with_retry_after(auth_settings, people):
    app = create_app(auth_settings(REPORTGEN_SUBMIT_RATE="3/minute"))
    client, headers = new_client(app), fresh_token(app)
    for _ in range(3):
        response = client.post("/api/v1/jobs", data=job_form(), headers=headers)
        assert response.status_code == 202, response.get_json()
    before = snapshot(app.extensions["reportgen"])
    response = client.post("/api/v1/jobs", data=job_form(), headers=headers)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert snapshot(app.extensions["reportgen"]) == before
    # Another client is counted apart; reading is not a submission.
    assert client.get("/api/v1/jobs", headers=headers).status_code == 200
    other = client.post("/api/v1/jobs", data=job_form(period="2019"),
                        headers=fresh_token(app, "test-b"))
    assert other.status_code == 422


def test_two_app_processes_share_one_count_in_redis(auth_settings, people):
    first = create_app(auth_settings(REPORTGEN_SUBMIT_RATE="3/minute"))
    second = create_app(auth_settings(REPORTGEN_SUBMIT_RATE="3/minute"))
    headers = fresh_token(first)
    invalid = {"period": "2019"}  # refused (422) but counted: no job is queued by this test
    for app in (first, second, second):
        response = new_client(app).post("/api/v1/jobs", data=job_form(**invalid),
                                         headers=headers)
        assert response.status_code == 422
    for app in (first, second):
        response = new_client(app).post("/api/v1/jobs", data=job_form(**invalid),
                                        headers=headers)
        assert response.status_code == 429


def test_probing_job_ids_is_404_then_rate_limited(auth_settings, people):
    app = create_app(auth_settings(REPORTGEN_REQUEST_RATE="20/minute"))
    client, headers = new_client(app), fresh_token(app)
    codes = [client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=headers).status_code
             for _ in range(30)]
    assert codes == [404] * 20 + [429] * 10


def someone(people) -> object:
    """A name nobody has, new each time: what stops its guesses is the address, not the
    account (accounts have a back-off of their own, tested in test_sessions)."""
    return dataclasses.replace(people["a"], username=f"khach-{uuid.uuid4().hex[:8]}")


def test_login_attempts_are_limited_per_address(auth_app, people):
    client = new_client(auth_app)
    codes = [sign_in(client, someone(people), password=f"đoán {n}").status_code
             for n in range(11)]
    assert codes == [422] * 10 + [429]
    assert "Retry-After" in sign_in(client, people["a"]).headers


def test_behind_a_proxy_each_client_address_is_counted_apart(auth_settings, people):
    app = create_app(auth_settings(REPORTGEN_PROXY_HOPS="1"))
    client = new_client(app)  # one proxy address for everyone

    def attempt(client_address: str) -> int:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
        return sign_in(client, someone(people), password="đoán").status_code

    assert [attempt("203.0.113.7") for _ in range(11)] == [422] * 10 + [429]
    assert attempt("198.51.100.7") == 422


def test_memory_storage_is_refused_outside_tests(auth_settings, people):
    with pytest.raises(SettingsError, match="memory://"):
        create_app(auth_settings(), {"RATELIMIT_STORAGE_URI": "memory://"})
    assert create_app(auth_settings(), {"RATELIMIT_STORAGE_URI": "memory://", "TESTING": True})


def test_the_limiter_uses_the_brokers_redis():
    assert storage_uri("redis+socket:///var/rg/redis/redis.sock") == \
        "redis+unix:///var/rg/redis/redis.sock"
    assert storage_uri("redis+socket:///s/redis.sock?virtual_host=3") == \
        "redis+unix:///s/redis.sock?db=3"
    assert storage_uri("redis://redis:6379/0") == "redis://redis:6379/0"


def test_with_redis_down_the_limiter_warns_and_counts_in_memory(auth_settings, people, caplog):
    app = create_app(auth_settings(REPORTGEN_SUBMIT_RATE="2/minute"),
                     {"RATELIMIT_STORAGE_URI": "redis+unix:///nonexistent/redis.sock"})
    client, headers = new_client(app), fresh_token(app)
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        assert client.get("/api/v1/jobs", headers=headers).status_code == 200
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)
    codes = [client.post("/api/v1/jobs", data=job_form(period="2019"),
                         headers=headers).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    assert client.get("/api/v1/jobs", headers=headers).status_code == 200


# W7: request size, form parts, files.

def test_multipart_abuse_is_refused_with_json_and_creates_nothing(auth_app, people):
    client = new_client(auth_app)
    runtime = auth_app.extensions["reportgen"]
    before = snapshot(runtime)
    headers = people["a"].bearer

    many_parts = {f"f{i}": "x" for i in range(1001)}
    response = client.post("/api/v1/jobs", data=many_parts, headers=headers,
                           content_type="multipart/form-data")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"

    big_field = job_form(signer_name="x" * 600 * 1024)
    response = client.post("/api/v1/jobs", data=big_field, headers=headers)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"

    two_files = job_form()
    two_files["data"] = [two_files["data"], (io.BytesIO(b"a;b\r\n"), "b.csv")]
    response = client.post("/api/v1/jobs", data=two_files, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "too_many_files"

    response = client.post("/api/v1/jobs", data=b"--x\r\n\r\n", headers=headers,
                           content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400 and response.is_json
    assert snapshot(runtime) == before


def test_urlencoded_bodies_are_bounded_like_a_form_field(auth_app, people):
    # Werkzeug parses a urlencoded body whole: it must not get the upload's 20 MB.
    client = new_client(auth_app)
    big = {"username": "test-a", "password": "x" * 100 * 1024}
    login = client.post("/login", data=big)
    assert login.status_code == 413 and login.mimetype == "text/html"
    api = client.post("/api/v1/jobs", data={"template": "x" * 100 * 1024},
                      headers=people["a"].bearer)
    assert api.status_code == 413 and api.get_json()["error"]["code"] == "too_large"


# W8: errors.

def test_an_unexpected_error_answers_without_traceback_or_paths(auth_settings, caplog):
    app = create_app(auth_settings())

    def explode():
        raise RuntimeError(f"internal detail at {__file__}")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    app.add_url_rule("/explode", "explode_page", explode)
    client = new_client(app)
    with caplog.at_level(logging.ERROR):
        api = client.get("/api/v1/explode")
        page = client.get("/explode", headers={"Accept": "text/html"})
    # A fault of the service itself: 500 with a reference, and nothing of its insides.
    assert api.status_code == page.status_code == 500
    assert api.get_json()["error"]["code"] == "internal_error"
    assert page.mimetype == "text/html"
    for body in (api.get_data(as_text=True), page.get_data(as_text=True)):
        assert "Traceback" not in body and "/work/" not in body
        assert "internal detail" not in body and ".py" not in body
    ref = api.get_json()["error"]["message"].rsplit(" ", 1)[1].rstrip(")")
    assert any(ref in r.getMessage() for r in caplog.records)  # operators can find it


def test_a_broken_database_answers_without_sql(tmp_path, redis_url):
    app = create_app(load_settings(make_env(tmp_path, redis_url)))
    client = app.test_client()
    assert client.get("/api/v1/jobs").status_code == 200
    with app.extensions["reportgen"].jobs.engine.begin() as conn:
        conn.execute(text("DROP TABLE jobs"))
    api = client.get("/api/v1/jobs")
    page = client.get("/jobs", headers={"Accept": "text/html"})
    # Not the request's fault: 503, to be tried again, and never a word of the SQL.
    assert api.status_code == page.status_code == 503
    assert api.get_json()["error"]["code"] == "storage_unavailable"
    for body in (api.get_data(as_text=True), page.get_data(as_text=True)):
        for leak in ("SELECT", "no such table", "sqlite", "Traceback", str(tmp_path)):
            assert leak not in body


def test_debug_is_off_whatever_the_environment_says(auth_settings, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app(auth_settings()).debug is False


# W9: methods.

@pytest.mark.parametrize("method, path", [
    ("PUT", "/api/v1/jobs"), ("DELETE", "/api/v1/jobs"),
    ("PATCH", "/api/v1/jobs/5f0c7a52-8d0e-4d7a-9a41-2b1f3c6e9d01"),
    ("DELETE", "/api/v1/jobs/0b9e6f3a-1c2d-4e5f-8a7b-9c0d1e2f3a4b"),
])
def test_unsupported_methods_are_405_json(auth_app, people, method, path):
    response = new_client(auth_app).open(path, method=method, headers=people["a"].bearer)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_web_form_post_is_limited_like_the_api(auth_settings, people):
    app = create_app(auth_settings(REPORTGEN_SUBMIT_RATE="1/minute"))
    client = new_client(app)
    sign_in(client, people["b"])
    token = csrf_of(client.get("/").get_data(as_text=True))
    codes = [client.post("/", data=job_form(csrf_token=token, period="2019"),
                         content_type="multipart/form-data").status_code for _ in range(2)]
    assert codes == [422, 429]
    assert client.get("/").status_code == 200
