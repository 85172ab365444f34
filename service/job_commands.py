"""``reportgen jobs …``: the history and job control of a running server, over HTTP.

``list`` (with ``--status --template --province --period --since``), ``show ID``,
``download ID [--format docx|pdf|both]``, ``cancel ID`` and ``rerun ID``. The server and token
come from ``--server`` / ``REPORTGEN_SERVER`` and ``--token`` / ``REPORTGEN_TOKEN``.

Exit codes: 0 done; 1 the job failed, its data was rejected, or it was cancelled (``show``,
``download``); 2 a request the server refused; 3 the server could not be reached.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from service.client import STATUSES, ApiClient, ClientError
from tasks.report.clock import VIETNAM

EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 1, 2, 3
FORMATS = ("docx", "pdf", "both")


def vietnam_time(iso: str | None, sep: str = " ", timespec: str = "seconds") -> str | None:
    """An ISO timestamp of the API (UTC) in Vietnam time, with its offset, as the pages show
    it: "2026-11-30 22:12:24+07:00". A time without a zone is taken as UTC."""
    if not iso:
        return iso
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).isoformat(sep=sep, timespec=timespec)


def in_vietnam_time(job: dict) -> dict:
    """``job`` with its timestamps (``…_at``) in Vietnam time, for printing as JSON."""
    return {k: vietnam_time(v, "T", "auto") if k.endswith("_at") and isinstance(v, str) else v
            for k, v in job.items()}


def print_problems(problems: list[dict], title: str) -> None:
    """The problems of a job or a refusal, one per line with sheet and cell, on stderr."""
    if not problems:
        return
    click.echo(title, err=True)
    for p in problems:
        where = " ".join(x for x in (p.get("sheet"), p.get("cell"), p.get("location")) if x)
        click.echo(f"  - [{p.get('code')}] {where + ': ' if where else ''}{p.get('message')}",
                   err=True)


def refused(e: ClientError) -> None:
    """Report a refusal and exit: 3 when unreachable, 1 for data errors, else 2."""
    click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
    print_problems([d for d in e.details if d.get("severity") != "warning"], "Chi tiết:")
    print_problems([d for d in e.details if d.get("severity") == "warning"], "Lưu ý:")
    if e.job:  # the refusal is kept as a job: where to find it again
        click.echo(f"reportgen: job {e.job.get('id')} {e.job.get('status')}", err=True)
    if e.code == "invalid_data":  # the data failed the checks: a failed job, not misuse
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_UNREACHABLE if e.status == 0 else EXIT_USAGE)


def save_documents(client: ApiClient, job: dict, form: str, output: Path) -> list[Path]:
    """Download the job's document as ``form`` (docx, pdf or both) into ``output``."""
    document = job["document"]
    urls = {"docx": [document["url"]], "pdf": [document["pdf_url"]],
            "both": [document["url"], document["pdf_url"]]}[form]
    return [client.download(url, output) for url in urls]


def server_options(f):
    f = click.option("--token", envvar="REPORTGEN_TOKEN", show_envvar=True, default=None,
                     help="API token, for a server that requires sign-in.")(f)
    return click.option("--server", envvar="REPORTGEN_SERVER", show_envvar=True,
                        default="http://127.0.0.1:8000", show_default=True)(f)


@click.group()
def jobs() -> None:
    """The jobs of a running server: list, show, download, cancel, rerun."""


@jobs.command("list")
@server_options
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--template", default=None, help="Report kind slug.")
@click.option("--province", default=None, help="Province slug.")
@click.option("--period", default=None, help="Period as submitted, e.g. 2023.")
@click.option("--since", default=None, help="Created from this day (YYYY-MM-DD) or moment.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the page as JSON.")
def list_jobs(server, token, status, template, province, period, since, page,
              as_json) -> None:
    """List jobs, newest first: id, created (Vietnam time), status, kind, province, period."""
    filters = {k: v for k, v in (("status", status), ("template", template),
                                 ("province", province), ("period", period),
                                 ("since", since)) if v}
    try:
        body = ApiClient(server, token=token).list_jobs(filters, page)
    except ClientError as e:
        refused(e)
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for job in body["jobs"]:
        click.echo(f"{job['id']}  {vietnam_time(job['created_at'])}  {job['status']:<9}  "
                   f"{job['template']}  {job['province']}  {job['period']}")
    click.echo(f"page {body['page']}/{body['pages']}, {body['total']} job(s)", err=True)


@jobs.command("show")
@server_options
@click.argument("job_id")
def show(server, token, job_id) -> None:
    """Print a job's state as JSON, times in Vietnam time (exit 1 when it failed, its data
    was rejected, or it was cancelled)."""
    try:
        job = ApiClient(server, token=token).job(f"/api/v1/jobs/{job_id}")
    except ClientError as e:
        refused(e)
    click.echo(json.dumps(in_vietnam_time(job), ensure_ascii=False, indent=2))
    if job["status"] in ("failed", "rejected", "cancelled"):
        sys.exit(EXIT_FAILED)


@jobs.command("download")
@server_options
@click.argument("job_id")
@click.option("--format", "form", type=click.Choice(FORMATS), default="docx",
              show_default=True)
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="A folder (default: here) or, for one format, a file name.")
def download(server, token, job_id, form, output) -> None:
    """Save a succeeded job's document (.docx, PDF or both); prints where."""
    client = ApiClient(server, token=token)
    try:
        job = client.job(f"/api/v1/jobs/{job_id}")
        if job["status"] != "succeeded" or not job["document"]:
            click.echo(f"reportgen: job {job_id} is {job['status']}: no document", err=True)
            print_problems(job["errors"], "Lỗi:")
            sys.exit(EXIT_FAILED)
        for saved in save_documents(client, job, form, output or Path.cwd()):
            click.echo(str(saved))
    except ClientError as e:
        refused(e)


@jobs.command("cancel")
@server_options
@click.argument("job_id")
def cancel(server, token, job_id) -> None:
    """Cancel a queued or running job."""
    try:
        job = ApiClient(server, token=token).cancel(job_id)
    except ClientError as e:
        refused(e)
    click.echo(f"job {job['id']} {job['status']}")


@jobs.command("rerun")
@server_options
@click.argument("job_id")
def rerun(server, token, job_id) -> None:
    """Run a job again from the same upload and fields (current template); prints the new id."""
    try:
        job = ApiClient(server, token=token).rerun(job_id)
    except ClientError as e:
        refused(e)
    click.echo(f"job {job['id']} {job['status']} (rerun of {job_id})")
