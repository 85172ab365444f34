"""The ``reportgen`` command: run the service, submit jobs, render offline, manage accounts.

Exit codes: 0 success; 1 the job failed (its errors are printed with their cells); 2 a usage
error or a request the server refused; 3 the server could not be reached.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from service.account_commands import tokens, users, warn_without_users
from tasks.settings import load_settings, private_files

EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 1, 2, 3


def _print_problems(problems: list[dict], title: str) -> None:
    if not problems:
        return
    click.echo(title, err=True)
    for p in problems:
        where = " ".join(x for x in (p.get("sheet"), p.get("cell")) if x)
        click.echo(f"  - [{p.get('code')}] {where + ': ' if where else ''}{p.get('message')}",
                   err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """reportgen: compile provincial data workbooks into official Word reports."""


main.add_command(users)
main.add_command(tokens)


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
        click.option("--period", required=True, help="2023, 2023-Q4, 2023-H2, 2023-11 or a range."),
        click.option("--data", "data", required=True,
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="The data workbook (.xlsx or .csv)."),
        click.option("--report-number", default=None, help="Report number (e.g. 5 → Số: 05/…)."),
        click.option("--report-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Report date, YYYY-MM-DD (default: today)."),
        click.option("--signer-name", default=None),
        click.option("--signer-title", default=None),
    ]):
        f = option(f)
    return f


@main.command()
@click.option("--server", default="http://127.0.0.1:8000", show_default=True)
@click.option("--token", envvar="REPORTGEN_TOKEN", show_envvar=True, default=None,
              help="API token, for a server that requires sign-in.")
@_job_options
@click.option("--wait/--no-wait", default=False, help="Wait for the job and download the document.")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Where to save the document with --wait (file or folder; default: here).")
def submit(server, token, template, province, period, data, report_number, report_date,
           signer_name, signer_title, wait, output) -> None:
    """Submit a job to a running server over HTTP."""
    from service.client import ApiClient, ClientError

    client = ApiClient(server, token=token)
    fields = _job_fields(template, province, period, report_number, report_date, signer_name,
                         signer_title)
    try:
        created = client.submit(fields, data)
        click.echo(f"job {created['id']} {created['status']}")
        if not wait:
            return
        job = client.wait(created["status_url"], lambda j: click.echo(
            f"  {j['status']:<9} {j['progress']:>3}% {j['stage']}", err=True))
        _print_problems(job["warnings"], "Lưu ý:")
        if job["status"] != "succeeded":
            _print_problems(job["errors"], "Lỗi:")
            sys.exit(EXIT_FAILED)
        saved = client.download(job["document"]["url"], output or Path.cwd())
        click.echo(str(saved))
    except ClientError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        _print_problems(e.details, "Chi tiết:")
        if e.code == "invalid_data":  # the data failed the checks: a failed job, not misuse
            sys.exit(EXIT_FAILED)
        sys.exit(EXIT_UNREACHABLE if e.status == 0 else EXIT_USAGE)


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
    from tasks.report.pipeline import ReportRequest, compile_report

    settings = load_settings()
    fields = _job_fields(template, province, period, report_number, report_date, signer_name,
                         signer_title)
    try:
        options = ReportOptions.from_dict(fields)
        request = ReportRequest(template, province or settings.default_province, period, options)
        compiled = compile_report(Catalog(settings.templates_dir), request, data.read_bytes(),
                                  today=date.today())
    except DataError as e:
        _print_problems([p.as_dict() for p in e.warnings()], "Lưu ý:")
        _print_problems([p.as_dict() for p in e.problems()], "Lỗi:")
        sys.exit(EXIT_FAILED)
    except ReportError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        sys.exit(EXIT_USAGE)
    output.write_bytes(compiled.document)
    _print_problems([p.as_dict() for p in compiled.warnings], "Lưu ý:")
    click.echo(str(output))


@main.command()
@click.option("--template", required=True, help="Report kind slug (gender-equality-month).")
@click.option("--province", default=None, help="Province slug (default from settings).")
@click.option("--period", required=True, help="2023, 2023-Q4, 2023-H2, 2023-11 or a range.")
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
    from tasks.report.pipeline import ReportRequest

    settings = load_settings()
    request = ReportRequest(template, province or settings.default_province, period)
    try:
        result = validate_upload(Catalog(settings.templates_dir), request, data.read_bytes())
    except ReportError as e:
        click.echo(f"reportgen: {e.message} [{e.code}]", err=True)
        sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    _print_problems([p.as_dict() for p in result.warnings], "Lưu ý:")
    _print_problems([p.as_dict() for p in result.errors], "Lỗi:")
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
    from tasks.report.pipeline import ReportRequest, resolve

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
def check(files: tuple[Path, ...]) -> None:
    """Check .docx files against the format of Decree 30/2020 (exit 0 when all conform)."""
    from tasks.report.conformance import ConformanceError, check_document, format_findings

    failed = False
    for path in files:
        try:
            findings = check_document(path.read_bytes())
        except ConformanceError as e:
            click.echo(f"{path}: {e.message} [{e.code}]", err=True)
            sys.exit(EXIT_USAGE)
        click.echo(f"{path}: {len(findings)} sai lệch" if findings else f"{path}: đạt thể thức")
        if findings:
            click.echo(format_findings(findings))
            failed = True
    sys.exit(EXIT_FAILED if failed else 0)


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
    allowed = {name for kind in kinds for name in kind.context_keys} or None
    findings = lint_template(file.read_bytes(), allowed)
    click.echo(format_lint(findings))
    sys.exit(EXIT_FAILED if findings else 0)
