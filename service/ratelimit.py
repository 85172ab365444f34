"""Rate limits (Flask-Limiter), counted in the Celery broker's Redis so that every web process
shares one count per client.

A client is its API token, else its signed-in user, else its remote address. Every request
counts against ``REPORTGEN_REQUEST_RATE``; job submissions (and validations) against
``REPORTGEN_SUBMIT_RATE``; login attempts against ``LOGIN_RATE``. Too many answer 429 with
``Retry-After``.

``memory://`` storage is refused outside tests: each process would count alone. When Redis
cannot be reached the limiter logs a warning and counts in this process's memory until Redis
answers again, so a Redis hiccup never stops anyone reading a job's status.

Limits apply when sign-in is required; in single-user mode the only client is this machine.
"""

from __future__ import annotations

import math
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Flask, Response, request
from flask_limiter import Limiter
from redis.exceptions import RedisError

from service.access import current_principal
from tasks.settings import Settings, SettingsError

LOGIN_RATE = "10/minute"
# Seconds the limiter waits for Redis before it falls back to counting in memory.
_REDIS_TIMEOUT = 2


def storage_uri(redis_url: str) -> str:
    """The ``limits`` spelling of a Celery Redis URL: ``redis+socket://`` → ``redis+unix://``."""
    parts = urlsplit(redis_url)
    if parts.scheme != "redis+socket":
        return redis_url
    query = urlencode([("db", v) if k == "virtual_host" else (k, v)
                       for k, v in parse_qsl(parts.query)])
    # Spelled out: urlunsplit would drop the empty host, leaving "redis+unix:/path".
    return f"redis+unix://{parts.netloc}{parts.path}" + (f"?{query}" if query else "")


def rate_key() -> str:
    principal = current_principal()
    return principal.rate_key if principal is not None else f"addr:{request.remote_addr}"


def _seconds_to_reset(limiter: Limiter) -> int:
    limit = limiter.current_limit
    if limit is None:
        return 60
    window = limit.limit.get_expiry()
    try:
        return max(1, min(window, math.ceil(limit.reset_at - time.time())))
    except (RedisError, OSError):
        return window


def _configure_storage(app: Flask, settings: Settings) -> None:
    if not settings.redis_url and not app.config.get("RATELIMIT_STORAGE_URI"):
        raise SettingsError("rate limits are counted in Redis: set REDIS_URL")
    uri = app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(settings.redis_url or ""))
    if uri.startswith("memory://"):
        if not app.testing:
            raise SettingsError("memory:// rate-limit storage counts per process; use Redis")
    else:
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {
            "socket_timeout": _REDIS_TIMEOUT, "socket_connect_timeout": _REDIS_TIMEOUT})
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "reportgen")


def _limit_view(app: Flask, limiter: Limiter, endpoint: str, rate: str, **options) -> None:
    # The limiter is one per app (its storage and rates are), so views are wrapped here
    # rather than decorated where they are defined.
    view = app.view_functions.get(endpoint)
    if view is not None:
        app.view_functions[endpoint] = limiter.limit(rate, **options)(view)


def init_app(app: Flask, settings: Settings) -> Limiter | None:
    """Attach the limiter to ``app`` after its blueprints are registered; ``None`` in
    single-user mode. Raises ``SettingsError`` without Redis or with ``memory://`` in
    production."""
    if not settings.auth_required:
        return None
    _configure_storage(app, settings)
    limiter = Limiter(rate_key, app=app, default_limits=[settings.request_rate],
                      strategy="moving-window", swallow_errors=True,
                      in_memory_fallback_enabled=True)
    limiter.exempt(app.view_functions["api.health"])
    _limit_view(app, limiter, "api.create_job", settings.submit_rate)
    # Validation reads the whole workbook in the web process: it costs what a submission does.
    _limit_view(app, limiter, "api.validate_upload", settings.submit_rate)
    _limit_view(app, limiter, "web.index", settings.submit_rate, methods=["POST"])
    # A re-run creates a job as a submission does.
    _limit_view(app, limiter, "api.rerun", settings.submit_rate)
    _limit_view(app, limiter, "web.job_rerun", settings.submit_rate)
    _limit_view(app, limiter, "web.login", LOGIN_RATE, methods=["POST"])

    @app.after_request
    def _retry_after(response: Response) -> Response:
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(_seconds_to_reset(limiter))
        return response

    return limiter
