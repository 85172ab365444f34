"""``reportgen users …`` and ``reportgen tokens …``: the accounts of a site that requires sign-in.

They work on the database of this machine's settings (``REPORTGEN_DATA_DIR``,
``DATABASE_URL``), not over HTTP. A token is printed once, when it is created; only its hash
is stored. Exit codes: 0 done, 2 a request that cannot be done (its reason is printed).
"""

from __future__ import annotations

import getpass
import sys

import click

from tasks.runtime import Runtime
from tasks.settings import Settings, load_settings
from tasks.store import StoreError
from tasks.store.accounts import AccountError, Accounts, Role, parse_token
from tasks.store.records import utcnow

EXIT_USAGE = 2


def _accounts() -> Accounts:
    return Runtime(load_settings()).accounts


def _audit(action: str, target: str, details: dict | None = None) -> None:
    """Record an account change in the audit log, as ``cli:<the OS user running it>``."""
    Runtime(load_settings()).audit.record(f"cli:{getpass.getuser()}", action, target, details,
                                          via="cli")


def _refuse(message: str) -> None:
    click.echo(f"reportgen: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _day(moment) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "-"


def warn_without_users(settings: Settings) -> None:
    """Say so when sign-in is required and nobody can sign in yet."""
    if not settings.auth_required:
        return
    try:
        empty = not Runtime(settings).accounts.list_users()
    except StoreError:
        return  # the server itself will report the database
    if empty:
        click.echo("reportgen: sign-in is required on this address and there is no user yet: "
                   "reportgen users create --username NAME --role admin", err=True)


@click.group()
def users() -> None:
    """Manage the people who sign in (officers of an agency, and admins)."""


@users.command("create")
@click.option("--username", required=True, help="Lowercase letters, digits, '.', '_', '-'.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--agency", default=None,
              help="Agency slug, e.g. so-ldtbxh-hoa-binh (required for officers).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin instead of a prompt.")
def create_user(username: str, role: str, agency: str | None, password_stdin: bool) -> None:
    """Add a user. The password is asked twice, or read from stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = _accounts().create_user(username, password, role, agency)
    except AccountError as e:
        _refuse(str(e))
    _audit("user.create", user.username, {"role": user.role, "agency": user.agency})
    click.echo(f"user {user.username} created: {user.role}"
               + (f", agency {user.agency}" if user.agency else ""))


@users.command("password")
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin instead of a prompt.")
def set_password(username: str, password_stdin: bool) -> None:
    """Change a user's password; every page session they have open ends."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        ended = _accounts().set_password(username, password)
    except AccountError as e:
        _refuse(str(e))
    click.echo(f"password of {username.strip().lower()} changed; {ended} session(s) ended")


@users.command("list")
def list_users() -> None:
    """List the users: name, role, agency, creation day."""
    for user in _accounts().list_users():
        click.echo(f"{user.username:<24} {user.role:<8} {user.agency or '-':<32} "
                   f"{_day(user.created_at)}")


@click.group()
def tokens() -> None:
    """Create, list and revoke API tokens (sent as ``Authorization: Bearer <token>``)."""


@tokens.command("create")
@click.option("--user", "username", required=True, help="Whose token it is.")
@click.option("--name", default="", help="A label, e.g. the script that uses it.")
@click.option("--expires-days", type=click.IntRange(min=1), default=None,
              help="Days until it stops working (default: never).")
def create_token(username: str, name: str, expires_days: int | None) -> None:
    """Create a token and print it, once: it cannot be shown again."""
    try:
        token_id, text = _accounts().create_token(username, name, expires_days)
    except AccountError as e:
        _refuse(str(e))
    _audit("token.create", token_id, {"user": username.strip().lower(), "name": name,
                                      "expires_days": expires_days})
    until = f"expires in {expires_days} days" if expires_days else "does not expire"
    click.echo(f"token {token_id} for {username.strip().lower()} ({until}); "
               "keep it now, it is not shown again:", err=True)
    click.echo(text)


@tokens.command("list")
def list_tokens() -> None:
    """List the tokens: id, user, label, created, expires, state (never the token itself)."""
    now = utcnow()
    for token in _accounts().list_tokens():
        state = ("revoked" if token.revoked_at else "active" if token.active(now)
                 else "expired")
        click.echo(f"{token.id}  {token.username:<24} {token.name or '-':<24} "
                   f"{_day(token.created_at)}  {_day(token.expires_at):<10}  {state}")


@tokens.command("revoke")
@click.argument("token_id")
def revoke_token(token_id: str) -> None:
    """Revoke the token TOKEN_ID (the id `tokens list` shows; a whole token also works)."""
    parsed = parse_token(token_id)
    token_id = parsed[0] if parsed else token_id
    if not _accounts().revoke_token(token_id):
        _refuse(f"no token {token_id!r}")
    _audit("token.revoke", token_id)
    click.echo(f"token {token_id} revoked")
