"""Fixtures for sign-in: two agencies with an officer each, an admin, their API tokens, and
apps built with ``REPORTGEN_AUTH=required`` on the session's database and Redis."""

from __future__ import annotations

import io
import itertools
import re
import uuid
from dataclasses import dataclass

import pytest

from service import create_app
from tasks.runtime import Runtime
from tasks.settings import load_settings
from tasks.store.records import Job
from tests.conftest import SAMPLE, make_env

AGENCY_A = "so-ldtbxh-hoa-binh"
AGENCY_B = "so-ldtbxh-phu-tho"
PASSWORD = "mật-khẩu-thử-nghiệm"
_addresses = itertools.count(1)


@dataclass(frozen=True)
class Person:
    username: str
    role: str
    agency: str | None
    token: str
    token_id: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="session")
def people(data_dir, redis_url) -> dict[str, Person]:
    """Officers ``a`` (agency A) and ``b`` (agency B) and an ``admin``, each with a token."""
    accounts = Runtime(load_settings(make_env(data_dir, redis_url))).accounts
    found = {}
    for key, role, agency in (("a", "officer", AGENCY_A), ("b", "officer", AGENCY_B),
                              ("admin", "admin", None)):
        name = f"test-{key}"
        accounts.create_user(name, PASSWORD, role, agency)
        token_id, token = accounts.create_token(name, "tests")
        found[key] = Person(name, role, agency, token, token_id)
    accounts.engine.dispose()
    return found


@pytest.fixture()
def auth_settings(data_dir, redis_url):
    """A function: the settings of a site that requires sign-in, with ``env`` on top."""
    def build(**env: str):
        return load_settings(make_env(data_dir, redis_url, REPORTGEN_AUTH="required", **env))
    return build


@pytest.fixture()
def auth_app(auth_settings, people):
    """An app that requires sign-in, configured as in production (CSRF on, no TESTING)."""
    return create_app(auth_settings())


def new_client(app):
    """A test client with a remote address of its own, so that per-address limits
    (login attempts) of one test do not spill into the next."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.9.{n // 250}.{n % 250 + 1}"
    return client


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(client, person: Person, password: str = PASSWORD):
    """Log in through the form; returns the response to the POST."""
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"csrf_token": csrf_of(page), "username": person.username,
                                       "password": password})


def job_form(**fields) -> dict:
    """The multipart fields of a valid job request, with ``fields`` on top."""
    form = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
            "report_date": "2023-12-04", "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}
    form.update(fields)
    return form


def snapshot(runtime) -> tuple[int, list[str]]:
    """How many job rows and which stored uploads there are."""
    uploads = runtime.files.root / "uploads"
    files = sorted(p.name for p in uploads.glob("*")) if uploads.exists() else []
    return runtime.jobs.page(1, 1).total, files


def job_row(runtime, **fields) -> Job:
    """A queued job row straight into the table (no upload, no message on the queue), with
    the options an officer types; ``fields`` on top. End it (``jobs.fail``) before a worker's
    reconciler could send it."""
    job_id = str(uuid.uuid4())
    row = dict(id=job_id, template="gender-equality-month", province="hoa-binh", period="2023",
               options={"report_number": "5", "report_date": "2023-12-04",
                        "signer_name": "Trần Thị B", "signer_title": "Phó Giám đốc"},
               upload_key=f"uploads/{job_id}.xlsx", upload_name="Số liệu huyện 2023.xlsx",
               upload_size=1, upload_sha256="0" * 64)
    row.update(fields)
    return runtime.jobs.add(Job(**row))
@pytest.fixture()
def make_stack(tmp_path):
    """A private stack (Redis, data folder, workers on demand) as the reliability tests use."""
    from tests.reliability.conftest import Stack

    built = []

    def make(appendonly: bool = False, **env: str):
        built.append(Stack(tmp_path, appendonly, **env).start())
        return built[-1]

    yield make
    for each in built:
        each.stop()
