"""The front end of reportgen: the Flask app (web pages and JSON API) and the CLI.

Dependency rule: ``service`` may import ``tasks``; ``tasks`` never imports ``service``; the
``api`` and ``web`` blueprints do not import each other.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from service.body_deadline import BodyDeadline
from service.form_parsing import UploadRequest
from tasks.celery_app import create_celery
from tasks.runtime import Runtime
from tasks.settings import Settings, load_settings, private_files

csrf = CSRFProtect()

_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                               "base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _bound_urlencoded_body() -> None:
    # Werkzeug reads a urlencoded body whole, and MAX_FORM_MEMORY_SIZE applies to multipart
    # fields only: without this a login POST could make the app parse MAX_CONTENT_LENGTH.
    if request.mimetype == "application/x-www-form-urlencoded":
        request.max_content_length = current_app.config["MAX_FORM_MEMORY_SIZE"]


def create_app(settings: Settings | None = None, config: dict | None = None) -> Flask:
    """Build the Flask app from ``settings`` (read from the environment when ``None``).

    ``config`` overrides Flask configuration keys (tests use it).
    """
    from service import access, api, ratelimit, web
    from service.errors import register_error_handlers

    private_files()  # the web process writes uploads, and SQLite its -wal and -shm
    settings = settings or load_settings()
    app = Flask(__name__, static_folder=None)
    app.request_class = UploadRequest
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Room for the multipart envelope around the largest accepted file.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 256 * 1024,
        # Per text field; file parts are not held to it (see service.form_parsing).
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MAX_FORM_PARTS=50,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        TRUSTED_HOSTS=list(settings.trusted_hosts) or None,
        # Never the debugger in a served app, whatever FLASK_DEBUG says.
        DEBUG=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(config or {})
    app.wsgi_app = BodyDeadline(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])
    if settings.proxy_hops:  # behind N proxies: the client's address is in X-Forwarded-For
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.json.ensure_ascii = False
    app.extensions["reportgen"] = Runtime(settings)
    app.extensions["celery"] = create_celery(settings)
    app.before_request(_bound_urlencoded_body)  # before CSRF, which reads the form
    csrf.init_app(app)
    csrf.exempt(api.bp)
    access.init_app(app)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(web.bp)
    ratelimit.init_app(app, settings)
    register_error_handlers(app, web.render_error)

    @app.after_request
    def _security_headers(response):
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.secure_cookies:  # served over TLS: browsers should not try plain HTTP
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return app
