"""The PDF and the page previews of a succeeded job, through the API with a real worker and a
real LibreOffice; and a worker without LibreOffice: 503 with the reason, the .docx intact."""

from __future__ import annotations

import hashlib
import io
import subprocess

import pytest
from PIL import Image

from tasks.pdf.office import find_office
from tests.conftest import SAMPLE, wait_for_job

pytestmark = pytest.mark.slow


def _submit(client) -> str:
    form = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
            "report_date": "2023-12-04", "report_number": "5",
            "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}
    return client.post("/api/v1/jobs", data=form,
                       content_type="multipart/form-data").get_json()["id"]


def test_a_succeeded_job_offers_its_pdf_and_page_previews(worker, client, runtime, tmp_path):
    if isinstance(find_office(), str):
        pytest.skip(find_office())
    job_id = _submit(client)
    assert wait_for_job(runtime, job_id).status == "succeeded"
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["document"]["pdf"]["status"] == "none"
    response = client.get(f"/api/v1/jobs/{job_id}/document?format=pdf&wait=30")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].endswith("H%C3%B2a%20B%C3%ACnh.pdf")
    document = client.get(f"/api/v1/jobs/{job_id}").get_json()["document"]
    pdf = document["pdf"]
    assert pdf["status"] == "ready" and pdf["pages"] == 4
    assert pdf["sha256"] == hashlib.sha256(response.data).hexdigest()  # its own hash
    assert pdf["size"] == len(response.data) and pdf["sha256"] != document["sha256"]
    path = tmp_path / "r.pdf"
    path.write_bytes(response.data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "1.090 nam, 3.410 nữ" in text and "Số: 05/BC-SLĐTBXH" in text
    # Asked through Accept, and a second time: the stored file, the same bytes.
    again = client.get(f"/api/v1/jobs/{job_id}/document", headers={"Accept": "application/pdf"})
    assert again.status_code == 200 and again.data == response.data
    first = client.get(f"/api/v1/jobs/{job_id}/preview/1")
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert first.headers["X-Page-Count"] == "4"
    width, height = Image.open(io.BytesIO(first.data)).size
    assert height > width  # page 1 is portrait
    last = Image.open(io.BytesIO(client.get(f"/api/v1/jobs/{job_id}/preview/4").data))
    assert last.size[0] > last.size[1]  # the appendix is landscape
    missing = client.get(f"/api/v1/jobs/{job_id}/preview/5")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "page_not_found"
    assert client.get(f"/api/v1/jobs/{job_id}/document?format=odt").status_code == 400
    downloads = client.get(f"/api/v1/admin/audit?target={job_id}&action=job.download")
    assert {e["details"]["format"] for e in downloads.get_json()["entries"]} == {"pdf"}


def test_without_libreoffice_the_pdf_is_503_with_the_reason_and_the_docx_works(make_stack):
    stack = make_stack()
    stack.start_worker(REPORTGEN_OFFICE="/nonexistent/soffice")
    job_id = stack.submit()
    assert stack.wait_finished(job_id).status == "succeeded"
    response = stack.client.get(f"/api/v1/jobs/{job_id}/document?format=pdf&wait=30")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "pdf_unavailable" and "LibreOffice" in error["message"]
    assert response.headers["Retry-After"]
    preview = stack.client.get(f"/api/v1/jobs/{job_id}/preview/1?wait=5")
    assert preview.status_code == 503
    docx = stack.client.get(f"/api/v1/jobs/{job_id}/document")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_the_pdf_of_an_unfinished_job_is_409(make_stack):
    stack = make_stack()  # no worker: the job stays queued
    job_id = stack.submit()
    response = stack.client.get(f"/api/v1/jobs/{job_id}/document?format=pdf")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "document_not_ready"
