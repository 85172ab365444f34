"""The fork gate: a fork waits for the threads at work, and keeps new work out meanwhile."""

from __future__ import annotations

import threading
import time

from tasks.fork_gate import ForkGate


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_fork_waits_until_no_thread_is_at_work():
    gate = ForkGate()
    inside, release, forked = threading.Event(), threading.Event(), threading.Event()

    def work() -> None:
        with gate.working():
            inside.set()
            release.wait(10)

    def fork() -> None:
        gate.before_fork()
        forked.set()
        gate.after_fork_in_parent()

    worker = threading.Thread(target=work)
    worker.start()
    inside.wait(10)
    forker = threading.Thread(target=fork)
    forker.start()
    wait_until(lambda: gate._forking)  # the fork has begun, and waits
    assert not forked.is_set() and gate._active == 1
    with gate.attempt() as entered:  # a thread that must not wait skips its turn
        assert entered is False
    release.set()
    forker.join(10)
    worker.join(10)
    assert forked.is_set() and not gate._forking
    with gate.attempt() as entered:
        assert entered is True


def test_work_started_during_a_fork_waits_for_it_to_end():
    gate = ForkGate()
    gate.before_fork()
    done = threading.Event()

    def work() -> None:
        with gate.working():
            done.set()

    worker = threading.Thread(target=work)
    worker.start()
    wait_until(lambda: worker.is_alive())
    assert not done.is_set()  # it cannot begin: the gate's lock is held through the fork
    gate.after_fork_in_parent()
    worker.join(10)
    assert done.is_set()


def test_the_child_starts_with_an_open_gate():
    gate = ForkGate()
    gate.before_fork()
    gate.after_fork_in_child()  # the child's copy of the held lock is replaced
    with gate.working():
        assert gate._active == 1
