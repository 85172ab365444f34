"""JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses) of what ``/api/v1`` answers."""

from __future__ import annotations

from tasks.store.records import JobStatus

STATUSES = [status.value for status in JobStatus]
STRING = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
INT_OR_NULL = {"type": ["integer", "null"]}
TIME = {"type": ["string", "null"], "description": "ISO 8601, UTC."}


def _object(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required, **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(key: str, item: str) -> dict:
    return _object({key: {"type": "array", "items": _ref(item)}})


PROBLEM = _object({
    "code": STRING, "message": STRING, "sheet": STRING, "cell": STRING, "location": STRING,
    "file": STRING, "key": STRING, "element": STRING,
    "severity": {"type": "string", "enum": ["error", "warning"]},
}, required=["code", "message"], description="One problem: a stable code, a Vietnamese "
   "message, and where it is when that applies: sheet and cell of a workbook, location of a "
   "document or template, file and key of a report kind.")

ERROR = _object({"error": _object({
    "code": STRING, "message": STRING,
    "details": {"type": "array", "items": _ref("Problem")},
    "job": _object({"id": STRING, "status": STRING, "status_url": STRING},
                   description="With invalid_data: the job whose data the worker rejected "
                   "(status rejected), kept as the record of that refusal."),
}, required=["code", "message", "details"])})

PDF = _object({
    "status": {"type": "string", "enum": ["none", "pending", "ready", "failed"]},
    "size": INT_OR_NULL, "sha256": TEXT_OR_NULL, "pages": INT_OR_NULL,
    "error": {"type": ["object", "null"]},
}, description="The document's PDF: made on first request (none until then).")

DOCUMENT = {"type": ["object", "null"], "properties": {
    "filename": STRING, "size": {"type": "integer"}, "sha256": STRING, "url": STRING,
    "pdf_url": STRING, "pdf": _ref("Pdf")}, "required": ["filename", "size", "sha256", "url",
                                                         "pdf_url"]}

JOB = _object({
    "id": STRING, "template": STRING, "province": STRING, "period": STRING,
    "options": {"type": "object"},
    "status": {"type": "string", "enum": STATUSES},
    "stage": STRING, "progress": {"type": "integer", "minimum": 0, "maximum": 100},
    "attempts": {"type": "integer"}, "template_sha256": TEXT_OR_NULL,
    "errors": {"type": "array", "items": _ref("Problem")},
    "warnings": {"type": "array", "items": _ref("Problem")},
    "upload": _object({"filename": STRING, "size": {"type": "integer"}, "sha256": STRING}),
    "created_at": TIME, "started_at": TIME, "finished_at": TIME, "updated_at": TIME,
    "purged_at": TIME, "rerun_of": TEXT_OR_NULL, "callback_url": TEXT_OR_NULL,
    "status_url": STRING, "document": DOCUMENT,
})

JOB_LIST = _object({
    "jobs": {"type": "array", "items": _ref("Job")}, "page": {"type": "integer"},
    "per_page": {"type": "integer"}, "total": {"type": "integer"},
    "pages": {"type": "integer"}, "next": TEXT_OR_NULL})

JOB_CREATED = _object({
    "id": STRING, "status": STRING, "status_url": STRING, "document_url": STRING,
    "checked": {"type": "boolean", "description": "The worker read the data and accepted it. "
                "false: no verdict within REPORTGEN_CHECK_WAIT; the job may still end "
                "rejected."}})

TEMPLATE = _object({
    "slug": STRING, "title": STRING, "field": STRING,
    "provinces": {"type": "array", "items": _object({"slug": STRING, "name": STRING})},
    "periods": _object({"forms": {"type": "array", "items": STRING}, "accepted": STRING,
                        "campaign_years": {"type": "array", "items": {"type": "integer"}}}),
    "default_periods": {"type": "object", "additionalProperties": STRING},
    "accepted_periods": {"type": "object",
                         "additionalProperties": {"type": "array", "items": STRING}},
    "sample_province": STRING, "sample_period": STRING,
    "sheets": {"type": "array", "items": {"type": "object"}},
    "rules": {"type": "array", "items": {"type": "object"}},
    "items": {"type": "array", "items": {"type": "object"}},
    "figures": {"type": "array", "items": STRING},
    "workbook_url": STRING, "sample_url": STRING,
}, required=["slug", "title", "provinces", "periods", "sample_province", "sample_period",
             "sheets", "workbook_url", "sample_url"])

VALIDATION = _object({
    "valid": {"type": "boolean"}, "errors": {"type": "array", "items": _ref("Problem")},
    "warnings": {"type": "array", "items": _ref("Problem")}, "summary": {"type": "object"}})

KIND_VERSION = _object({
    "slug": STRING, "sha256": STRING, "template_sha256": STRING,
    "origin": {"type": "string", "enum": ["shipped", "uploaded"]},
    "state": {"type": "string", "enum": ["checking", "accepted", "rejected"]},
    "current": {"type": "boolean"}, "findings": {"type": "array", "items": _ref("Problem")},
    "uploaded_by": TEXT_OR_NULL, "uploaded_at": TIME, "activated_at": TIME,
    "status_url": STRING, "bundle_url": STRING,
}, required=["slug", "sha256", "state", "current", "status_url"],
   description="One version of a report kind (definition, template, sample) by content hash.")

KIND_VERSIONS = _object({"slug": STRING, "current": TEXT_OR_NULL,
                         "versions": {"type": "array", "items": _ref("KindVersion")}})

KINDS_IN_FORCE = _object({
    "kinds": {"type": "array", "items": _object({
        "slug": STRING, "title": STRING, "version": TEXT_OR_NULL, "template_sha256": STRING})},
    "refused": {"type": "object", "additionalProperties": {
        "type": "array", "items": _ref("Problem")}}})

USER = _object({"username": STRING, "role": STRING, "agency": TEXT_OR_NULL,
                "created_at": TIME})

TOKEN = _object({"id": STRING, "user": STRING, "name": STRING, "created_at": TIME,
                 "expires_at": TIME, "revoked_at": TIME, "active": {"type": "boolean"}})

AUDIT_ENTRY = _object({
    "id": {"type": "integer"}, "at": TIME, "actor": STRING, "via": TEXT_OR_NULL,
    "action": STRING, "target": TEXT_OR_NULL, "agency": TEXT_OR_NULL,
    "address": TEXT_OR_NULL, "details": {"type": "object"}})

AUDIT_LIST = _object({
    "entries": {"type": "array", "items": _ref("AuditEntry")}, "page": {"type": "integer"},
    "per_page": {"type": "integer"}, "total": {"type": "integer"},
    "pages": {"type": "integer"}})

SCHEMAS = {
    "Problem": PROBLEM, "Error": ERROR, "Pdf": PDF, "Job": JOB, "JobList": JOB_LIST,
    "JobCreated": JOB_CREATED, "Template": TEMPLATE,
    "TemplateList": _list("templates", "Template"), "Validation": VALIDATION,
    "KindVersion": KIND_VERSION, "KindVersions": KIND_VERSIONS, "KindsInForce": KINDS_IN_FORCE,
    "User": USER, "UserList": _list("users", "User"), "Token": TOKEN,
    "TokenList": _list("tokens", "Token"), "AuditEntry": AUDIT_ENTRY,
    "AuditList": AUDIT_LIST, "Health": _object({"status": STRING}),
}
