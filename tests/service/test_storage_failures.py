"""The database failing under a request: 503 with a clear message, never a 500, and no
upload left behind by a submission whose job row could not be committed.

The failure is real: the app's own SQLite file loses its ``jobs`` table.
"""

from __future__ import annotations

import contextlib
import html
import io
import sqlite3

import pytest

from service import create_app
from tasks.settings import load_settings
from tests.conftest import SAMPLE, make_env


@pytest.fixture()
def app(tmp_path, redis_url):
    """An app of its own (data folder, database) on the session's Redis."""
    return create_app(load_settings(make_env(tmp_path / "data", redis_url)), {"TESTING": True})


def drop_jobs_table(app) -> None:
    runtime = app.extensions["reportgen"]
    _ = runtime.jobs, runtime.catalog  # made, and the kinds loaded, while the database is whole
    with contextlib.closing(sqlite3.connect(runtime.settings.data_dir / "reportgen.db")) as db:
        db.execute("DROP TABLE jobs")
        db.commit()


def uploads(app) -> list[str]:
    folder = app.extensions["reportgen"].settings.data_dir / "files" / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def post_job(client, **headers):
    return client.post("/api/v1/jobs", headers=headers, content_type="multipart/form-data",
                       data={"template": "gender-equality-month", "province": "hoa-binh",
                             "period": "2023", "data": (io.BytesIO(SAMPLE.read_bytes()),
                                                        "s.xlsx")})


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "attempt-1"}],
                         ids=["plain", "idempotency-key"])
def test_a_job_row_that_cannot_be_committed_leaves_no_upload(app, headers):
    client = app.test_client()
    drop_jobs_table(app)
    response = post_job(client, **headers)
    assert response.status_code == 503, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "cơ sở dữ liệu" in error["message"] and "thử lại" in error["message"]
    assert response.headers["Retry-After"] == "30"
    assert uploads(app) == []
    if headers:  # the key was released: the same request may be sent again
        with contextlib.closing(sqlite3.connect(app.extensions["reportgen"].settings.data_dir
                                                / "reportgen.db")) as db:
            assert db.execute("SELECT count(*) FROM idempotency_keys").fetchone() == (0,)


def test_reading_from_a_broken_database_is_a_503_for_the_api_and_the_pages(app):
    client = app.test_client()
    drop_jobs_table(app)
    response = client.get("/api/v1/jobs/0b7a4d4e-3a55-4a4c-a1b5-6e3f4d6a0c11")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "storage_unavailable"
    assert response.headers["Retry-After"] == "30"
    page = client.get("/jobs")
    assert page.status_code == 503
    text = html.unescape(page.get_data(as_text=True))
    assert 'data-code="storage_unavailable"' in text and "Vui lòng thử lại sau" in text
