"""Jobs and report kinds as the JSON the API returns and the pages display."""

from __future__ import annotations

from flask import url_for

from tasks.report.kinds import ReportKind
from tasks.status import job_status
from tasks.store.accounts import ApiToken, User
from tasks.store.audit import AuditEntry
from tasks.store.kind_versions import Version
from tasks.store.records import Job, utcnow
from tasks.store.renditions import Rendition, Renditions


def _time(value) -> str | None:
    return value.isoformat() if value else None


def job_dict(job: Job, renditions: Renditions | None = None) -> dict:
    """A job as the API shows it: state, progress, findings, timestamps, document; with
    ``renditions``, the document's PDF too (``pdf.status`` ``none`` until asked for)."""
    body = job_status(job)
    body["status_url"] = url_for("api.get_job", job_id=job.id)
    if body["document"]:
        body["document"]["url"] = url_for("api.get_document", job_id=job.id)
        body["document"]["pdf_url"] = url_for("api.get_document", job_id=job.id, format="pdf")
        if renditions is not None:
            body["document"]["pdf"] = pdf_dict(renditions.get(job.id))
    return body


def pdf_dict(rendition: Rendition | None) -> dict:
    """A document's PDF: ``status`` (none, pending, ready, failed), size, hash, pages, and
    why it failed."""
    if rendition is None:
        return {"status": "none", "size": None, "sha256": None, "pages": None, "error": None}
    return {"status": rendition.status, "size": rendition.pdf_size,
            "sha256": rendition.pdf_sha256, "pages": rendition.pages, "error": rendition.error}


def kind_dict(kind: ReportKind, province_names: dict[str, str],
              periods: dict[str, dict] | None = None) -> dict:
    """A report kind as the API lists it: what it is, the period forms it accepts and the
    recent periods each province may ask for (``periods``: ``service.periods.period_choices``
    of this kind), its sample, and the data it reads."""
    periods = periods or {}
    return {
        "slug": kind.slug,
        "title": kind.title,
        "field": kind.field,
        "provinces": [{"slug": p, "name": province_names.get(p, p)} for p in kind.provinces],
        "periods": {"forms": list(kind.forms), "accepted": kind.describe_periods(),
                    "campaign_years": sorted(kind.campaigns)},
        "default_periods": {p: periods.get(p, {}).get("default", "") for p in kind.provinces},
        "accepted_periods": {p: periods.get(p, {}).get("accepted", []) for p in kind.provinces},
        "sample_province": kind.sample_province,
        "sample_period": kind.sample_period,
        "sheets": [
            {
                "key": s.key, "name": s.name, "aliases": list(s.aliases),
                "required": s.required, "layout": s.layout,
                "columns": [{"code": c.code, "label": c.label, "type": c.type,
                             "required": c.required} for c in s.columns],
            }
            for s in kind.sheets
        ],
        "rules": [{"code": r.code, "label": r.label} for r in kind.rules],
        "items": [{"code": i.code, "label": i.label, "measure": i.measure, "target": i.target,
                   "direction": i.direction} for i in kind.items],
        "figures": sorted(kind.figures),
        "workbook_url": url_for("api.get_workbook", slug=kind.slug),
        "sample_url": url_for("api.get_sample", slug=kind.slug),
    }


def user_dict(user: User) -> dict:
    """A user as the admin API lists them (never the password hash)."""
    return {"username": user.username, "role": user.role, "agency": user.agency,
            "created_at": _time(user.created_at)}


def token_dict(token: ApiToken) -> dict:
    """A token as the admin API lists it: who holds it and its state (never the digest)."""
    return {"id": token.id, "user": token.username, "name": token.name,
            "created_at": _time(token.created_at), "expires_at": _time(token.expires_at),
            "revoked_at": _time(token.revoked_at), "active": token.active(utcnow())}


def version_dict(version: Version) -> dict:
    """A kind version as the admin API shows it: state, findings, where it came from."""
    return {
        "slug": version.slug, "sha256": version.sha256,
        "template_sha256": version.template_sha256, "origin": version.origin,
        "state": version.state, "current": version.current, "findings": version.findings,
        "uploaded_by": version.uploaded_by, "uploaded_at": _time(version.uploaded_at),
        "activated_at": _time(version.activated_at),
        "status_url": url_for("api.get_version", slug=version.slug, sha256=version.sha256),
        "bundle_url": url_for("api.get_bundle", slug=version.slug, sha256=version.sha256),
    }
def audit_dict(entry: AuditEntry) -> dict:
    """An audit entry as the admin API lists it."""
    return {"id": entry.id, "at": _time(entry.at), "actor": entry.actor, "via": entry.via,
            "action": entry.action, "target": entry.target, "agency": entry.agency,
            "address": entry.address, "details": entry.details or {}}
