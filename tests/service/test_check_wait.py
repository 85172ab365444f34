"""How long a submission waits for the worker's check, and what bounds that wait: the setting's
ceiling, the CLI client's timeout, and the web server's graceful stop."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests

from service import client as api_client
from service.client import MAX_CHECK_WAIT, STATUSES, ApiClient
from service.embedded_redis import EmbeddedRedis
from service.runner import graceful_seconds, web_command
from tasks.celery_app import QUEUE
from tasks.runtime import Runtime
from tasks.settings import SettingsError, load_settings
from tasks.store.records import JobStatus
from tests.conftest import SAMPLE, make_env, running_web


def test_the_cli_knows_every_status_and_the_ceiling_of_the_wait(tmp_path):
    assert tuple(status.value for status in JobStatus) == STATUSES
    env = {"REPORTGEN_DATA_DIR": str(tmp_path), "REPORTGEN_CHECK_WAIT": str(MAX_CHECK_WAIT)}
    assert load_settings(env).check_wait == MAX_CHECK_WAIT
    with pytest.raises(SettingsError, match="at most 60"):
        load_settings({**env, "REPORTGEN_CHECK_WAIT": str(MAX_CHECK_WAIT + 1)})
    assert load_settings({**env, "REPORTGEN_CHECK_WAIT": "0"}).check_wait == 0


def test_the_web_stops_gracefully_for_longer_than_a_submission_waits(tmp_path):
    for wait in (0, 20, MAX_CHECK_WAIT):
        settings = load_settings({"REPORTGEN_DATA_DIR": str(tmp_path),
                                  "REPORTGEN_CHECK_WAIT": str(wait)})
        command = web_command(settings)
        given = int(command[command.index("--graceful-timeout") + 1])
        assert given == graceful_seconds(settings) >= max(10, wait + 5)


def test_the_client_waits_for_a_submission_longer_than_the_server_may_hold_it(monkeypatch,
                                                                               tmp_path):
    seen = []

    def request(self, method, url, timeout=None, **kwargs):
        seen.append(timeout)
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(requests.Session, "request", request)
    client = ApiClient("http://127.0.0.1:9", timeout=30)
    for call in (lambda: client.submit({"template": "x"}, SAMPLE),
                 lambda: client.list_jobs({})):
        with pytest.raises(api_client.ClientError):
            call()
    assert seen == [30 + MAX_CHECK_WAIT, 30]


@pytest.mark.slow
def test_a_web_server_told_to_stop_still_answers_the_submission_it_holds(tmp_path):
    """No worker: the submission is held for its check. SIGTERM to the web server while it
    waits: the answer still comes (202, queued), and the job is there."""
    redis_server = EmbeddedRedis(tmp_path / "redis", appendonly=False).start()
    env = make_env(tmp_path / "data", redis_server.url, REPORTGEN_CHECK_WAIT="4")
    with running_web(env, tmp_path / "web.log") as (url, process):
        answers = []

        def submit() -> None:
            with SAMPLE.open("rb") as data:
                answers.append(requests.post(
                    f"{url}/api/v1/jobs", files={"data": ("s.xlsx", data)},
                    data={"template": "gender-equality-month", "province": "hoa-binh",
                          "period": "2023"}, timeout=60))

        sender = threading.Thread(target=submit)
        started = time.monotonic()
        sender.start()
        time.sleep(1.5)
        os.killpg(process.pid, signal.SIGTERM)
        sender.join(60)
        process.wait(30)
    assert len(answers) == 1, "the held submission got no answer"
    body = answers[0].json()
    assert answers[0].status_code == 202, body
    assert (body["status"], body["checked"]) == ("queued", False)
    assert time.monotonic() - started >= 4
    assert Runtime(load_settings(env)).jobs.get(body["id"]).status == "queued"
    assert redis_server.client().llen(QUEUE) == 1  # sent, waiting for a worker
    redis_server.stop()
