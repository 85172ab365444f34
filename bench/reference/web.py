"""The reference's Flask app: submit a workbook, ask for the job's state, download the .docx."""

from __future__ import annotations

import uuid

from celery.result import AsyncResult
from flask import Flask, abort, request, send_file

from bench.reference.worker import DOCUMENTS, UPLOADS, compile_job
from bench.reference.worker import app as celery

app = Flask(__name__)
UPLOADS.mkdir(parents=True, exist_ok=True)
DOCUMENTS.mkdir(parents=True, exist_ok=True)
STATES = {"PENDING": "queued", "RECEIVED": "queued", "STARTED": "running",
          "SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "queued", "REVOKED": "cancelled"}


@app.get("/health")
def health():
    return {"ok": True}


@app.post("/jobs")
def submit():
    upload = request.files.get("data")
    if upload is None or "province" not in request.form or "period" not in request.form:
        abort(400)
    job_id = uuid.uuid4().hex
    path = UPLOADS / f"{job_id}.xlsx"
    upload.save(path)
    fields = {k: request.form[k] for k in ("province", "period", "report_date", "report_number")
              if request.form.get(k)}
    compile_job.apply_async((str(path), fields), task_id=job_id)
    return {"id": job_id, "status_url": f"/jobs/{job_id}"}, 202


@app.get("/jobs/<job_id>")
def status(job_id: str):
    result = AsyncResult(job_id, app=celery)
    state = STATES.get(result.state, result.state.lower())
    body = {"id": job_id, "status": state, "errors": None}
    if state == "succeeded":
        body["document"] = {"url": f"/jobs/{job_id}/document"}
    elif state == "failed":
        body["errors"] = str(result.result)
    return body


@app.get("/jobs/<job_id>/document")
def download(job_id: str):
    path = DOCUMENTS / f"{job_id}.docx"
    if not job_id.isalnum() or not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name="bao-cao.docx")
