"""Signed callbacks: when a job with a ``callback_url`` ends, a worker POSTs its status JSON.

The body is exactly what ``GET /api/v1/jobs/<id>`` answers. Headers:

- ``X-Reportgen-Timestamp``: Unix seconds when this attempt was signed;
- ``X-Reportgen-Signature``: ``sha256=`` and the hex HMAC-SHA256, keyed with the site's
  ``REPORTGEN_WEBHOOK_SECRET``, of ``<timestamp>.`` followed by the raw body (RFC 2104);
- ``X-Reportgen-Delivery``: the same on every attempt for one job (receivers drop repeats);
- ``X-Reportgen-Event``: ``job.finished``.

Only ``http``/``https`` URLs whose host an admin listed in ``REPORTGEN_WEBHOOK_HOSTS`` are
accepted. At delivery the host is resolved and the request goes to the address that was
checked (no second lookup to rebind): loopback, link-local (the cloud metadata address
169.254.169.254 among them), unspecified, multicast and reserved addresses are refused unless
that very address is listed. Redirects are not followed.

Delivery never holds up the job: it is its own task, retried with exponential backoff
(``REPORTGEN_WEBHOOK_BACKOFF`` seconds doubling, at most 15 minutes apart) until a 2xx answer or
``REPORTGEN_WEBHOOK_ATTEMPTS`` tries. It is at-least-once: a worker lost between the
receiver's 2xx and recording it sends again, with the same delivery id.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from urllib.parse import urlsplit

import urllib3
from celery import Celery, shared_task
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from tasks.celery_app import QUEUE
from tasks.runtime import Runtime
from tasks.status import job_status
from tasks.store.callbacks import Attempt

log = logging.getLogger(__name__)
DELIVER_TASK = "reportgen.deliver_callback"
SIGNATURE_HEADER = "X-Reportgen-Signature"
TIMESTAMP_HEADER = "X-Reportgen-Timestamp"
DELIVERY_HEADER = "X-Reportgen-Delivery"
EVENT_HEADER = "X-Reportgen-Event"
MAX_URL = 2048
MAX_BACKOFF = 900.0
HOLD_SECONDS = 60.0  # an attempt's claim: no other attempt starts meanwhile
TIMEOUT = urllib3.Timeout(connect=5.0, read=15.0)
# Metadata services outside the link-local range (Alibaba Cloud; AWS's IPv6 one).
METADATA = frozenset({ipaddress.ip_address("100.100.100.200"),
                      ipaddress.ip_address("fd00:ec2::254")})


class CallbackRefused(Exception):
    """A callback URL that may not be used: ``code`` for scripts, ``message`` Vietnamese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``host`` is listed: exactly, or under a listed ``.domain``."""
    host = host.lower().rstrip(".")
    return any(host == entry or (entry.startswith(".") and host.endswith(entry))
               for entry in allowed)


def check_callback_url(url: str, allowed: tuple[str, ...], secret: str | None) -> str:
    """``url`` stripped, when callbacks may be sent there; ``CallbackRefused`` otherwise."""
    url = (url or "").strip()
    if not secret:
        raise CallbackRefused("callbacks_disabled", "Máy chủ chưa bật callback "
                              "(quản trị viên cần đặt REPORTGEN_WEBHOOK_SECRET).")
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname \
            or parts.username is not None or parts.password is not None:
        raise CallbackRefused("invalid_callback_url", "callback_url phải là địa chỉ http(s) "
                              "đầy đủ, không chứa tên đăng nhập hay mật khẩu.")
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError as e:
        raise CallbackRefused("invalid_callback_url", "Cổng trong callback_url không hợp lệ.") \
            from e
    if not host_allowed(parts.hostname, allowed):
        raise CallbackRefused("callback_not_allowed", f"Máy «{parts.hostname}» không nằm trong "
                              "danh sách được nhận callback (REPORTGEN_WEBHOOK_HOSTS).")
    return url


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return (address.is_loopback or address.is_link_local or address.is_unspecified
            or address.is_multicast or address.is_reserved or address in METADATA)


def resolve(host: str, port: int, allowed: tuple[str, ...]) -> str:
    """The address to connect to for ``host``; ``CallbackRefused`` when every address it
    resolves to is internal and not itself listed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise CallbackRefused("callback_unresolvable", f"Không tra được địa chỉ {host}.") from e
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not _internal(address) or str(address) in allowed:
            return str(address)
    raise CallbackRefused("callback_address_refused", f"{host} trỏ tới địa chỉ nội bộ "
                          "(loopback, link-local, metadata) không được liệt kê.")


def post(url: str, address: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url`` through ``address`` (TLS still checks ``url``'s host name);
    returns the status code. Raises ``urllib3.exceptions.HTTPError`` or ``OSError``."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(address, parts.port or 443, timeout=TIMEOUT,
                                           retries=False, server_hostname=parts.hostname,
                                           assert_hostname=parts.hostname)
    else:
        pool = urllib3.HTTPConnectionPool(address, parts.port or 80, timeout=TIMEOUT,
                                          retries=False)
    with pool:
        response = pool.urlopen("POST", target, body=body, redirect=False, retries=False,
                                headers={**headers, "Host": parts.netloc})
        return response.status


def backoff(base: float, attempt: int) -> float:
    """Seconds before try ``attempt + 1``: ``base`` doubling per try, at most 15 minutes."""
    return min(MAX_BACKOFF, base * 2 ** (attempt - 1))


def _send(runtime: Runtime, attempt: Attempt) -> str | None:
    """One attempt; ``None`` when the receiver accepted, else why not. Raises
    ``CallbackRefused`` when the URL may not be used (no point trying again)."""
    settings = runtime.settings
    check_callback_url(attempt.url, settings.webhook_hosts, settings.webhook_secret)
    parts = urlsplit(attempt.url)
    address = resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                      settings.webhook_hosts)
    job = runtime.jobs.get(attempt.job_id)
    body = json.dumps(job_status(job), ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "reportgen-callback",
               TIMESTAMP_HEADER: str(timestamp),
               SIGNATURE_HEADER: sign(settings.webhook_secret or "", timestamp, body),
               DELIVERY_HEADER: f"{attempt.job_id}.finished", EVENT_HEADER: "job.finished"}
    try:
        status = post(attempt.url, address, body, headers)
    except (urllib3.exceptions.HTTPError, OSError) as e:
        return f"{type(e).__name__}: {e}"[:255]
    return None if 200 <= status < 300 else f"HTTP {status}"


def deliver(runtime: Runtime, job_id: str) -> tuple[str, float]:
    """Try to deliver ``job_id``'s callback once: ``delivered``, ``skipped`` (nothing to do
    now), ``failed`` (for good), or ``retry`` with the seconds to wait."""
    settings = runtime.settings
    attempt = runtime.callbacks.claim(job_id, HOLD_SECONDS)
    if attempt is None:
        return "skipped", 0.0
    try:
        error = _send(runtime, attempt)
    except CallbackRefused as e:
        log.warning("job %s: callback refused: %s", job_id, e.message)
        runtime.callbacks.retry_later(attempt, e.code, 0, give_up=True)
        return "failed", 0.0
    if error is None:
        runtime.callbacks.delivered(attempt)
        return "delivered", 0.0
    give_up = attempt.number >= settings.webhook_attempts
    wait = backoff(settings.webhook_backoff, attempt.number)
    runtime.callbacks.retry_later(attempt, error, wait, give_up)
    log.info("job %s: callback attempt %d failed (%s)%s", job_id, attempt.number, error,
             "; giving up" if give_up else f"; again in {wait:.0f} s")
    return ("failed", 0.0) if give_up else ("retry", wait)


@shared_task(bind=True, name=DELIVER_TASK, ignore_result=True, max_retries=None)
def deliver_callback_task(self, job_id: str) -> str:
    """Celery entry point: one delivery attempt, and the next one scheduled if it failed."""
    outcome, wait = deliver(self.app.reportgen, job_id)
    if outcome == "retry":
        raise self.retry(countdown=wait + 1)
    return outcome


def job_ended(runtime: Runtime, app: Celery, job_id: str, status: str) -> None:
    """After a job ends: wake whoever waits for it, and send its callback if it has one.

    A broker that cannot be reached only delays the callback: the reconciler sends it.
    """
    if runtime.events is not None:
        runtime.events.finished(job_id, status)
    job = runtime.jobs.get(job_id)
    if job is None or not job.callback_url:
        return
    try:
        app.send_task(DELIVER_TASK, args=[job_id], queue=QUEUE)
    except (OperationalError, RedisError, OSError) as e:
        log.warning("job %s: callback not queued now (%s); the reconciler will", job_id, e)


def resend_due(runtime: Runtime, app: Celery) -> int:
    """Queue the callbacks that are due but have no attempt under way; returns how many."""
    due = runtime.callbacks.due(runtime.settings.requeue_after)
    for job_id in due:
        app.send_task(DELIVER_TASK, args=[job_id], queue=QUEUE)
    return len(due)
