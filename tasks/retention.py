"""Retention: uploads and documents of jobs finished long ago are deleted; the rows stay.

The job keeps its history (who, what, when, the document's hash) and answers 410 for the
deleted document, so a user learns it expired rather than that it never existed. The same
pass forgets what is only kept for a while: idempotency keys after a day, ended web sessions
after a day, quiet login back-off counts.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from tasks.runtime import Runtime
from tasks.store.idempotency import IdempotencyKeys
from tasks.store.login_limits import LoginLimits
from tasks.store.records import utcnow
from tasks.store.renditions import rendition_keys
from tasks.store.sessions import Sessions

log = logging.getLogger(__name__)
IDEMPOTENCY_KEYS_KEPT = timedelta(days=1)
ENDED_SESSIONS_KEPT = timedelta(days=1)
RETENTION_EVERY = 3600.0  # seconds between two retention passes


def purge_expired(runtime: Runtime, older_than: timedelta) -> int:
    """Delete the files of jobs finished more than ``older_than`` ago; returns how many jobs."""
    purged = 0
    for job in runtime.jobs.finished_before(utcnow() - older_than):
        keys = [job.upload_key, job.document_key, *rendition_keys(runtime.renditions, job.id)]
        for key in keys:
            if key:
                runtime.files.delete(key)
        runtime.jobs.mark_purged(job.id)
        purged += 1
    IdempotencyKeys(runtime.jobs).purge(IDEMPOTENCY_KEYS_KEPT)
    Sessions(runtime.jobs.engine).purge(utcnow() - ENDED_SESSIONS_KEPT)
    LoginLimits(runtime.jobs.engine).purge()
    if purged:
        log.info("retention: deleted the files of %d job(s)", purged)
    return purged
