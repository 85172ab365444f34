"""Threads beside a process that forks: a fork waits until none of them is inside its work.

A worker's main process forks its pool processes — at start, and again whenever one is
replaced — while its own threads (``tasks.worker_steps``) use the database and Redis. A child
gets a copy of every lock as it was at the fork, and none of the threads: a lock a thread held
then (SQLAlchemy's mapper mutex, a connection pool's, SQLite's own) stays held in the child
for ever, and the child hangs at its first query. So the threads do their work inside
``working()``, and ``install`` makes every ``os.fork()`` of the process wait until no thread is
inside, keeping new ones out until the child exists.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator


class ForkGate:
    """Counts the threads at work; a fork waits for none and holds new ones back."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._state = threading.Condition()
        self._active = 0
        self._forking = False

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Do the ``with`` block's work with no fork in progress (waits out one)."""
        with self._state:
            while self._forking:
                self._state.wait()
            self._active += 1
        try:
            yield
        finally:
            with self._state:
                self._active -= 1
                self._state.notify_all()

    @contextlib.contextmanager
    def attempt(self) -> Iterator[bool]:
        """Like ``working`` without waiting: yields ``False`` (do nothing) during a fork.

        For a thread that another one, already at work, may be waiting for.
        """
        with self._state:
            entered = not self._forking
            if entered:
                self._active += 1
        try:
            yield entered
        finally:
            if entered:
                with self._state:
                    self._active -= 1
                    self._state.notify_all()

    def before_fork(self) -> None:
        self._state.acquire()
        self._forking = True
        while self._active:
            self._state.wait()
        # The condition's lock stays held across the fork: nothing changes during it.

    def after_fork_in_parent(self) -> None:
        self._forking = False
        self._state.notify_all()
        self._state.release()

    def after_fork_in_child(self) -> None:
        self._reset()  # the child has none of the threads, and a copy of a held lock

    def install(self) -> ForkGate:
        """Make this process's forks go through the gate (once per gate)."""
        if not getattr(self, "_installed", False):
            os.register_at_fork(before=self.before_fork,
                                after_in_parent=self.after_fork_in_parent,
                                after_in_child=self.after_fork_in_child)
            self._installed = True
        return self
