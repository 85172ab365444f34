"""Periodic passes under a lock in the database: one at a time site-wide, spaced by period."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta

import pytest

from tasks.periodic import run_pass
from tasks.store.locks import Locks
from tasks.store.records import make_engine, utcnow


@pytest.fixture()
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'locks.db'}"


def test_a_lock_is_held_by_one_until_it_expires_or_is_released(url):
    locks = Locks(make_engine(url))
    assert locks.acquire("reconcile", "a", 30)
    assert not locks.acquire("reconcile", "b", 30)
    assert locks.holder("reconcile") == "a"
    assert locks.renew("reconcile", "a", 30) and not locks.renew("reconcile", "b", 30)
    assert not locks.release("reconcile", "b")
    assert locks.release("reconcile", "a")
    assert locks.acquire("reconcile", "b", 30)
    assert locks.acquire("retention", "a", 30)  # names are independent


def test_a_pass_runs_once_per_period_whoever_asks(url):
    locks = Locks(make_engine(url))
    runs = []
    assert run_pass(locks, "reconcile", 60, lambda: runs.append(1), hold=30, holder="w1")
    assert not run_pass(locks, "reconcile", 60, lambda: runs.append(2), hold=30, holder="w2")
    assert not run_pass(locks, "reconcile", 60, lambda: runs.append(3), hold=30, holder="w1")
    assert runs == [1]
    # Once the period has passed, anyone may run it again.
    locks.release("reconcile", "w1", free_at=utcnow() - timedelta(seconds=1))
    assert run_pass(locks, "reconcile", 60, lambda: runs.append(4), hold=30, holder="w2")
    assert runs == [1, 4]


def test_a_failing_pass_releases_its_lock_for_the_next_period(url):
    locks = Locks(make_engine(url))

    def broken():
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        run_pass(locks, "reconcile", 0, broken, hold=30, holder="w1")
    assert run_pass(locks, "reconcile", 0, lambda: None, hold=30, holder="w2")


def _contend(url: str, start, ran) -> None:
    locks = Locks(make_engine(url))
    start.wait()
    if run_pass(locks, "reconcile", 3600, lambda: None, hold=30):
        ran.put(multiprocessing.current_process().pid)


def test_of_many_processes_asking_at_once_exactly_one_runs_the_pass(url):
    make_engine(url)  # the schema exists before they race
    context = multiprocessing.get_context("spawn")
    start, ran = context.Event(), context.Queue()
    racers = [context.Process(target=_contend, args=(url, start, ran)) for _ in range(6)]
    for racer in racers:
        racer.start()
    start.set()
    for racer in racers:
        racer.join(60)
    assert [racer.exitcode for racer in racers] == [0] * 6
    winners = []
    while not ran.empty():
        winners.append(ran.get())
    assert len(winners) == 1
