"""The OpenAPI 3.1 document of ``/api/v1``, kept beside the routes it describes.

``tests/service/test_openapi.py`` fails when a route under ``/api/v1`` has no operation here
(or an operation no route), and exercises the running API against this document. Schemas
describe what the views return (``service.presenters``, ``tasks.status``); every error is the
one shape of ``service.errors``.
"""

from __future__ import annotations

from service.api.openapi_schemas import SCHEMAS, STATUSES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str, headers: dict | None = None) -> dict:
    body = {"description": description, "content": {"application/json": {"schema": _ref(name)}}}
    if headers:
        body["headers"] = headers
    return body


def _file(media: str, description: str) -> dict:
    return {"description": description, "content": {media: {"schema": {
        "type": "string", "contentMediaType": media}}}}


ERROR = {"description": "An error: a stable `code`, a Vietnamese `message`, the problems "
                        "found (with sheet and cell where they apply).",
         "content": {"application/json": {"schema": _ref("Error")}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before asking again.",
                               "schema": {"type": "string"}}}


def _errors(*codes: int) -> dict:
    """The error answers of an operation: those listed, 503 ``storage_unavailable`` (any
    route may meet a database or file store that is away: ``service.errors``), and any
    other as ``default``."""
    return {**{str(c): ERROR for c in sorted({*codes, 503})}, "default": ERROR}


def _path(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "string"}}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


JOB_ID = _path("job_id", "The job's id (a UUID).", {"type": "string", "maxLength": 64})
SLUG = _path("slug", "A report kind's slug, e.g. gender-equality-month.")
WAIT = _query("wait", "Seconds (at most 30) to hold the answer until the job, or its PDF, "
              "is done.", {"type": "number", "minimum": 0, "maximum": 30})
PAGE = _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1,
                                               "maximum": 1_000_000})
SHA256 = _path("sha256", "A version's SHA-256 (64 hex digits).",
               {"type": "string", "maxLength": 64})
VERSION_ANSWERS = {
    "201": _json("KindVersion", "Tried and accepted: the version is current."),
    "202": _json("KindVersion", "Stored; a worker is still trying it (see Location).",
                 {"Location": {"description": "The version's status URL.",
                               "schema": {"type": "string"}}}),
    **_errors(400, 401, 403, 404, 413, 422, 503)}


def _upload(field: str) -> dict:
    return {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": [field], "properties": {field: {
            "type": "string", "contentMediaType": "application/octet-stream"}}}}}}


JOB_FORM = {
    "type": "object",
    "required": ["template", "period", "data"],
    "properties": {
        "template": {"type": "string", "description": "Report kind slug."},
        "province": {"type": "string", "description": "Province slug (default: the site's)."},
        "period": {"type": "string", "description": "Report period, e.g. 2023 or 2025-H1; the "
                   "forms a kind accepts are its periods.accepted in GET /api/v1/templates."},
        "data": {"type": "string", "contentMediaType": "application/octet-stream",
                 "description": "The data workbook (.xlsx, .ods or .csv)."},
        "report_number": {"type": "string", "pattern": "^[0-9]{1,6}$",
                          "description": "Digits 0-9, at most 6 (422 invalid_report_number)."},
        "report_date": {"type": "string", "description": "YYYY-MM-DD."},
        "signer_name": {"type": "string", "maxLength": 80,
                        "description": "Letters, spaces and . - ' (422 invalid_signer)."},
        "signer_title": {"type": "string", "maxLength": 80,
                         "description": "Letters, spaces and . - ' (422 invalid_signer); the "
                                        "title only: one starting KT./TL./TUQ./TM. is 422 "
                                        "invalid_signer. The head's title or an acting head's "
                                        "(Q./Quyền) has no authority line, a deputy's (Phó …) "
                                        "the KT. line, any other TL. + the head's title."},
        "callback_url": {"type": "string", "description": "Where to POST the job's status, "
                                                         "signed, when it ends."},
    },
}


def _jobs_paths() -> dict:
    job_json = _json("Job", "The job.")
    return {
        "/jobs": {
            "get": {"operationId": "listJobs", "summary": "The history, newest first.",
                    "parameters": [PAGE, _query("per_page", "Jobs per page (≤ 100).",
                                                {"type": "integer", "minimum": 1,
                                                 "maximum": 100}),
                                   _query("status", "Only jobs in this state.", {
                                       "type": "string", "enum": STATUSES}),
                                   _query("template", "Only this report kind."),
                                   _query("province", "Only this province."),
                                   _query("period", "Only this period, as submitted."),
                                   _query("since", "Only jobs created from this day "
                                                   "(YYYY-MM-DD, Vietnam time) or moment "
                                                   "(ISO 8601).")],
                    "responses": {"200": _json("JobList", "One page of jobs."),
                                  **_errors(400, 401)}},
            "post": {"operationId": "createJob", "summary": "Submit a job.", "description":
                     "The worker reads and validates the data; the answer waits up to "
                     "REPORTGEN_CHECK_WAIT seconds for its verdict: 422 invalid_data with "
                     "every problem (the job, rejected, is named in error.job), or 202 with "
                     "the job running. With no verdict in time, 202 with the job queued: it "
                     "may still end rejected.",
                     "parameters": [{"name": "Idempotency-Key", "in": "header",
                                     "required": False, "schema": {"type": "string",
                                                                   "maxLength": 255}}],
                     "requestBody": {"required": True, "content": {
                         "multipart/form-data": {"schema": JOB_FORM}}},
                     "responses": {"202": _json("JobCreated", "Accepted.", {
                         "Location": {"schema": {"type": "string"}}}),
                         **_errors(400, 401, 409, 413, 415, 422, 429, 503)}},
        },
        "/jobs/{job_id}": {
            "get": {"operationId": "getJob", "summary": "A job's state.",
                    "parameters": [JOB_ID, WAIT],
                    "responses": {"200": job_json, **_errors(400, 401, 404)}},
        },
        "/jobs/{job_id}/document": {
            "get": {"operationId": "getDocument",
                    "summary": "The .docx, or its PDF with format=pdf (made on first request).",
                    "parameters": [JOB_ID, _query("format", "docx (default) or pdf; without "
                                                  "it, Accept: application/pdf asks for the "
                                                  "PDF.", {"type": "string",
                                                           "enum": ["docx", "pdf"]}), WAIT],
                    "responses": {"200": {"description": "The document.", "content": {
                        DOCX: {"schema": {"type": "string", "contentMediaType": DOCX}},
                        "application/pdf": {"schema": {"type": "string",
                                                       "contentMediaType": "application/pdf"}}}},
                        "409": {**ERROR, "headers": RETRY_AFTER},
                        "503": {**ERROR, "headers": RETRY_AFTER},
                        **_errors(400, 401, 404, 410)}},
        },
        "/jobs/{job_id}/preview/{page}": {
            "get": {"operationId": "getPreview", "summary": "A page of the PDF as PNG.",
                    "parameters": [JOB_ID, _path("page", "Page number, from 1.",
                                                 {"type": "integer", "minimum": 1}), WAIT],
                    "responses": {"200": {**_file("image/png", "The page."), "headers": {
                        "X-Page-Count": {"schema": {"type": "string"},
                                         "description": "Pages in the document."}}},
                        "409": {**ERROR, "headers": RETRY_AFTER},
                        "503": {**ERROR, "headers": RETRY_AFTER},
                        **_errors(400, 401, 404, 410)}},
        },
        "/jobs/{job_id}/cancel": {
            "post": {"operationId": "cancelJob",
                     "summary": "Cancel a queued or running job (again: no change).",
                     "parameters": [JOB_ID],
                     "responses": {"200": job_json, **_errors(401, 404, 409)}},
        },
        "/jobs/{job_id}/rerun": {
            "post": {"operationId": "rerunJob", "summary": "A new job from the same upload "
                     "and fields, with the current template, linked by rerun_of.",
                     "parameters": [JOB_ID],
                     "responses": {"202": _json("Job", "The new job.", {
                         "Location": {"schema": {"type": "string"}}}),
                         **_errors(401, 404, 410, 422, 503)}},
        },
    }


def _other_paths() -> dict:
    return {
        "/templates": {"get": {"operationId": "listTemplates", "summary": "Report kinds.",
                               "responses": {"200": _json("TemplateList", "Report kinds."),
                                             **_errors(401)}}},
        "/templates/{slug}/workbook": {"get": {
            "operationId": "getWorkbook", "summary": "A blank data workbook.",
            "parameters": [SLUG, _query("province", "Province slug."),
                           _query("period", "Period (default: the latest campaign year).")],
            "responses": {"200": _file(XLSX, "The workbook."), **_errors(401, 404, 422)}}},
        "/templates/{slug}/sample": {"get": {
            "operationId": "getSample", "summary": "The sample data workbook.",
            "parameters": [SLUG],
            "responses": {"200": _file(XLSX, "The workbook."), **_errors(401, 404)}}},
        "/templates/{slug}/versions": {
            "get": {"operationId": "listTemplateVersions", "summary": "The kind's versions "
                    "(admins), as /kinds/{slug}/versions.", "parameters": [SLUG],
                    "responses": {"200": _json("KindVersions", "The versions."),
                                  **_errors(401, 403, 404)}},
            "post": {"operationId": "uploadTemplate", "summary": "A new template for a kind "
                     "(admins): a new version of the kind in force, tried by a worker.",
                     "parameters": [SLUG], "requestBody": _upload("template"),
                     "responses": VERSION_ANSWERS}},
        "/kinds": {"post": {
            "operationId": "uploadKind", "summary": "A report kind as a bundle (a .zip of its "
            "folder, admins): a new kind or a new version of one, tried by a worker.",
            "requestBody": _upload("bundle"), "responses": VERSION_ANSWERS}},
        "/kinds/{slug}/versions": {"get": {
            "operationId": "listKindVersions", "summary": "Every version of a kind (admins), "
            "newest first, the current one marked.", "parameters": [SLUG],
            "responses": {"200": _json("KindVersions", "The versions."),
                          **_errors(401, 403, 404)}}},
        "/kinds/{slug}/versions/{sha256}": {"get": {
            "operationId": "getKindVersion", "summary": "One version: state and findings.",
            "parameters": [SLUG, SHA256, WAIT],
            "responses": {"200": _json("KindVersion", "The version."),
                          **_errors(400, 401, 403, 404)}}},
        "/kinds/{slug}/versions/{sha256}/bundle": {"get": {
            "operationId": "getKindBundle", "summary": "A version's files as a .zip.",
            "parameters": [SLUG, SHA256],
            "responses": {"200": _file("application/zip", "The bundle."),
                          **_errors(401, 403, 404, 410)}}},
        "/kinds/{slug}/versions/{sha256}/activate": {"post": {
            "operationId": "activateKindVersion", "summary": "Make an accepted version "
            "current again (a rollback, admins).", "parameters": [SLUG, SHA256],
            "responses": {"200": _json("KindVersion", "Now current."),
                          **_errors(401, 403, 404, 409)}}},
        "/admin/kinds": {"get": {
            "operationId": "listKinds", "summary": "The kinds in force with their versions, "
            "and the kind folders refused at load (admins).",
            "responses": {"200": _json("KindsInForce", "Kinds."), **_errors(401, 403)}}},
        "/validate": {"post": {
            "operationId": "validateUpload", "summary": "Every problem of a workbook; "
            "nothing is queued.",
            "requestBody": {"required": True, "content": {"multipart/form-data": {
                "schema": {**JOB_FORM, "required": ["template", "period", "data"]}}}},
            "responses": {"200": _json("Validation", "The findings."),
                          **_errors(400, 401, 413, 415, 422, 429)}}},
        "/admin/users": {"get": {"operationId": "listUsers", "summary": "Users (admins).",
                                 "responses": {"200": _json("UserList", "Users."),
                                               **_errors(401, 403)}}},
        "/admin/tokens": {"get": {"operationId": "listTokens", "summary": "Tokens (admins).",
                                  "responses": {"200": _json("TokenList", "Tokens."),
                                                **_errors(401, 403)}}},
        "/admin/audit": {"get": {
            "operationId": "listAudit", "summary": "The audit log (admins), newest first.",
            "parameters": [PAGE, _query("per_page", "Entries per page (≤ 200).",
                                        {"type": "integer", "minimum": 1, "maximum": 200}),
                           _query("action", "Only this action, e.g. job.download."),
                           _query("actor", "Only this user."),
                           _query("target", "Only this job id, slug or token id."),
                           _query("since", "From this day or moment (as for jobs).")],
            "responses": {"200": _json("AuditList", "Entries."), **_errors(400, 401, 403)}}},
        "/health": {"get": {"operationId": "health", "summary": "Liveness (no token).",
                            "security": [],
                            "responses": {"200": _json("Health", "The database answers."),
                                          **_errors(503)}}},
        "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document.",
                                  "security": [],
                                  "responses": {"200": {"description": "OpenAPI 3.1.",
                                                        "content": {"application/json": {
                                                            "schema": {"type": "object"}}}}}}},
    }


def openapi_document() -> dict:
    """The OpenAPI 3.1 document of ``/api/v1`` (paths relative to the server ``/api/v1``)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "reportgen", "version": "1",
                 "description": "Compile provincial data workbooks into official Word reports "
                                "(Decree 30/2020). Every operation but /health and "
                                "/openapi.json needs `Authorization: Bearer <token>` where "
                                "sign-in is required."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {**_jobs_paths(), **_other_paths()},
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"}}},
    }
