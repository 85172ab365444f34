"""Who is asking and what they may see: a token holder (API), a signed-in user (pages), or the
local admin of single-user mode.

The API is authenticated by ``Authorization: Bearer`` only, never by the session cookie, so a
cross-site form carrying the cookie cannot act through it. The pages use the session that the
login form opens; the cookie carries the id of a session kept on the server
(``tasks.store.sessions``), which logging out or a password change ends, so a copied cookie
stops working then. On a loopback address without ``REPORTGEN_AUTH=required`` nobody signs in
and every request acts as the local admin, ``Owner(None, "local")``.

An officer sees the jobs of their agency, an admin every job. A job someone may not see
answers exactly as a job that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Flask, current_app, g, request, session, url_for

from service.errors import ApiError
from service.runtime import runtime
from service.submission import Owner
from tasks.store.accounts import Role, User, parse_token
from tasks.store.records import Job

REALM = 'Bearer realm="reportgen"'
# API endpoints answered without a token: container health checks call the first; the
# contract (the OpenAPI document) holds nothing secret.
PUBLIC_API = frozenset({"api.health", "api.openapi"})


@dataclass(frozen=True)
class Principal:
    """Someone the service acts for; ``token_id`` is set when they came with an API token."""

    user: str
    role: str
    agency: str | None
    token_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def owner(self) -> Owner:
        """Whose jobs this principal's submissions become."""
        return Owner(self.agency, self.user)

    @property
    def rate_key(self) -> str:
        """What rate limits count by: the token, else the user."""
        return f"token:{self.token_id}" if self.token_id else f"user:{self.user}"

    @property
    def history_scope(self) -> str | None:
        """The agency whose jobs the history lists; ``None`` (every job) for an admin."""
        return None if self.is_admin else self.agency

    def may_see(self, job: Job) -> bool:
        return self.is_admin or (self.agency is not None and job.agency == self.agency)


LOCAL_ADMIN = Principal("local", Role.ADMIN, None)


def auth_required() -> bool:
    return runtime().settings.auth_required


def _principal(user: User | None, token_id: str | None = None) -> Principal | None:
    # An officer without an agency (a row edited by hand) would see nothing: refuse them.
    if user is None or (user.role != Role.ADMIN and not user.agency):
        return None
    return Principal(user.username, user.role, user.agency, token_id)


def _from_bearer() -> tuple[Principal | None, str | None]:
    """The token holder, or ``None`` and why not (``missing`` or ``invalid``)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None, "missing"
    scheme, _, token = header.partition(" ")
    parsed = parse_token(token.strip()) if scheme.lower() == "bearer" else None
    if parsed is None:
        return None, "invalid"
    user = runtime().accounts.find_token(token.strip())
    principal = _principal(user, parsed[0])
    return principal, None if principal is not None else "invalid"


def _from_session() -> Principal | None:
    name, session_id = session.get("user"), session.get("sid")
    if not name or not session_id:
        return None
    rt = runtime()
    if rt.sessions.user_of(session_id) != name:
        return None  # ended (logout, password change), expired, or never opened here
    return _principal(rt.accounts.get_user(name))


def identify() -> None:
    """Before every request: set ``g.principal`` (``None`` when nobody valid is asking) and,
    for the API, ``g.auth_problem``. Nothing is refused here; the blueprints refuse."""
    g.principal, g.auth_problem = None, None
    if not auth_required():
        g.principal = LOCAL_ADMIN
    elif request.path.startswith("/api/"):
        g.principal, g.auth_problem = _from_bearer()
    else:
        g.principal = _from_session()


def current_principal() -> Principal | None:
    return g.get("principal")


def unauthorized() -> ApiError:
    """The 401 of a request without a valid token, with its ``WWW-Authenticate`` challenge."""
    if g.get("auth_problem") == "invalid":
        return ApiError(401, "invalid_token",
                        "Mã truy cập không hợp lệ, đã bị thu hồi hoặc đã hết hạn.",
                        headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    return ApiError(401, "token_required",
                    "Cần mã truy cập: gửi tiêu đề Authorization: Bearer <mã truy cập>.",
                    headers={"WWW-Authenticate": REALM})


def require_token() -> None:
    """Before every API request: 401 unless a valid token came with it (or it is public)."""
    if current_principal() is None and request.endpoint not in PUBLIC_API:
        raise unauthorized()


def admin_required(view):
    """Decorate an API view that only admins may call: 401 without a token, 403 for others."""

    @wraps(view)
    def guarded(*args, **kwargs):
        principal = current_principal()
        if principal is None:
            raise unauthorized()
        if not principal.is_admin:
            raise ApiError(403, "forbidden", "Chỉ quản trị viên được dùng chức năng này.")
        return view(*args, **kwargs)

    return guarded


def visible_job(job: Job | None) -> Job | None:
    """``job`` when the current principal may see it, else ``None`` (as if it did not exist)."""
    principal = current_principal()
    if job is None or principal is None or not principal.may_see(job):
        return None
    return job


def log_in(user: User) -> None:
    """Open a fresh session for ``user`` (nothing of the previous session is kept)."""
    session.clear()
    lifetime = current_app.permanent_session_lifetime
    session["sid"] = runtime().sessions.open(user.username, lifetime)
    session["user"] = user.username
    session.permanent = True


def log_out() -> None:
    """End the session on the server too: the cookie, replayed, no longer signs anyone in."""
    if session.get("sid"):
        runtime().sessions.revoke(session["sid"])
    session.clear()


def local_target(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page: no open redirect."""
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable() and " " not in target):
        return target
    return url_for("web.index")


def init_app(app: Flask) -> None:
    """Identify every request; register before the rate limiter, whose key is the principal."""
    app.before_request(identify)
