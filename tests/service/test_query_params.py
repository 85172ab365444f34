"""Numbers in query strings are bounded: out of range is a 400 with a reason, never a 500."""

from __future__ import annotations

import io

import pytest

from tests.conftest import SAMPLE

HUGE = "9223372036854775808"  # one past the largest 64-bit integer


@pytest.mark.parametrize("query", [f"page={HUGE}", f"per_page={HUGE}", "page=0", "page=-1",
                                   "page=abc", "page=1e3", "page=２", "per_page=0",
                                   "per_page=101", "page=" + "9" * 5000])
def test_history_api_refuses_page_numbers_it_cannot_use(client, query):
    response = client.get(f"/api/v1/jobs?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_page" and "số nguyên" in error["message"]


def test_history_api_accepts_pages_in_range(client):
    body = client.get("/api/v1/jobs?page=1000000&per_page=100").get_json()
    assert (body["page"], body["per_page"], body["jobs"]) == (1000000, 100, [])
    assert client.get("/api/v1/jobs?page=&per_page=").status_code == 200


@pytest.mark.parametrize("page", [HUGE, "0", "x"])
def test_history_page_refuses_page_numbers_it_cannot_use(client, page):
    response = client.get(f"/jobs?page={page}", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Tham số page phải là số nguyên" in response.get_data(as_text=True)


@pytest.mark.parametrize("wait", ["nan", "inf", "-1", "1e400", "abc"])
def test_status_wait_must_be_a_finite_number_of_seconds(client, wait):
    created = client.post("/api/v1/jobs", content_type="multipart/form-data", data={
        "template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
        "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}).get_json()
    response = client.get(f"{created['status_url']}?wait={wait}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_wait"
    assert client.get(f"{created['status_url']}?wait=0").status_code == 200
