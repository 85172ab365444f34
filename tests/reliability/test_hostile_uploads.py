"""Hostile templates uploaded by an admin through the real HTTP server (issue 13 items 8-12):
each is refused with 422 and a Vietnamese reason, the web process stays small, nothing is
made current, and jobs afterwards are fine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.conftest import SAMPLE, docx_text, running_web
from tests.reliability.test_template_versions import SHIPPED, edited_template
from tests.report.test_package_rules import (
    DOCTYPE_BOMB,
    complex_field,
    relationship,
    simple_field,
    utf16,
)
from tests.report.test_render import edit_docx

pytestmark = pytest.mark.slow
SLUG = "gender-equality-month"
ANCHOR = "{{ report.closing }}"
BODY = "word/document.xml"
_VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")


def _in_body(text: str) -> bytes:
    return edited_template(ANCHOR, text)


def _edited(edits: dict | None = None, add: dict | None = None) -> bytes:
    return edit_docx(SHIPPED.read_bytes(), edits, add)


def _utf16_doctype() -> bytes:
    settings = _part("word/settings.xml").replace("?>", "?>" + DOCTYPE_BOMB, 1)
    return _edited(add={"word/settings.xml": utf16(settings)})


def _alt_chunk() -> bytes:
    return _edited({
        **relationship("aFChunk", "afchunk.htm", external=False),
        "[Content_Types].xml": lambda x: x.replace(
            "</Types>", '<Override PartName="/word/afchunk.htm" ContentType="text/html"/></Types>'),
        BODY: lambda x: x.replace("<w:body>", '<w:body><w:altChunk r:id="rId99"/>', 1),
    }, add={"word/afchunk.htm": b'<html><img src="http://127.0.0.1:9/x.png"></html>'})


def _part(name: str) -> str:
    import zipfile
    with zipfile.ZipFile(SHIPPED) as z:
        return z.read(name).decode("utf-8")


HOSTILE = {  # item: (template, the code the refusal must carry)
    "8 format width": (lambda: _in_body("{{ '%0300000000d'|format(1) }}"), "template_too_large"),
    "8 center": (lambda: _in_body("{{ 'x'|center(300000000) }}"), "template_too_large"),
    "8 doubling": (lambda: _in_body(
        "{% set ns = namespace(s='x') %}{% for i in range(28) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s|length }}"), "template_too_large"),
    "8 three nested ranges": (lambda: _in_body(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% for k in range(100000) %}"
        "{% endfor %}{% endfor %}{% endfor %}"), "too_costly"),
    "8 loop behind no number": (lambda: _in_body(
        "{% if not doc.number %}{% for i in range(100000) %}{% for j in range(100000) %}x"
        "{% endfor %}{% endfor %}{% endif %}"), "too_costly"),
    "9 DOCTYPE in UTF-16": (_utf16_doctype, "doctype"),
    "10 altChunk": (_alt_chunk, "alt_chunk"),
    "10 HYPERLINK field": (lambda: _edited(simple_field(
        ' HYPERLINK &quot;http://127.0.0.1:9/x&quot; ')), "external_link"),
    "10 HYPERLINK complex field": (lambda: _edited(complex_field(
        ' HYPERLINK "http://127.0.0.1:9/x" ')), "external_link"),
    "10 URL without TargetMode": (lambda: _edited(relationship(
        "image", "http://127.0.0.1:9/x.png", external=False)), "external_link"),
    "11 200 nested if": (lambda: _in_body("{% if true %}" * 200 + "x" + "{% endif %}" * 200),
                         "too_costly"),
    "12 a function printed": (lambda: _in_body("{{ range }}"), "template_value"),
    "12 cycler": (lambda: _in_body("{{ cycler }}"), "kind_unknown_name"),
}


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (gunicorn's workers under `reportgen web`)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1]
                                               .split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def upload(url: str, data: bytes) -> requests.Response:
    return requests.post(f"{url}/api/v1/templates/{SLUG}/versions",
                         files={"template": ("mau.docx", data)}, timeout=300)


def submit(url: str) -> str:
    response = requests.post(f"{url}/api/v1/jobs", data={
        "template": SLUG, "province": "hoa-binh", "period": "2023", "report_date": "2023-12-04"},
        files={"data": ("s.xlsx", SAMPLE.read_bytes())}, timeout=60)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def finished(url: str, job_id: str) -> dict:
    for _ in range(12):
        job = requests.get(f"{url}/api/v1/jobs/{job_id}?wait=10", timeout=30).json()
        if job["status"] in ("succeeded", "failed", "rejected"):
            return job
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_hostile_uploads_are_refused_and_the_web_stays_small(make_stack):
    stack = make_stack()
    stack.start_worker()
    with running_web(stack.env()) as (url, process):
        warm = finished(url, submit(url))  # the web has read a workbook and rendered nothing
        assert warm["status"] == "succeeded"
        assert upload(url, b"not a docx").status_code == 422  # loads the lint's modules
        workers = descendants(process.pid)
        before = {pid: rss_mb(pid) for pid in workers}
        for item, (build, code) in HOSTILE.items():
            response = upload(url, build())
            assert response.status_code == 422, (item, response.text[:500])
            error = response.json()["error"]
            assert error["code"] == "template_rejected", item
            assert code in [d["code"] for d in error["details"]], (item, error)
            reason = next(d["message"] for d in error["details"] if d["code"] == code)
            assert _VIETNAMESE.search(reason), (item, reason)
        after = {pid: rss_mb(pid) for pid in workers}
        assert all(after[pid] - before[pid] < 80 for pid in workers), (before, after)
        assert all(rss < 400 for rss in after.values()), after
        versions = requests.get(f"{url}/api/v1/kinds/{SLUG}/versions", timeout=10).json()
        shipped = [v for v in versions["versions"] if v["origin"] == "shipped"]
        assert versions["current"] == shipped[0]["sha256"]
        assert all(v["state"] == "rejected" for v in versions["versions"]
                   if v["origin"] == "uploaded")
        job = finished(url, submit(url))
        assert job["status"] == "succeeded", job
        document = requests.get(f"{url}/api/v1/jobs/{job['id']}/document", timeout=30).content
        assert "Trên đây là báo cáo" in docx_text(document)


def test_a_utf16_body_is_accepted_and_renders(make_stack):
    stack = make_stack()
    stack.start_worker()
    data = _edited(add={BODY: utf16(_part(BODY).replace(ANCHOR, "Trên đây là bản UTF-16./.", 1))})
    with running_web(stack.env()) as (url, _process):
        response = upload(url, data)
        assert response.status_code == 201, response.text[:1000]
        job = finished(url, submit(url))
        assert job["status"] == "succeeded", job
        document = requests.get(f"{url}/api/v1/jobs/{job['id']}/document", timeout=30).content
        assert "Trên đây là bản UTF-16" in docx_text(document)
