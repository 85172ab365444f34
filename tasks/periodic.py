"""The periodic passes — reconciler and retention — run by every worker, once per period site-wide.

No separate scheduler is needed: each worker's main process runs the passes in a thread of
its own (``tasks.worker_steps``), so any deployment with at least one worker reconciles. A pass
first takes its lock in the job database (``tasks.store.locks``); of several workers asking
at once exactly one gets it, and it releases the lock to expire one period after the pass
began, so the site runs about one pass per period however many workers there are. The lock
is held a lease at a time (``REPORTGEN_LEASE_SECONDS``) and renewed while the pass runs, so a
worker killed mid-pass holds up the next pass by one lease at most.

The Celery tasks ``reportgen.reconcile`` and ``reportgen.retention`` (sent by an optional
``reportgen beat``) go through the same locks.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery import Celery

from tasks.fork_gate import ForkGate
from tasks.reconcile import reconcile
from tasks.retention import RETENTION_EVERY, purge_expired
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.locks import Locks
from tasks.store.records import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pass:
    """A periodic pass: its lock name, its period in seconds, and the work."""

    name: str
    every: float
    work: Callable[[], object]


def holder_id() -> str:
    """This process, as lock holders are named: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_pass(locks: Locks, name: str, every: float, work: Callable[[], object],
             hold: float, holder: str | None = None, gate: ForkGate | None = None) -> bool:
    """Run ``work`` under the lock ``name`` unless another process ran it less than ``every``
    seconds ago or runs it now; ``True`` when it ran here.

    The lock is held ``hold`` seconds at a time and renewed every ``hold / 3`` while ``work``
    runs, so a holder killed mid-pass blocks the others for at most ``hold`` seconds. In a
    process that forks, ``gate`` is its fork gate: the renewals, made by a thread of their
    own, pass through it. Exceptions of ``work`` propagate (the lock is released all the same).
    """
    holder = holder or holder_id()
    gate = gate or ForkGate()
    started = utcnow()
    if not locks.acquire(name, holder, hold):
        return False
    done = threading.Event()

    def keep() -> None:
        try:
            while not done.wait(hold / 3):
                with gate.attempt() as entered:
                    if entered and not locks.renew(name, holder, hold):
                        return
        except StoreError as e:  # the lock then lapses: at worst a pass runs twice
            log.warning("cannot renew the lock of pass %s: %s", name, e)

    keeper = threading.Thread(target=keep, daemon=True, name=f"reportgen-{name}-lock")
    keeper.start()
    try:
        work()
    finally:
        done.set()
        keeper.join()
        locks.release(name, holder, started + timedelta(seconds=every))
    return True


def site_passes(runtime: Runtime, app: Celery) -> list[Pass]:
    """The passes every worker offers to run."""
    settings = runtime.settings
    return [
        Pass("reconcile", float(settings.reconcile_every), lambda: reconcile(runtime, app)),
        Pass("retention", RETENTION_EVERY,
             lambda: purge_expired(runtime, timedelta(days=settings.retention_days))),
    ]


class PassRunner(threading.Thread):
    """A daemon thread that offers each pass to the site once per its period until stopped.

    The first offer is made at once, so a worker that starts after an outage reconciles
    without waiting a period. ``hold``: seconds a pass holds its lock between renewals;
    ``gate``: the fork gate of the process (passes run inside it).
    """

    def __init__(self, locks: Locks, passes: list[Pass], hold: float, gate: ForkGate,
                 poll: float = 1.0) -> None:
        super().__init__(daemon=True, name="reportgen-passes")
        self.locks, self.passes, self.hold, self.poll = locks, passes, hold, poll
        self.gate = gate
        self.stopped = threading.Event()

    def run(self) -> None:
        due = {p.name: 0.0 for p in self.passes}
        holder = holder_id()
        while not self.stopped.is_set():
            for p in self.passes:
                if time.monotonic() < due[p.name]:
                    continue
                due[p.name] = time.monotonic() + p.every
                try:
                    with self.gate.working():
                        run_pass(self.locks, p.name, p.every, p.work, self.hold, holder,
                                 self.gate)
                except Exception:
                    # The next period tries again; a pass must never end the thread.
                    log.exception("periodic pass %s failed", p.name)
            self.stopped.wait(self.poll)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopped.set()
        self.join(timeout)
