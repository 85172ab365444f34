"""Retention as a plain function: old files go, rows stay, running jobs are never touched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tasks.jobs import RunOutcome, run_job
from tasks.retention import purge_expired
from tasks.store.accounts import Accounts
from tasks.store.login_limits import LoginLimits
from tasks.store.records import Job, utcnow
from tasks.store.sessions import Sessions
from tests.tasks.conftest import add_job


def finished_days_ago(runtime, job_id: str, days: float) -> None:
    with runtime.jobs.session() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id)
                  .values(finished_at=utcnow() - timedelta(days=days)))


def test_files_of_old_finished_jobs_are_deleted_and_their_rows_kept(runtime):
    old, recent, running = add_job(runtime), add_job(runtime), add_job(runtime)
    for job in (old, recent):
        assert run_job(runtime, job.id)[0] is RunOutcome.SUCCEEDED
    finished_days_ago(runtime, old.id, 400)
    runtime.jobs.claim(running.id, 30)
    assert purge_expired(runtime, timedelta(days=365)) == 1
    gone = runtime.jobs.get(old.id)
    assert gone.purged_at is not None and gone.status == "succeeded"
    assert not runtime.files.exists(gone.upload_key)
    assert not runtime.files.exists(gone.document_key)
    kept = runtime.jobs.get(recent.id)
    assert runtime.files.exists(kept.upload_key) and runtime.files.exists(kept.document_key)
    assert runtime.files.exists(runtime.jobs.get(running.id).upload_key)
    # A second pass finds nothing more to do.
    assert purge_expired(runtime, timedelta(days=365)) == 0


def test_ended_sessions_and_quiet_login_counts_are_forgotten(runtime):
    Accounts(runtime.jobs.engine).create_user("lan", "mật khẩu dài", "admin")
    sessions = Sessions(runtime.jobs.engine)
    ended = sessions.open("lan", timedelta(hours=12))
    live = sessions.open("lan", timedelta(hours=12))
    sessions.revoke(ended)
    limits = LoginLimits(runtime.jobs.engine)
    limits.failed("lan", now=utcnow() - timedelta(hours=2))
    purge_expired(runtime, timedelta(days=365))
    assert sessions.live("lan") == 1 and sessions.user_of(live) == "lan"
    # The ended one is kept a day for the record; a day later it goes.
    assert sessions.purge(utcnow() + timedelta(days=2)) == 2
    assert limits.wait_for("lan") == 0.0
