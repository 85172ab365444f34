"""The web pages: the job form, a job's page, the history. Vietnamese, no JavaScript needed.

The pages call the same submission and download functions as the API.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from service.downloads import find_job, runtime, workbook_response
from service.errors import ApiError
from service.presenters import job_dict
from service.submission import VIETNAM, Upload, submit_job, today_in_vietnam
from service.web.forms import JobForm
from tasks.report.errors import ReportError
from tasks.report.pipeline import ReportRequest, resolve

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")

STATUS_LABELS = {"queued": "Đang chờ", "running": "Đang xử lý", "succeeded": "Hoàn thành",
                 "failed": "Lỗi"}
STAGE_LABELS = {"queued": "Đang chờ xử lý", "starting": "Bắt đầu", "reading": "Đọc tệp số liệu",
                "validating": "Kiểm tra số liệu", "aggregating": "Tổng hợp số liệu",
                "rendering": "Lập văn bản", "storing": "Lưu văn bản", "done": "Hoàn thành",
                "failed": "Không lập được báo cáo"}


@bp.app_context_processor
def _labels() -> dict:
    catalog = runtime().catalog
    return {"status_labels": STATUS_LABELS, "stage_labels": STAGE_LABELS,
            "kind_titles": {k.slug: k.title for k in catalog.kinds.values()},
            "province_names": {p.slug: p.name for p in catalog.provinces.values()}}


@bp.app_template_filter("vntime")
def vietnam_time(iso: str | None) -> str:
    """An ISO timestamp as Vietnamese local time, e.g. "28/11/2026 22:44"."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso) + VIETNAM
    return f"{moment:%d/%m/%Y %H:%M}"


def _form() -> JobForm:
    catalog = runtime().catalog
    form = JobForm()
    form.template.choices = [(k.slug, k.title) for k in catalog.kinds.values()]
    form.province.choices = [(p.slug, p.name) for p in catalog.provinces.values()]
    if request.method == "GET":
        form.province.data = runtime().settings.default_province
        form.report_date.data = today_in_vietnam()
        if catalog.kinds:
            kind = next(iter(catalog.kinds.values()))
            form.period.data = default_period(kind.slug, form.province.data)
    return form


def default_period(slug: str, province: str) -> str:
    """The latest campaign year the province can report on (its profile covers that year)."""
    catalog = runtime().catalog
    for year in sorted(catalog.kind(slug).campaigns, reverse=True):
        try:
            resolve(catalog, ReportRequest(slug, province, str(year)))
        except ReportError:
            continue
        return str(year)
    return ""


@bp.route("/", methods=["GET", "POST"])
def index():
    form = _form()
    failure = None
    if form.validate_on_submit():
        upload = Upload(form.data.data.filename or "", form.data.data.read())
        try:
            job = submit_job(runtime(), current_app.extensions["celery"],
                             form.fields_for_submission(), upload)
        except ApiError as e:
            failure = e
        else:
            return redirect(url_for("web.job_page", job_id=job.id), code=303)
    status = 422 if (failure or form.errors) else 200
    if failure is not None:
        status = failure.status
    return render_template("index.html", form=form, failure=failure), status


@bp.get("/jobs/<job_id>")
def job_page(job_id: str):
    job = job_dict(find_job(job_id))
    return render_template("job.html", job=job)


@bp.get("/jobs")
def history():
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    result = runtime().jobs.page(page, runtime().settings.page_size)
    return render_template("history.html", result=result,
                           jobs=[job_dict(j) for j in result.jobs])


@bp.get("/workbook")
def workbook():
    return workbook_response(request.args.get("template", ""), request.args.get("province"),
                             request.args.get("period"))


def render_error(error: ApiError):
    """An error page for people, with the same code and message the API gives."""
    return render_template("error.html", error=error), error.status, error.headers
