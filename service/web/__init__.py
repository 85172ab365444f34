"""The web pages: the job form, a job's page, the history. Vietnamese, no JavaScript needed.

The pages call the same submission and download functions as the API. When sign-in is
required every page but the login page needs the session the login form opens, and the pages
link their own status and download routes: the API accepts only tokens, never the cookie.
Scripts only follow along: the form's (periods and links that follow the chosen kind,
province and period) and the job page's (progress, then the document, errors and warnings).
Officers read Vietnamese labels; codes stay in ``title`` and ``data-code`` attributes.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from service.access import (
    auth_required,
    current_principal,
    local_target,
    log_in,
    log_out,
)
from service.audit import audit, audit_submitted
from service.downloads import document_response, sample_response, workbook_response
from service.errors import ApiError
from service.filters import active_filters, job_filter
from service.job_lookup import find_job, find_job_waiting
from service.labels import STAGE_LABELS, STATUS_LABELS
from service.params import MAX_PAGE, query_int
from service.periods import default_period, period_choices, period_hints, period_label
from service.presenters import job_dict
from service.renditions import pdf_response
from service.runtime import celery_app, runtime
from service.submission import Upload, submit_job
from service.web.forms import JobForm, LoginForm
from tasks.report.clock import VIETNAM
from tasks.store.records import Job

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")

# Pages open to people who are not signed in.
PUBLIC_PAGES = frozenset({"web.login", "web.static"})


@bp.before_request
def _require_login():
    """Send people who are not signed in to the login page, then back where they were."""
    if current_principal() is None and request.endpoint not in PUBLIC_PAGES:
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("web.login", next=target), code=303)
    return None


@bp.app_context_processor
def _labels() -> dict:
    catalog = runtime().catalog
    return {"status_labels": STATUS_LABELS, "stage_labels": STAGE_LABELS,
            "viewer": current_principal() if auth_required() else None,
            "kind_titles": {k.slug: k.title for k in catalog.kinds.values()},
            "kind_short_titles": {k.slug: k.short_title for k in catalog.kinds.values()},
            "province_names": {p.slug: p.name for p in catalog.provinces.values()}}


@bp.app_template_filter("vntime")
def vietnam_time(iso: str | None) -> str:
    """An ISO timestamp as Vietnamese local time, e.g. "28/11/2026 22:44"."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(VIETNAM)
    return f"{moment:%d/%m/%Y %H:%M}"


@bp.app_template_filter("vndate")
def vietnam_date(iso: str | None) -> str:
    """An ISO date as the pages write it, e.g. "04/12/2023"; "" for none."""
    return f"{date.fromisoformat(iso):%d/%m/%Y}" if iso else ""


def _form() -> JobForm:
    catalog = runtime().catalog
    form = JobForm()
    form.template.choices = [(k.slug, k.title) for k in catalog.kinds.values()]
    form.province.choices = [(p.slug, p.name) for p in catalog.provinces.values()]
    if request.method == "GET":
        form.province.data = runtime().settings.default_province
        if catalog.kinds:
            preferred = runtime().settings.default_kind
            first = next(iter(catalog.kinds))
            form.template.data = preferred if preferred in catalog.kinds else first
            form.period.data = default_period(catalog, form.template.data, form.province.data)
    return form


@bp.route("/", methods=["GET", "POST"])
def index():
    form = _form()
    failure = None
    if form.validate_on_submit():
        upload = Upload(form.data.data.filename or "", form.data.data.read())
        try:
            job = submit_job(runtime(), celery_app(),
                             form.fields_for_submission(), upload,
                             owner=current_principal().owner, created=audit_submitted).job
        except ApiError as e:
            failure = e
        else:
            return redirect(url_for("web.job_page", job_id=job.id), code=303)
    status = 422 if (failure or form.errors) else 200
    if failure is not None:
        status = failure.status
    periods = period_choices(runtime().catalog)
    hints = period_hints(runtime().catalog)
    return render_template("index.html", form=form, failure=failure, periods=periods,
                           hints=hints), status


def page_job(job: Job, with_pdf: bool = False) -> dict:
    """A job as the pages show it (its PDF's state too ``with_pdf``). With sign-in required
    its links go to the pages' own routes, where the session is checked; in single-user mode
    to the API, as before. ``preview_url`` is the previews' prefix: add the page number."""
    body = job_dict(job, runtime().renditions if with_pdf else None)
    if auth_required():
        body["status_url"] = url_for("web.job_status", job_id=job.id)
        if body["document"]:
            body["document"]["url"] = url_for("web.job_document", job_id=job.id)
            body["document"]["pdf_url"] = url_for("web.job_document", job_id=job.id,
                                                  format="pdf")
    body["period_label"] = period_label(runtime().catalog, job.template, job.period)
    body["preview_url"] = url_for("web.job_preview" if auth_required() else "api.preview",
                                  job_id=job.id, page=1)[:-1]
    return body


@bp.get("/jobs/<job_id>")
def job_page(job_id: str):
    return render_template("job.html", job=page_job(find_job(job_id), with_pdf=True))


@bp.get("/jobs/<job_id>/status")
def job_status(job_id: str):
    """The job's state for the page's script (``?wait=N`` as in the API)."""
    job = find_job_waiting(job_id, request.args.get("wait"))
    return jsonify(page_job(job, with_pdf=True))


@bp.get("/jobs/<job_id>/document")
def job_document(job_id: str):
    """The .docx, or its PDF with ``?format=pdf``."""
    form = "pdf" if request.args.get("format") == "pdf" else "docx"
    response = pdf_response(job_id, request.args.get("wait")) if form == "pdf" \
        else document_response(job_id)
    audit("job.download", job_id, {"format": form}, agency=runtime().jobs.get(job_id).agency)
    return response


@bp.get("/sample/<slug>")
def sample(slug: str):
    return sample_response(slug)


@bp.get("/jobs")
def history():
    page = query_int(request.args, "page", 1, 1, MAX_PAGE, code="bad_page")
    filters = active_filters(request.args)
    result = runtime().jobs.page(page, runtime().settings.page_size,
                                 agency=current_principal().history_scope,
                                 where=job_filter(request.args))
    return render_template("history.html", result=result, filters=filters,
                           jobs=[page_job(j) for j in result.jobs])


@bp.get("/workbook")
def workbook():
    return workbook_response(request.args.get("template", ""), request.args.get("province"),
                             request.args.get("period"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if not auth_required():
        return redirect(url_for("web.index"), code=303)
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        limits = runtime().login_limits
        wait = limits.wait_for(form.username.data)
        if wait > 0:  # closed after failures: refused unchecked and uncounted
            seconds = math.ceil(wait)
            return (render_template("login.html", form=form, locked=seconds), 429,
                    {"Retry-After": str(seconds)})
        user = runtime().accounts.verify_password(form.username.data, form.password.data)
        if user is not None:
            limits.succeeded(form.username.data)
            log_in(user)
            return redirect(local_target(request.args.get("next")), code=303)
        limits.failed(form.username.data)
        failed = True
    status = 422 if (failed or form.errors) else 200
    return render_template("login.html", form=form, failed=failed), status


@bp.post("/logout")
def logout():
    log_out()
    return redirect(url_for("web.login"), code=303)


def render_error(error: ApiError):
    """An error page for people, with the same code and message the API gives."""
    return render_template("error.html", error=error), error.status, error.headers


# The admin pages and job control add their routes to this blueprint.
from service.web import admin, audit_log, control  # noqa: E402,F401
