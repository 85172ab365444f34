"""The front end of reportgen: the Flask app (web pages and JSON API) and the CLI.

Dependency rule: ``service`` may import ``tasks``; ``tasks`` never imports ``service``; the
``api`` and ``web`` blueprints do not import each other.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from tasks.celery_app import create_celery
from tasks.runtime import Runtime
from tasks.settings import Settings, load_settings

csrf = CSRFProtect()

_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                               "base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings | None = None, config: dict | None = None) -> Flask:
    """Build the Flask app from ``settings`` (read from the environment when ``None``).

    ``config`` overrides Flask configuration keys (tests use it).
    """
    from service import api, web
    from service.errors import register_error_handlers

    settings = settings or load_settings()
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Room for the multipart envelope around the largest accepted file.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 256 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MAX_FORM_PARTS=50,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.extensions["reportgen"] = Runtime(settings)
    app.extensions["celery"] = create_celery(settings)
    csrf.init_app(app)
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(web.bp)
    register_error_handlers(app, web.render_error)

    @app.after_request
    def _security_headers(response):
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
