"""Is this worker still consuming? A watch on its event loop, kept in a heartbeat file.

A worker's main process consumes messages in an event loop. If that loop blocks (a read on a
dead connection, a hung call) or stops taking messages while messages wait, the worker looks
alive to everything outside — its process runs — yet serves nobody. The loop therefore ticks
(``LoopWatch.tick``, a timer of the loop itself) and notes each message it takes; a thread
beside it judges, every couple of seconds, whether the loop is stuck, logs when it is, and
writes the verdict to a heartbeat file. ``reportgen worker --check`` (the container health
check) reads that file: it fails when the verdict is "stuck", and when the file has not been
written for too long (the whole process is frozen or gone).

The judgement, with ``stall`` seconds (two leases, ``Settings.worker_stall_seconds``):

- the loop has not ticked for ``stall`` seconds; or
- messages have waited in the queue for ``stall`` seconds while this worker had a free pool
  process and took none of them.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path


def node_name(name: str = "worker") -> str:
    """The worker's node name as Celery spells ``name@%h``."""
    return f"{name}@{socket.gethostname()}"


def heartbeat_path(data_dir: Path, node: str) -> Path:
    """Where the worker ``node`` keeps its heartbeat file."""
    return Path(data_dir) / "workers" / f"{node}.json"


@dataclass(frozen=True)
class Verdict:
    """One judgement: ``stuck`` with the reason, or healthy (``reason`` empty)."""

    stuck: bool
    reason: str = ""


class LoopWatch:
    """What the event loop last did, and the judgement of whether it is stuck.

    ``tick`` and ``received`` are called from the loop; ``judge`` from the watching thread.
    Times are ``time.monotonic()`` seconds.
    """

    def __init__(self, stall: float) -> None:
        self.stall = stall
        self._lock = threading.Lock()
        self.last_tick = self.last_received = time.monotonic()
        self._waiting_since: float | None = None

    def tick(self) -> None:
        with self._lock:
            self.last_tick = time.monotonic()

    def received(self) -> None:
        with self._lock:
            self.last_received = time.monotonic()
            self._waiting_since = None

    def judge(self, waiting: int | None, free_slots: int, now: float | None = None) -> Verdict:
        """Whether the loop is stuck, given how many messages wait in the queue (``None``:
        unknown) and how many pool processes of this worker are free."""
        now = time.monotonic() if now is None else now
        with self._lock:
            silent = now - self.last_tick
            if silent > self.stall:
                return Verdict(True, f"the consumer loop has not run for {silent:.0f} s")
            if not waiting or free_slots <= 0:
                self._waiting_since = None
                return Verdict(False)
            if self._waiting_since is None:
                self._waiting_since = max(now, self.last_received)
            idle = now - max(self._waiting_since, self.last_received)
            if idle > self.stall:
                return Verdict(True, f"{waiting} message(s) have waited {idle:.0f} s while "
                                     f"{free_slots} pool process(es) stood free")
            return Verdict(False)


@dataclass(frozen=True)
class Heartbeat:
    """The content of a heartbeat file; ``written_at`` is a Unix time in seconds."""

    node: str
    pid: int
    written_at: float
    stuck: bool
    reason: str


def write_heartbeat(path: Path, node: str, verdict: Verdict) -> None:
    """Replace the heartbeat file at ``path`` atomically (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    beat = Heartbeat(node, os.getpid(), time.time(), verdict.stuck, verdict.reason)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(asdict(beat), f)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_heartbeat(path: Path, max_age: float, now: float | None = None) -> str | None:
    """``None`` when the worker whose heartbeat is at ``path`` is healthy, else why not.

    ``max_age``: seconds after which an unchanged file means the worker stopped writing it.
    """
    now = time.time() if now is None else now
    try:
        beat = Heartbeat(**json.loads(path.read_text()))
    except FileNotFoundError:
        return f"no heartbeat file at {path}: is the worker running?"
    except (OSError, ValueError, TypeError) as e:
        return f"unreadable heartbeat file {path}: {e}"
    age = now - beat.written_at
    if age > max_age:
        return f"worker {beat.node} (pid {beat.pid}) has not written its heartbeat for {age:.0f} s"
    if beat.stuck:
        return f"worker {beat.node} (pid {beat.pid}) is stuck: {beat.reason}"
    return None
