"""What every worker runs beside its pool: the periodic passes and the watch on its event loop.

Two Celery bootsteps, added to the app by ``tasks.celery_app.create_celery``:

- ``Housekeeping`` (worker blueprint) starts, in the worker's main process, the thread of
  periodic passes (``tasks.periodic``) and the thread that judges the event loop
  (``tasks.watchdog``) and writes the heartbeat file ``reportgen worker --check`` reads;
- ``LoopTick`` (consumer blueprint) makes the event loop tick that watch every second, and is
  started again whenever the consumer reconnects.

The main process forks pool processes while these threads work: they work inside its fork
gate (``tasks.fork_gate``), so no child starts with a lock one of them held.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time

from celery import bootsteps
from celery.signals import task_received
from celery.worker import state
from redis.exceptions import RedisError

from tasks.celery_app import QUEUE
from tasks.events import redis_client
from tasks.faults import fault_point
from tasks.fork_gate import ForkGate
from tasks.periodic import PassRunner, site_passes
from tasks.runtime import Runtime
from tasks.store.locks import Locks
from tasks.watchdog import LoopWatch, Verdict, heartbeat_path, write_heartbeat

log = logging.getLogger(__name__)
TICK = 1.0  # seconds between ticks of the event loop
JUDGE_EVERY = 2.0  # seconds between judgements (and heartbeat file writes)
REPEAT_ALARM = 60.0  # seconds between repeated log lines while stuck


class Watchdog(threading.Thread):
    """Judges the event loop every ``JUDGE_EVERY`` seconds, logs trouble, writes the file."""

    def __init__(self, worker, runtime: Runtime, watch: LoopWatch, gate: ForkGate) -> None:
        super().__init__(daemon=True, name="reportgen-watchdog")
        self.worker, self.watch, self.gate = worker, watch, gate
        self.path = heartbeat_path(runtime.settings.data_dir, worker.hostname)
        self.redis = redis_client(runtime.settings.redis_url)
        self.stopped = threading.Event()

    def _waiting(self) -> int | None:
        try:
            return int(self.redis.llen(QUEUE))
        except (RedisError, OSError):
            return None  # the broker is away: the loop's own ticks tell the rest

    def judge(self) -> Verdict:
        free = self.worker.concurrency - len(state.reserved_requests)
        return self.watch.judge(self._waiting(), free)

    def run(self) -> None:
        alarmed_at = None
        while True:  # the first heartbeat at once, so a health check soon finds one
            with self.gate.working():
                alarmed_at = self._judge_and_write(alarmed_at)
            if self.stopped.wait(JUDGE_EVERY):
                return

    def _judge_and_write(self, alarmed_at: float | None) -> float | None:
        verdict = self.judge()
        if verdict.stuck and (alarmed_at is None
                              or time.monotonic() - alarmed_at > REPEAT_ALARM):
            log.error("worker %s is stuck: %s", self.worker.hostname, verdict.reason)
            alarmed_at = time.monotonic()
        elif not verdict.stuck and alarmed_at is not None:
            log.warning("worker %s consumes again", self.worker.hostname)
            alarmed_at = None
        try:
            write_heartbeat(self.path, self.worker.hostname, verdict)
        except OSError as e:
            log.warning("cannot write the heartbeat file %s: %s", self.path, e)
        return alarmed_at

    def stop(self, timeout: float = 10.0) -> None:
        self.stopped.set()
        self.join(timeout)
        self.path.unlink(missing_ok=True)


class Housekeeping(bootsteps.StartStopStep):
    """Worker step: the periodic passes and the watchdog, for the worker's lifetime."""

    def __init__(self, worker, **_kwargs) -> None:
        runtime: Runtime = worker.app.reportgen
        worker.loop_watch = LoopWatch(stall=runtime.settings.worker_stall_seconds)
        self.gate = ForkGate().install()  # before the pool forks its first process
        self.threads: list = []

    def start(self, worker) -> None:
        runtime: Runtime = worker.app.reportgen
        watch: LoopWatch = worker.loop_watch
        task_received.connect(lambda **_kw: watch.received(), weak=False,
                              dispatch_uid="reportgen-loop-watch")
        self.threads = [
            PassRunner(Locks(runtime.jobs.engine), site_passes(runtime, worker.app),
                       hold=runtime.settings.lease_seconds, gate=self.gate),
            Watchdog(worker, runtime, watch, self.gate),
        ]
        for thread in self.threads:
            thread.start()

    def stop(self, worker) -> None:
        for thread in self.threads:
            thread.stop()
        self.threads = []


class LoopTick(bootsteps.StartStopStep):
    """Consumer step: the event loop ticks its watch (and passes the ``worker_loop`` fault
    point, where tests make the loop hang)."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, consumer, **_kwargs) -> None:
        self.tref = None
        self.count = itertools.count(1)

    def start(self, consumer) -> None:
        watch: LoopWatch = consumer.controller.loop_watch
        watch.tick()

        def tick() -> None:
            fault_point("worker_loop", next(self.count))
            watch.tick()

        self.tref = consumer.timer.call_repeatedly(TICK, tick)

    def stop(self, consumer) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
