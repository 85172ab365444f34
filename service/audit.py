"""Recording what people do, in the audit log, as the person the request acts for.

The views call ``audit(action, target, details)`` after the action succeeded; who (user name),
how (API token id, session, or the local single-user mode) and from where (client address)
come from the request. See ``tasks.store.audit`` for the actions and what they name.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import request

from service.access import current_principal
from service.runtime import runtime
from tasks.store.records import Job


def audit(action: str, target: str | None = None, details: dict | None = None,
          agency: str | None = None) -> None:
    """Record ``action`` on ``target`` by the current principal (raises ``AuditError`` for
    details that would hold a secret)."""
    principal = current_principal()
    if principal is None:
        actor, via = "-", None
    elif principal.token_id:
        actor, via = principal.user, f"token:{principal.token_id}"
    else:
        actor = principal.user
        via = "session" if runtime().settings.auth_required else "local"
    runtime().audit.record(
        actor, action, target, details, via=via, agency=agency, address=request.remote_addr)


def audit_submitted(job: Job) -> None:
    """The audit entry of a new job (``submit_job``'s ``created``), whatever the worker then
    finds in its data."""
    audit("job.submit", job.id, {"template": job.template, "province": job.province,
                                 "period": job.period}, agency=job.agency)


def audit_rerun(original: Job) -> Callable[[Job], None]:
    """The ``created`` hook of a rerun of ``original``: its audit entry."""
    def record(job: Job) -> None:
        audit("job.rerun", job.id, {"rerun_of": original.id}, agency=job.agency)
    return record
