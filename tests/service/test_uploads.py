"""Uploads at every size the limit allows, through the real HTTP server, and empty files.

Werkzeug 3.1 held file parts to the 64 KB text-field limit whenever a chunk ended near a CR or
LF (see ``service.form_parsing``): uploads of a few hundred kilobytes answered 413 over HTTP,
depending on their bytes. These tests send files of 1 KB, 1 MB, 10 MB and just under the
limit, text (a CSV activity log) and binary (a workbook with a photo; random bytes where no
workbook is that small) to gunicorn on every upload route; over the limit they must answer
413 ``too_large`` in Vietnamese, and a text field over 64 KB is still refused.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
from datetime import date

import pytest
import requests
from click.testing import CliRunner

from service.cli import main
from tasks.settings import REPO_ROOT
from tests.conftest import REPORTGEN, SAMPLE, make_env, running_web
from tests.report.intake_files import LOG_HEADER, UNITS, entries, rezip, xlsx

LIMIT = 20 * 1024 * 1024  # REPORTGEN_MAX_UPLOAD_MB's default, which the servers here use
SIZES = {"1KB": 1024, "1MB": 2**20, "10MB": 10 * 2**20, "under-limit": LIMIT - 1024}
FIELDS = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
          "report_date": "2023-12-04"}
TEMPLATE = REPO_ROOT / "doc_templates" / "gender-equality-month" / "template.docx"
_random = random.Random(10)


def text_log(size: int) -> bytes:
    """A valid CSV activity log of exactly ``size`` bytes (long notes make up the size)."""
    out = bytearray(";".join(LOG_HEADER).encode() + b"\r\n")

    def row(i: int, note: int) -> bytes:
        return f"{UNITS[i % 10]};Phát động;20/11/2023;1;2;3;{'n' * note}\r\n".encode()

    i = 0
    while size - len(out) > 2200:
        out += row(i, 1000)
        i += 1
    out += row(i, size - len(out) - len(row(i, 0)))
    assert len(out) == size
    return bytes(out)


def with_photo(document: bytes, size: int, part: str) -> bytes:
    """``document`` (a ZIP) grown to exactly ``size`` bytes by a stored photo of random bytes,
    as a picture pasted into a workbook or a template is."""
    def build(extra: int) -> bytes:
        parts = entries(document)
        parts[part] = _random.randbytes(extra)
        return rezip(parts, stored=(part,))

    data = build(size - len(build(0)))
    assert len(data) == size
    return data


def binary_workbook(size: int) -> tuple[bytes, bool]:
    """A valid workbook of ``size`` bytes with a photo, and ``True``; random bytes (not a
    workbook: refused for its type) and ``False`` where no workbook is that small."""
    log = xlsx({"Hoạt động": [LOG_HEADER[:6], [UNITS[0], "Phát động", date(2023, 11, 20),
                                                1, 2, 3]]})
    if size < len(log) + 1024:
        return _random.randbytes(size), False
    return with_photo(log, size, "xl/media/image1.jpeg"), True


@pytest.fixture(scope="module")
def uploads() -> dict[str, tuple[bytes, bool]]:
    """Each case's bytes, and whether they are a valid data workbook."""
    found = {}
    for name, size in SIZES.items():
        found[f"text-{name}"] = (text_log(size), True)
        found[f"binary-{name}"] = binary_workbook(size)
    # The case: 1 MB of random bytes answered 413 where 1 MB of one byte did not.
    found["random-1MB"] = (_random.randbytes(2**20), False)
    return found


CASES = [*(f"{kind}-{size}" for size in SIZES for kind in ("text", "binary")), "random-1MB"]


def _post(url: str, data: bytes, name: str = "data.bin", **fields) -> requests.Response:
    return requests.post(url, data={**FIELDS, **fields}, files={"data": (name, data)},
                         timeout=120, allow_redirects=False)


# ---- through gunicorn -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(worker, data_dir, redis_url):
    """One `reportgen web` on the session's data for the whole module (queued jobs are done by
    the session's worker)."""
    with running_web(make_env(data_dir, redis_url)) as (url, _process):
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_validate_accepts_every_size_under_the_limit(server, uploads, case):
    data, valid = uploads[case]
    response = _post(f"{server}/api/v1/validate", data)
    if not valid:
        assert (response.status_code, response.json()["error"]["code"]) == \
            (415, "unsupported_file_type")
    else:
        assert response.status_code == 200, response.text[:300]
        assert response.json()["valid"] is True


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_jobs_accept_every_size_under_the_limit(server, uploads, case):
    data, valid = uploads[case]
    response = _post(f"{server}/api/v1/jobs", data)
    if not valid:
        assert response.status_code == 415, response.text[:300]
    else:
        assert response.status_code == 202, response.text[:300]
        assert response.json()["status"] in ("running", "succeeded")  # checked by the worker


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_web_form_accepts_every_size_under_the_limit(server, uploads, case):
    data, valid = uploads[case]
    session = requests.Session()
    page = session.get(f"{server}/", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(f"{server}/", data={**FIELDS, "csrf_token": token},
                            files={"data": ("data.bin", data)}, timeout=120,
                            allow_redirects=False)
    if not valid:
        assert response.status_code == 415, response.text[:300]
    else:
        assert response.status_code == 303, response.text[:300]
        assert re.fullmatch(r"/jobs/[0-9a-f-]{36}", response.headers["Location"])


@pytest.fixture(scope="module")
def template_server(redis_url, tmp_path_factory):
    """A server of its own data folder: accepted template versions become current there, not
    in the session's."""
    with running_web(make_env(tmp_path_factory.mktemp("templates-data"), redis_url)) as (url, _):
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
@pytest.mark.parametrize("kind", ["binary", "text"])
def test_template_upload_accepts_every_size_under_the_limit(template_server, size, kind):
    template = TEMPLATE.read_bytes()
    if kind == "binary" and SIZES[size] > len(template) + 1024:
        data = with_photo(template, SIZES[size], "word/media/image9.jpeg")
    else:
        data = text_log(SIZES[size])
    response = requests.post(f"{template_server}/api/v1/templates/gender-equality-month/versions",
                             files={"template": ("mẫu.docx", data)}, timeout=300)
    if data[:2] == b"PK":
        # Stored and handed to a worker for its trial (this server has none of its own): the
        # size is no reason to refuse it.
        assert response.status_code == 202, response.text[:300]
        assert response.json()["state"] == "checking"
    else:  # not a .docx: refused by the lint, not for its size
        assert (response.status_code, response.json()["error"]["code"]) == \
            (422, "template_rejected")


@pytest.mark.slow
def test_over_the_limit_is_413_in_vietnamese(server, template_server):
    over = text_log(LIMIT + 1)
    for route in ("/api/v1/validate", "/api/v1/jobs"):
        response = _post(f"{server}{route}", over, "log.csv")
        assert response.status_code == 413
        assert response.json()["error"] == {"code": "too_large", "details": [],
                                            "message": "Tệp dữ liệu vượt quá 20 MB."}
    response = requests.post(f"{template_server}/api/v1/templates/gender-equality-month/versions",
                             files={"template": ("mẫu.docx", over)}, timeout=300)
    assert (response.status_code, response.json()["error"]["code"]) == (413, "too_large")
    assert response.json()["error"]["message"] == "Tệp mẫu vượt quá 20 MB."


@pytest.mark.slow
def test_a_text_field_over_64_kb_is_still_refused(server):
    response = _post(f"{server}/api/v1/validate", SAMPLE.read_bytes(), "sample.xlsx",
                     signer_name="a" * (64 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    # Said of the field, not of the file (the body is far under the upload limit).
    assert response.json()["error"]["message"].startswith("Một trường của biểu mẫu dài quá 64 KB")
    # A field under the parser's bound is read, then judged by the field's own rule.
    fits = _post(f"{server}/api/v1/validate", SAMPLE.read_bytes(), "sample.xlsx",
                 signer_title="a" * (60 * 1024))
    assert fits.status_code == 422 and fits.json()["error"]["code"] == "invalid_signer"


# ---- in process: the body larger than the server reads, empty files -------------------------

def test_a_body_past_the_content_limit_is_413_in_vietnamese(client):
    response = client.post("/api/v1/validate", data={
        **FIELDS, "data": (io.BytesIO(b"x" * (LIMIT + 512 * 1024)), "big.csv")})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert response.get_json()["error"]["message"] == "Tệp tải lên vượt quá dung lượng cho phép."


@pytest.mark.parametrize("route", ["/api/v1/validate", "/api/v1/jobs"])
def test_an_empty_file_is_said_to_be_empty_not_missing(client, runtime, route):
    before = runtime.jobs.page(1, 1).total
    response = client.post(route, data={**FIELDS, "data": (io.BytesIO(b""), "so-lieu.xlsx")})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "empty_file"
    assert "rỗng (0 byte)" in error["message"]
    missing = client.post(route, data=FIELDS)
    assert missing.get_json()["error"]["code"] == "missing_file"
    assert runtime.jobs.page(1, 1).total == before


def test_the_web_form_says_an_empty_file_is_empty(app):
    app.config["WTF_CSRF_ENABLED"] = False
    page = app.test_client().post("/", data={**FIELDS, "data": (io.BytesIO(b""), "so-lieu.xlsx")})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Tệp dữ liệu rỗng (0 byte)" in text and "Chưa chọn tệp" not in text


def test_an_empty_template_is_said_to_be_empty(client):
    response = client.post("/api/v1/templates/gender-equality-month/versions",
                           data={"template": (io.BytesIO(b""), "mẫu.docx")})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "empty_file")
    missing = client.post("/api/v1/templates/gender-equality-month/versions", data={})
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (400, "missing_file")


def test_cli_validate_says_an_empty_file_is_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    empty = tmp_path / "so-lieu.csv"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["validate", "--template", "gender-equality-month",
                                       "--period", "2023", "--data", str(empty)])
    assert result.exit_code == 1
    assert "[empty_file] Tệp dữ liệu rỗng (0 byte)" in result.output


@pytest.mark.slow
def test_cli_submit_says_an_empty_file_is_empty(server, tmp_path):
    empty = tmp_path / "so-lieu.xlsx"
    empty.write_bytes(b"")
    result = subprocess.run([REPORTGEN, "submit", "--server", server, "--template",
                             "gender-equality-month", "--period", "2023", "--data", str(empty)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "rỗng (0 byte)" in result.stderr and "[empty_file]" in result.stderr
