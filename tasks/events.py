"""Job events over Redis pub/sub: a worker announces a finished job, waiting clients wake up.

Only an optimisation over polling the job table: the table stays the truth, a missed event
costs a waiter its timeout, never a wrong answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

import redis

log = logging.getLogger(__name__)
_PREFIX = "reportgen:job-finished:"
# Channel prefix of "a job's PDF is ready, or could not be made".
PDF_PREFIX = "reportgen:pdf-done:"
# Channel prefix of "the worker read and validated a job's upload and found no error", and
# what is announced there.
ACCEPTED_PREFIX = "reportgen:job-accepted:"
ACCEPTED = "accepted"
# What a submission waits for: its data accepted, or the job ended (rejected, failed, ...).
CHECKED = (ACCEPTED_PREFIX, _PREFIX)


def redis_client(url: str) -> redis.Redis:
    """A redis-py client for a broker URL (kombu's ``redis+socket://`` included)."""
    parts = urlsplit(url)
    if parts.scheme == "redis+socket":
        return redis.Redis(unix_socket_path=parts.path, socket_timeout=5)
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class JobEvents:
    """Publish and await "job finished" events on the broker's Redis."""

    def __init__(self, url: str) -> None:
        self.client = redis_client(url)

    def finished(self, job_id: str, status: str, prefix: str = _PREFIX) -> None:
        """Announce that ``job_id`` ended (with ``PDF_PREFIX``: that its PDF is done); a
        Redis error is logged (waiters then time out)."""
        try:
            self.client.publish(prefix + job_id, status)
        except redis.RedisError as e:
            log.warning("could not announce the end of job %s: %s", job_id, e)

    def wait(self, job_id: str, timeout: float, running: Callable[[], bool],
             prefix: str = _PREFIX) -> None:
        """Return when ``job_id`` ends (or what ``prefix`` announces happens) or ``timeout``
        seconds pass (at once if not ``running``).

        ``running`` is checked after subscribing, so an end announced in between is not missed.
        """
        deadline = time.monotonic() + timeout
        try:
            with self.client.pubsub(ignore_subscribe_messages=True) as pubsub:
                pubsub.subscribe(prefix + job_id)
                while running():
                    left = deadline - time.monotonic()
                    if left <= 0 or pubsub.get_message(timeout=min(left, 1.0)) is not None:
                        return
        except redis.RedisError as e:
            log.warning("waiting for job %s without events: %s", job_id, e)
            while running() and time.monotonic() < deadline:
                time.sleep(0.25)

    @contextmanager
    def listening(self, job_id: str, prefixes: tuple[str, ...] = CHECKED
                  ) -> Iterator[Callable[[float], str | None]]:
        """Subscribe to ``job_id``'s announcements under ``prefixes`` before anything is sent
        that could make them, and yield ``heard(timeout)``: what was announced (``"accepted"``,
        or the status the job ended with) once an announcement arrived, ``None`` after
        ``timeout`` seconds without one.

        Subscribing first means an announcement made a moment after the send is never missed.
        Without Redis (an error at any point) ``heard`` only sleeps for ``timeout``, so that
        the caller looks at the job table instead.
        """
        pubsub = None
        try:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(*(prefix + job_id for prefix in prefixes))
        except redis.RedisError as e:
            log.warning("waiting for job %s without events: %s", job_id, e)
            pubsub = None

        def heard(timeout: float) -> str | None:
            nonlocal pubsub
            if pubsub is not None:
                try:
                    message = pubsub.get_message(timeout=max(timeout, 0.0))
                    return None if message is None else _text(message["data"])
                except redis.RedisError as e:
                    log.warning("waiting for job %s without events: %s", job_id, e)
                    pubsub = None
            time.sleep(max(timeout, 0.0))
            return None

        try:
            yield heard
        finally:
            if pubsub is not None:
                with suppress(redis.RedisError):
                    pubsub.close()


def _text(data: bytes | str) -> str:
    return data.decode() if isinstance(data, bytes) else str(data)
