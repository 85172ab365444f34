"""Sign-in sessions end on the server (logout, password change), and guessing one account's
password from many addresses is slowed per account, without locking its owner out for long."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest

from tasks.store.login_limits import CAP, FREE_FAILURES, LoginLimits
from tasks.store.records import make_engine, utcnow
from tests.conftest import REPORTGEN, make_env
from tests.service.conftest import PASSWORD, Person, csrf_of, new_client, sign_in


def new_officer(app, name: str) -> Person:
    """An officer of their own, so that what a test does to the account stays in the test."""
    app.extensions["reportgen"].accounts.create_user(name, PASSWORD, "officer", "so-thu")
    return Person(name, "officer", "so-thu", "", "")


def test_a_cookie_replayed_after_logout_goes_back_to_login(auth_app, people):
    person = new_officer(auth_app, "ses-logout")
    client = new_client(auth_app)
    assert sign_in(client, person).status_code == 303
    cookie = client.get_cookie("session").value
    page = client.get("/")
    assert page.status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_of(page.get_data(as_text=True))}
                       ).status_code == 303
    # Someone who copied the cookie before the logout sends it again.
    thief = new_client(auth_app)
    thief.set_cookie("session", cookie)
    response = thief.get("/jobs")
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")


def test_a_password_change_ends_every_session_of_the_user(auth_app, people, data_dir,
                                                          redis_url):
    person = new_officer(auth_app, "ses-newkey")
    laptop, phone = new_client(auth_app), new_client(auth_app)
    for client in (laptop, phone):
        assert sign_in(client, person).status_code == 303
        assert client.get("/jobs").status_code == 200
    changed = subprocess.run([REPORTGEN, "users", "password", "--username", person.username,
                              "--password-stdin"], input="mật-khẩu-mới-dài\n", text=True,
                             capture_output=True, env=make_env(data_dir, redis_url), timeout=60)
    assert changed.returncode == 0, changed.stderr
    assert "2 session(s) ended" in changed.stdout
    for client in (laptop, phone):
        assert client.get("/jobs").status_code == 303
    assert sign_in(new_client(auth_app), person).status_code == 422  # the old password
    renewed = new_client(auth_app)
    assert sign_in(renewed, person, password="mật-khẩu-mới-dài").status_code == 303
    assert renewed.get("/jobs").status_code == 200


def test_guesses_from_rotating_addresses_are_stopped_per_account(auth_app, people):
    person = new_officer(auth_app, "ses-guessed")
    # 31 guesses from 11 addresses: no address reaches its own limit (10 a minute).
    codes, retry_after = [], []
    for n in range(31):
        client = new_client(auth_app)
        client.environ_base["REMOTE_ADDR"] = f"10.77.0.{n % 11 + 1}"
        response = sign_in(client, person, password=f"đoán {n}")
        codes.append(response.status_code)
        if response.status_code == 429:
            retry_after.append(int(response.headers["Retry-After"]))
    assert codes[:FREE_FAILURES] == [422] * FREE_FAILURES
    assert codes[FREE_FAILURES] == 429  # at once, from a fresh address
    assert codes.count(429) >= 25
    assert retry_after and max(retry_after) <= CAP
    page = sign_in(new_client(auth_app), person).get_data(as_text=True)
    assert "thử lại sau" in page  # the owner, too, is asked to wait a moment


def test_the_back_off_grows_is_capped_and_cannot_be_lengthened(tmp_path):
    limits = LoginLimits(make_engine(f"sqlite:///{tmp_path / 'limits.db'}"))
    start = utcnow()
    waits = [limits.failed("lan", now=start + timedelta(seconds=200 * n)) for n in range(12)]
    assert waits[:FREE_FAILURES - 1] == [0.0] * (FREE_FAILURES - 1)
    assert waits[FREE_FAILURES - 1:FREE_FAILURES + 3] == [1.0, 2.0, 4.0, 8.0]
    assert max(waits) == CAP
    last = start + timedelta(seconds=200 * 11)
    # While closed, asking changes nothing: the wait only runs down.
    assert limits.wait_for("lan", now=last + timedelta(seconds=10)) == pytest.approx(CAP - 10)
    assert limits.wait_for("lan", now=last + timedelta(seconds=CAP)) == 0.0
    # Unknown names are counted the same way, names are compared as typed by people.
    assert limits.failed(" LAN ", now=last + timedelta(seconds=CAP)) == CAP
    limits.succeeded("lan")
    assert limits.wait_for("lan") == 0.0
    assert limits.failed("lan") == 0.0


def test_counts_are_forgotten_after_a_quiet_while(tmp_path):
    limits = LoginLimits(make_engine(f"sqlite:///{tmp_path / 'limits.db'}"))
    start = utcnow()
    for n in range(FREE_FAILURES + 2):
        limits.failed("lan", now=start + timedelta(seconds=100 * n))
    later = start + timedelta(hours=2)
    assert limits.failed("lan", now=later) == 0.0  # the count started again
