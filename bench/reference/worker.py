"""The reference's Celery app and its one task: the web process imports it to queue jobs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from celery import Celery

from bench.reference.report import build

REDIS = os.environ.get("REFERENCE_REDIS_URL", "redis://127.0.0.1:6379/0")
DATA = Path(os.environ.get("REFERENCE_DATA_DIR", "/tmp/reference"))
UPLOADS, DOCUMENTS = DATA / "uploads", DATA / "documents"
STAGE_TIMES = os.environ.get("REPORTGEN_STAGE_TIMES")  # the bench's CPU-per-stage file

app = Celery("reference", broker=REDIS, backend=REDIS)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                result_expires=3600, broker_connection_retry_on_startup=True)


@app.task(name="reference.compile")
def compile_job(upload: str, fields: dict) -> str:
    """Render the report of the uploaded workbook; returns the document's path."""
    started = time.process_time()
    stages: dict = {}
    data = Path(upload).read_bytes()
    stages["load"] = time.process_time() - started
    document = build(data, fields, stages)
    clock = time.process_time()
    path = DOCUMENTS / f"{compile_job.request.id}.docx"
    path.write_bytes(document)
    stages["store"] = time.process_time() - clock
    if STAGE_TIMES:
        line = {"job": compile_job.request.id, "outcome": "succeeded",
                "cpu_ms": {k: round(v * 1000, 3) for k, v in stages.items()}}
        with open(STAGE_TIMES, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
    return str(path)
