"""The ``reportgen`` command: run the service, submit jobs, render offline, manage accounts.

Exit codes: 0 success; 1 the job failed (its errors are printed with their cells); 2 a usage
error or a request the server refused; 3 the server could not be reached.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from service.account_commands import tokens, users, warn_without_users
from service.job_commands import (
    FORMATS,
    jobs,
    print_problems,
    refused,
    save_documents,
    server_options,
)
from tasks.settings import load_settings, private_files

# The forms of period a kind accepts are its own (GET /api/v1/templates lists them).
PERIOD_HELP = "Report period, e.g. 2023 or 2025-H1; the forms accepted depend on the kind."

EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 1, 2, 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """reportgen: compile provincial data workbooks into official Word reports."""


main.add_command(users)
main.add_command(tokens)
main.add_command(jobs)


@main.command()
def run() -> None:
    """Start the whole service: embedded Redis (unless REDIS_URL is set), worker and web.

    One `reportgen run` per data folder: a second one says which process holds it and
    exits with status 2.
    """
    from service.data_lock import DataFolderBusyError
    from service.runner import run_service

    private_files()
    settings = load_settings()
    warn_without_users(settings)
    try:
        sys.exit(run_service(settings))
    except DataFolderBusyError as e:
        click.echo(f"reportgen: {e}", err=True)
        sys.exit(EXIT_USAGE)


@main.command()
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes.")
def web(workers: int) -> None:
    """Start only the web server (gunicorn) against REDIS_URL."""
    from service.runner import web_command

    settings = load_settings()
    if not settings.redis_url:
        raise click.UsageError("REDIS_URL is not set (use `reportgen run` for everything at once)")
    warn_without_users(settings)
    command = web_command(settings, workers)
    private_files()
    os.execv(command[0], command)


@main.command()
@click.option("--concurrency", type=int, default=None, help="Pool processes (default: settings).")
@click.option("--check", is_flag=True,
              help="Do not start: exit 0 if this machine's worker is consuming, 1 if it is "
                   "stuck, frozen or not running (the reason is printed). For health checks.")
@click.option("--name", default="worker", show_default=True,
              help="With --check: the worker's name (its node is NAME@host).")
def worker(concurrency: int | None, check: bool, name: str) -> None:
    """Start only a Celery worker against REDIS_URL (it also runs the periodic reconciler)."""
    from service.runner import worker_command

    settings = load_settings()
    if check:
        from tasks.watchdog import check_heartbeat, heartbeat_path, node_name

        node = node_name(name)
        problem = check_heartbeat(heartbeat_path(settings.data_dir, node),
                                  max_age=settings.worker_stall_seconds)
        click.echo(f"reportgen: {problem}" if problem else f"{node}: ok", err=bool(problem))
        sys.exit(EXIT_FAILED if problem else 0)
    if not settings.redis_url:
        raise click.UsageError("REDIS_URL is not set (use `reportgen run` for everything at once)")
    command = worker_command(settings, concurrency)
    private_files()
    os.execv(command[0], command)


@main.command()
def beat() -> None:
    """Optional: send the periodic passes (reconciler, retention) on a schedule.

    Every worker runs them by itself, once per period site-wide; this only asks again.
    """
    from service.runner import beat_command

    settings = load_settings()
    if not settings.redis_url:
        raise click.UsageError("REDIS_URL is not set (use `reportgen run` for everything at once)")
    command = beat_command(settings)
    private_files()
    os.execv(command[0], command)


def _job_fields(template, province, period, report_number, report_date, signer_name,
                signer_title) -> dict[str, str]:
    fields = {"template": template, "period": period, "province": province or "",
              "report_number": report_number or "", "signer_name": signer_name or "",
              "signer_title": signer_title or ""}
    fields["report_date"] = report_date.date().isoformat() if report_date else ""
    return fields


def _job_options(f):
    for option in reversed([
        click.option("--template", required=True, help="Report kind slug (gender-equality-month)."),
        click.option("--province", default=None, help="Province slug (default from settings)."),
        click.option("--period", required=True, help=PERIOD_HELP),
        click.option("--data", "data", required=True,
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="The data workbook (.xlsx, .ods or .csv)."),
        click.option("--report-number", default=None, help="Report number (e.g. 5 → Số: 05/…)."),
        click.option("--report-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Report date, YYYY-MM-DD (default: left blank for the clerk)."),
        click.option("--signer-name", default=None),
        click.option("--signer-title", default=None),
    ]):
        f = option(f)
    return f


class _Progress:
    """The job's progress on stderr: a bar on a terminal, one line per change elsewhere."""

    def __init__(self) -> None:
        self.bar = None
        self.shown = 0
        self.last = None

    def __call__(self, job: dict) -> None:
        from service.client import FINISHED

        if not sys.stderr.isatty():
            line = f"  {job['status']:<9} {job['progress']:>3}% {job['stage']}"
            if line != self.last:
                click.echo(line, err=True)
                self.last = line
            return
        if self.bar is None:
            self.bar = click.progressbar(length=100, label="reportgen", file=sys.stderr,
                                         show_percent=True, show_eta=False, width=30)
            self.bar.__enter__()
        done = 100 if job["status"] in FINISHED else job["progress"]
        self.bar.label = f"{job['status']:<9} {job['stage']:<12}"
        self.bar.update(max(0, done - self.shown))
        self.shown = max(self.shown, done)
        if done >= 100:
            self.bar.__exit__(None, None, None)


@main.command()
@server_options
@_job_options
@click.option("--idempotency-key", default=None,
              help="Sending the same request again with the same key returns the same job.")
@click.option("--callback-url", default=None,
              help="Where the server POSTs the job's status, signed, when it ends.")
@click.option("--wait/--no-wait", default=False, help="Wait for the job and download the document.")
@click.option("--format", "form", type=click.Choice(FORMATS), default="docx", show_default=True,
              help="What --wait downloads: the .docx, its PDF, or both.")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Where to save the document with --wait (file or folder; default: here).")
def submit(server, token, template, province, period, data, report_number, report_date,
           signer_name, signer_title, idempotency_key, callback_url, wait, form,
           output) -> None:
    """Submit a job to a running server over HTTP (a progress bar on a terminal with --wait)."""
    from service.client import ApiClient, ClientError

    client = ApiClient(server, token=token)
    fields = _job_fields(template, province, period, report_number, report_date, signer_name,
                         signer_title)
    if callback_url:
        fields["callback_url"] = callback_url
    try:
        created = client.submit(fields, data, idempotency_key)
        click.echo(f"job {created['id']} {created['status']}")
        if not wait:
            if created["status"] in ("failed", "cancelled"):  # ended while it was answered
                sys.exit(EXIT_FAILED)
            return
        job = client.wait(created["status_url"], _Progress())
        print_problems(job["warnings"], "Lưu ý:")
        if job["status"] != "succeeded":
            print_problems(job["errors"], "Lỗi:")
            sys.exit(EXIT_FAILED)
        for saved in save_documents(client, job, form, output or Path.cwd()):
            click.echo(str(saved))
    except ClientError as e:
        refused(e)


@main.command()
@_job_options
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the .docx.")
def render(template, province, period, data, report_number, report_date, signer_name,
           signer_title, output) -> None:
    """Compile a report in this process, without Redis or a server (for template authors)."""
    from tasks.report.context import ReportOptions
    from tasks.report.errors import DataError, ReportError
    from tasks.report.kinds import Catalog
    from tasks.report.pipeline import compile_report
    from tasks.report.request import ReportRequest

    settings = load_settings()
    fields = _job_fields(template, province, period, report_number, report_date, signer_name,
                         signer_title)
    try:
        options = ReportOptions.from_dict(fields)
        request = ReportRequest(template, province or settings.default_province, period, options)
        compiled = compile_report(Catalog(settings.templates_dir), request, data.read_bytes())
    except DataError as e:
        print_problems([p.as_dict() for p in e.warnings()], "Lưu ý:")
        print_problems([p.as_dict() for p in e.problems()], "Lỗi:")
        sys.exit(EXIT_FAILED)
    except ReportError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        sys.exit(EXIT_USAGE)
    output.write_bytes(compiled.document)
    print_problems([p.as_dict() for p in compiled.warnings] + compiled.findings, "Lưu ý:")
    click.echo(str(output))


@main.command()
@click.option("--template", required=True, help="Report kind slug (gender-equality-month).")
@click.option("--province", default=None, help="Province slug (default from settings).")
@click.option("--period", required=True, help=PERIOD_HELP)
@click.option("--data", "data", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The data workbook (.xlsx, .ods or .csv).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def validate(template, province, period, data, as_json) -> None:
    """Check a data workbook without compiling it (exit 0 valid, 1 invalid, 2 usage)."""
    import json

    from tasks.report.errors import ReportError
    from tasks.report.intake import validate_upload
    from tasks.report.kinds import Catalog
    from tasks.report.request import ReportRequest

    settings = load_settings()
    request = ReportRequest(template, province or settings.default_province, period)
    try:
        result = validate_upload(Catalog(settings.templates_dir), request, data.read_bytes())
    except ReportError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    print_problems([p.as_dict() for p in result.warnings], "Lưu ý:")
    print_problems([p.as_dict() for p in result.errors], "Lỗi:")
    if not result.valid:
        sys.exit(EXIT_FAILED)
    if not as_json:
        units = result.summary.get("units") or {}
        click.echo(f"Dữ liệu hợp lệ: {units.get('reported', 0)}/{units.get('total', 0)} đơn vị "
                   "có số liệu.")


@main.command()
@click.option("--template", required=True)
@click.option("--province", default=None)
@click.option("--period", required=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def workbook(template, province, period, output) -> None:
    """Write the blank data workbook of a report kind, with the units of the period."""
    from tasks.report.errors import ReportError
    from tasks.report.input_workbook import make_input_workbook
    from tasks.report.kinds import Catalog
    from tasks.report.request import ReportRequest, resolve

    settings = load_settings()
    try:
        r = resolve(Catalog(settings.templates_dir),
                    ReportRequest(template, province or settings.default_province, period))
    except ReportError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        sys.exit(EXIT_USAGE)
    output.write_bytes(make_input_workbook(r.kind, r.province, r.period))
    click.echo(str(output))


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", default=None,
              help="The reports' period (2023, 2023-H1, …): checks the date and title against it.")
@click.option("--template", "slug", default=None,
              help="Report kind whose campaign a bare year means (default: the Decree 09 year).")
def check(files: tuple[Path, ...], period: str | None, slug: str | None) -> None:
    """Check .docx files against Decree 30/2020 and their period.

    The report date is read from each document's header; without --period the period is the
    one its summary line names. Errors and warnings are listed apart; exit 0 when no file has
    an error (warnings, such as a missing signer's name, do not fail), 1 otherwise.
    """
    from tasks.report.conformance import ConformanceError, check_document, format_findings

    expected = _expected(period, slug)
    failed = False
    for path in files:
        try:
            findings = check_document(path.read_bytes(), expected)
        except ConformanceError as e:
            click.echo(f"{path}: {e.message} [{e.code}]", err=True)
            sys.exit(EXIT_USAGE)
        errors = [f for f in findings if f.is_error]
        warnings = [f for f in findings if not f.is_error]
        verdict = f"{len(errors)} lỗi" if errors else "đạt thể thức"
        click.echo(f"{path}: {verdict}" + (f", {len(warnings)} lưu ý" if warnings else ""))
        for title, group in (("Lỗi:", errors), ("Lưu ý:", warnings)):
            if group:
                click.echo(title)
                click.echo(format_findings(group))
        failed = failed or bool(errors)
    sys.exit(EXIT_FAILED if failed else 0)


def _expected(period: str | None, slug: str | None):
    """The ``Expected`` of ``check``'s options: the period parsed as the kind reads it."""
    from tasks.report.conformance import Expected
    from tasks.report.errors import ReportError
    from tasks.report.kinds import Catalog
    from tasks.report.period import parse_period

    if period is None:
        return None
    try:
        if slug is None:
            return Expected.of(parse_period(period))
        kind = Catalog(load_settings().templates_dir).kind(slug)
        return Expected.of(parse_period(period, kind.forms, kind.campaign_windows()))
    except ReportError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        sys.exit(EXIT_USAGE)


@main.group()
def templates() -> None:
    """Work with report templates (.docx)."""


@templates.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--template", "slug", default=None,
              help="Report kind whose data names the template may use (default: all known).")
def templates_check(file: Path, slug: str | None) -> None:
    """Lint a template before use: syntax, split tags, unknown names, fields, links, macros."""
    from tasks.report.errors import ReportError
    from tasks.report.kinds import Catalog
    from tasks.report.template_lint import format_lint, lint_template

    catalog = Catalog(load_settings().templates_dir)
    try:
        kinds = [catalog.kind(slug)] if slug else list(catalog.kinds.values())
    except ReportError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        sys.exit(EXIT_USAGE)
    allowed = {name for kind in kinds for name in kind.context_names} or None
    findings = lint_template(file.read_bytes(), allowed)
    click.echo(format_lint(findings))
    sys.exit(EXIT_FAILED if findings else 0)


@templates.command("check-kind")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def templates_check_kind(folder: Path) -> None:
    """Check a report kind's folder as the service would load it, and lint its template.

    Prints every problem with its file and key (exit 1), or what the kind offers (exit 0).
    The province profiles are those of REPORTGEN_TEMPLATES_DIR.
    """
    from tasks.report.kind_problems import KindError, KindProblem
    from tasks.report.kinds import Catalog, load_kind
    from tasks.report.template_lint import lint_template

    catalog = Catalog(load_settings().templates_dir)
    try:
        kind = load_kind(folder)
        found = catalog.check(kind)
        found += [KindProblem(kind.definition.template, f.location, f.code, f.message)
                  for f in lint_template(kind.template_path.read_bytes(), kind.context_names)]
    except KindError as e:
        found = e.found
    if found:
        click.echo(f"{folder}: {len(found)} lỗi, loại báo cáo không dùng được:")
        for problem in found:
            click.echo(f"  - [{problem.code}] {problem.text()}")
        sys.exit(EXIT_FAILED)
    click.echo(f"{folder}: loại báo cáo «{kind.slug}» dùng được — {kind.title}; kỳ: "
               f"{kind.describe_periods()}; số liệu: {', '.join(sorted(kind.figures))}.")
