"""Settings of reportgen, read from the environment in this one place.

Both halves use them: the Flask app (``service.create_app``) and the Celery worker
(``tasks.celery_app.create_celery``). Variables carry the ``REPORTGEN_`` prefix, except the
conventional ``PORT``, ``REDIS_URL`` and ``DATABASE_URL``.

The data folder holds password hashes, token digests and every agency's jobs: it is made
private to the service's user (0700), and the service's processes create files 0600
(``private_files``).
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """An environment variable holds a value reportgen cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know about its surroundings.

    ``redis_url`` is ``None`` when no Redis was configured: ``reportgen run`` then starts an
    embedded one and fills it in for the processes it starts.
    """

    data_dir: Path
    database_url: str
    redis_url: str | None
    templates_dir: Path
    secret_key: str
    host: str = "127.0.0.1"
    port: int = 8000
    worker_concurrency: int = 2
    worker_memory_mb: int = 2048
    max_upload_bytes: int = 20 * 1024 * 1024  # set in whole MB
    default_province: str = "hoa-binh"
    default_kind: str = "gender-equality-month"
    task_soft_time_limit: int = 240
    task_time_limit: int = 300
    visibility_timeout: int = 3600
    max_attempts: int = 3
    page_size: int = 20
    lease_seconds: int = 30
    check_wait: int = 20  # seconds a submission is held for the worker's check of its data
    # (at most MAX_CHECK_WAIT: clients and the web's graceful stop are sized by it)
    reconcile_every: int = 30
    requeue_after: int = 60
    retention_days: int = 365
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    auth_required: bool = False
    secure_cookies: bool = False
    trusted_hosts: tuple[str, ...] = ()
    submit_rate: str = "20/minute"
    request_rate: str = "600/minute"
    proxy_hops: int = 0
    office_path: str | None = None
    office_python: str | None = None
    pdf_timeout: int = 60
    pdf_restart_after: int = 200
    webhook_hosts: tuple[str, ...] = ()
    webhook_secret: str | None = None
    webhook_attempts: int = 8
    webhook_backoff: int = 10

    @property
    def heartbeat_seconds(self) -> float:
        """How often a running job renews its lease: three renewals fit in one lease."""
        return self.lease_seconds / 3

    @property
    def worker_stall_seconds(self) -> float:
        """How long a worker's event loop may stand still, or leave waiting messages untaken
        with a pool process free, before the worker counts as stuck: two leases."""
        return 2.0 * self.lease_seconds


# Each default is written once, on the dataclass; ``load_settings`` reads it from there.
DEFAULTS = {f.name: f.default for f in fields(Settings) if f.default is not MISSING}
MB = 1024 * 1024
MAX_CHECK_WAIT = 60


def private_files() -> None:
    """From now on, files this process and its children create are 0600 and folders 0700.

    Called by the service's processes (web, worker, ``reportgen run``), so that the files
    other programs write for them — SQLite's ``-wal`` and ``-shm``, Redis's append-only file
    and log — are private too. Not by the CLI's file-writing commands: what they write for a
    person keeps the person's own umask.
    """
    os.umask(0o077)


def _private_folder(path: Path) -> None:
    """Create the data folder 0700, and make an existing one 0700 (it may predate this)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except PermissionError:
        pass  # not ours to change: the operator chose its rights


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1,
         maximum: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as e:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from e
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{name} must be at most {maximum}, got {value}")
    return value


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    """Use REPORTGEN_SECRET_KEY, or a random key kept in the data folder so sessions survive."""
    if env.get("REPORTGEN_SECRET_KEY"):
        return env["REPORTGEN_SECRET_KEY"]
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


# "20/minute", "100 per hour", "5/10 seconds": the syntax of the ``limits`` library.
_RATE = re.compile(r"^\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day)s?$", re.IGNORECASE)


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not _RATE.fullmatch(raw):
        raise SettingsError(f"{name} must look like 20/minute, got {raw!r}")
    return raw


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list, lower-cased, blanks dropped."""
    return tuple(h.strip().lower() for h in (env.get(name) or "").split(",") if h.strip())


def is_loopback(host: str) -> bool:
    """Whether a bind address is reachable only from this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _auth_required(env: Mapping[str, str], host: str) -> bool:
    """Sign-in is required off loopback, or everywhere with REPORTGEN_AUTH=required."""
    mode = (env.get("REPORTGEN_AUTH") or "auto").strip().lower()
    if mode not in ("auto", "required"):
        raise SettingsError(f"REPORTGEN_AUTH must be auto or required, got {mode!r}")
    return mode == "required" or not is_loopback(host)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (the process environment when ``None``).

    Raises ``SettingsError`` for a value that is present but unusable.
    """
    env = os.environ if env is None else env
    data_dir = Path(env.get("REPORTGEN_DATA_DIR") or "var").resolve()
    _private_folder(data_dir)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'reportgen.db'}"
    templates_dir = Path(env.get("REPORTGEN_TEMPLATES_DIR") or REPO_ROOT / "doc_templates")
    soft = _int(env, "REPORTGEN_TASK_SOFT_TIME_LIMIT", DEFAULTS["task_soft_time_limit"])
    hard = _int(env, "REPORTGEN_TASK_TIME_LIMIT", DEFAULTS["task_time_limit"])
    visibility = _int(env, "REPORTGEN_VISIBILITY_TIMEOUT", DEFAULTS["visibility_timeout"])
    if not soft < hard < visibility:
        raise SettingsError(
            "time limits must satisfy soft < hard < visibility timeout, got "
            f"{soft} / {hard} / {visibility}"
        )
    host = env.get("REPORTGEN_HOST") or DEFAULTS["host"]
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=env.get("REDIS_URL") or None,
        templates_dir=templates_dir.resolve(),
        secret_key=_secret_key(env, data_dir),
        host=host,
        port=_int(env, "PORT", DEFAULTS["port"]),
        worker_concurrency=_int(env, "REPORTGEN_WORKER_CONCURRENCY",
                                 DEFAULTS["worker_concurrency"]),
        worker_memory_mb=_int(env, "REPORTGEN_WORKER_MEMORY_MB",
                              DEFAULTS["worker_memory_mb"], minimum=0),
        max_upload_bytes=_int(env, "REPORTGEN_MAX_UPLOAD_MB",
                              DEFAULTS["max_upload_bytes"] // MB) * MB,
        default_province=(env.get("REPORTGEN_DEFAULT_PROVINCE")
                          or DEFAULTS["default_province"]),
        default_kind=env.get("REPORTGEN_DEFAULT_KIND") or DEFAULTS["default_kind"],
        task_soft_time_limit=soft,
        task_time_limit=hard,
        visibility_timeout=visibility,
        max_attempts=_int(env, "REPORTGEN_MAX_ATTEMPTS", DEFAULTS["max_attempts"]),
        page_size=_int(env, "REPORTGEN_PAGE_SIZE", DEFAULTS["page_size"]),
        lease_seconds=_int(env, "REPORTGEN_LEASE_SECONDS", DEFAULTS["lease_seconds"],
                           minimum=2),
        check_wait=_int(env, "REPORTGEN_CHECK_WAIT", DEFAULTS["check_wait"], minimum=0,
                        maximum=MAX_CHECK_WAIT),
        reconcile_every=_int(env, "REPORTGEN_RECONCILE_EVERY", DEFAULTS["reconcile_every"]),
        requeue_after=_int(env, "REPORTGEN_REQUEUE_AFTER", DEFAULTS["requeue_after"]),
        retention_days=_int(env, "REPORTGEN_RETENTION_DAYS", DEFAULTS["retention_days"]),
        storage_url=env.get("REPORTGEN_STORAGE_URL") or None,
        s3_endpoint_url=env.get("REPORTGEN_S3_ENDPOINT_URL") or None,
        auth_required=_auth_required(env, host),
        secure_cookies=_flag(env, "REPORTGEN_SECURE_COOKIES"),
        trusted_hosts=tuple(h.strip() for h in (env.get("REPORTGEN_TRUSTED_HOSTS") or "")
                            .split(",") if h.strip()),
        submit_rate=_rate(env, "REPORTGEN_SUBMIT_RATE", DEFAULTS["submit_rate"]),
        request_rate=_rate(env, "REPORTGEN_REQUEST_RATE", DEFAULTS["request_rate"]),
        proxy_hops=_int(env, "REPORTGEN_PROXY_HOPS", DEFAULTS["proxy_hops"], minimum=0),
        office_path=env.get("REPORTGEN_OFFICE") or None,
        office_python=env.get("REPORTGEN_OFFICE_PYTHON") or None,
        pdf_timeout=_int(env, "REPORTGEN_PDF_TIMEOUT", DEFAULTS["pdf_timeout"]),
        pdf_restart_after=_int(env, "REPORTGEN_PDF_RESTART_AFTER",
                                DEFAULTS["pdf_restart_after"]),
        webhook_hosts=_list(env, "REPORTGEN_WEBHOOK_HOSTS"),
        webhook_secret=env.get("REPORTGEN_WEBHOOK_SECRET") or None,
        webhook_attempts=_int(env, "REPORTGEN_WEBHOOK_ATTEMPTS", DEFAULTS["webhook_attempts"]),
        webhook_backoff=_int(env, "REPORTGEN_WEBHOOK_BACKOFF", DEFAULTS["webhook_backoff"]),
    )
