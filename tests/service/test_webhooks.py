"""Signed callbacks: a loopback receiver that checks the signature itself, refuses the first
try of each job, and sees exactly one accepted delivery per job; and the URL rules."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tasks.webhooks import DELIVER_TASK, CallbackRefused, check_callback_url, resolve

SECRET = "callback-secret-for-tests"


class Receiver:
    """An HTTP server on 127.0.0.1 recording every POST; answers 503 to the first of a job."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (the name http.server calls)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Reportgen-Timestamp"]
                expected = "sha256=" + hmac.new(SECRET.encode(), f"{timestamp}.".encode()
                                                + body, hashlib.sha256).hexdigest()
                job = json.loads(body)
                with receiver.lock:
                    first = not any(r["job"]["id"] == job["id"] for r in receiver.requests)
                    receiver.requests.append({
                        "job": job, "delivery": self.headers["X-Reportgen-Delivery"],
                        "valid": hmac.compare_digest(expected,
                                                     self.headers["X-Reportgen-Signature"]),
                        "accepted": not first, "path": self.path})
                self.send_response(503 if first else 204)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?site=hb"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of(self, job_id: str) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if r["job"]["id"] == job_id]

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture()
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.mark.slow
def test_each_job_is_delivered_once_signed_despite_a_refused_first_try(make_stack, receiver):
    stack = make_stack(REPORTGEN_WEBHOOK_HOSTS="127.0.0.1", REPORTGEN_WEBHOOK_SECRET=SECRET,
                       REPORTGEN_WEBHOOK_BACKOFF="1")
    stack.start_worker()
    jobs = [stack.submit(callback_url=receiver.url) for _ in range(2)]
    stack.wait_for(lambda: all(any(r["accepted"] for r in receiver.of(j)) for j in jobs), 60,
                   "both callbacks to be accepted")
    for job_id in jobs:
        seen = receiver.of(job_id)
        assert [r["accepted"] for r in seen] == [False, True]  # refused once, then retried
        assert all(r["valid"] for r in seen)
        assert {r["delivery"] for r in seen} == {f"{job_id}.finished"}
        assert seen[1]["path"] == "/hook?site=hb"
        status = stack.client.get(f"/api/v1/jobs/{job_id}").get_json()
        body = seen[1]["job"]
        assert body["status"] == "succeeded" == status["status"]
        assert body["document"]["sha256"] == status["document"]["sha256"]
        row = stack.runtime.callbacks.get(job_id)
        assert (row.state, row.attempts) == ("delivered", 2)
    # A duplicate delivery message does nothing: the job is delivered. A later job, served
    # after it by the one worker process, shows that it has been handled.
    stack.app.extensions["celery"].send_task(DELIVER_TASK, args=[jobs[0]], queue="reportgen")
    later = stack.submit(callback_url=receiver.url)
    stack.wait_for(lambda: any(r["accepted"] for r in receiver.of(later)), 60, "a later job")
    assert len(receiver.of(jobs[0])) == 2


@pytest.mark.slow
def test_a_cancelled_job_is_announced_too(make_stack, receiver):
    stack = make_stack(REPORTGEN_WEBHOOK_HOSTS="127.0.0.1", REPORTGEN_WEBHOOK_SECRET=SECRET,
                       REPORTGEN_WEBHOOK_BACKOFF="1")
    job_id = stack.submit(callback_url=receiver.url)  # no worker yet: it stays queued
    assert stack.client.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200
    stack.start_worker()
    stack.wait_for(lambda: any(r["accepted"] for r in receiver.of(job_id)), 60, "the callback")
    assert receiver.of(job_id)[-1]["job"]["status"] == "cancelled"


def test_submitting_a_callback_to_a_host_not_listed_is_refused(make_stack):
    stack = make_stack(REPORTGEN_WEBHOOK_HOSTS="hooks.example.org",
                       REPORTGEN_WEBHOOK_SECRET=SECRET)
    before = stack.runtime.jobs.page(1, 1).total
    from tests.conftest import SAMPLE

    for url, code in (("http://127.0.0.1:9/x", "callback_not_allowed"),
                      ("ftp://hooks.example.org/x", "invalid_callback_url"),
                      ("http://user:pw@hooks.example.org/x", "invalid_callback_url")):
        import io

        response = stack.client.post("/api/v1/jobs", content_type="multipart/form-data", data={
            "template": "gender-equality-month", "period": "2023", "callback_url": url,
            "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")})
        assert response.status_code == 422, url
        assert response.get_json()["error"]["code"] == code
    assert stack.runtime.jobs.page(1, 1).total == before


def test_callback_urls_need_a_secret_and_a_listed_host():
    with pytest.raises(CallbackRefused) as caught:
        check_callback_url("https://hooks.example.org/x", ("hooks.example.org",), None)
    assert caught.value.code == "callbacks_disabled"
    assert check_callback_url(" https://a.hooks.example.org/x ", (".hooks.example.org",),
                              "s") == "https://a.hooks.example.org/x"
    with pytest.raises(CallbackRefused):
        check_callback_url("https://evilhooks.example.org/x", (".hooks.example.org",), "s")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.2", "169.254.169.254", "0.0.0.0",
                                  "::1"])
def test_internal_addresses_are_refused_unless_listed_as_addresses(host):
    # Listing the name does not open an internal address: a name can be pointed anywhere.
    with pytest.raises(CallbackRefused) as caught:
        resolve(host, 80, (host if host == "localhost" else "example.org",))
    assert caught.value.code == "callback_address_refused"


def test_a_listed_loopback_address_may_be_used():
    assert resolve("127.0.0.1", 80, ("127.0.0.1",)) == "127.0.0.1"
