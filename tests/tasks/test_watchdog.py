"""The watch on a worker's event loop, and the heartbeat file the health check reads."""

from __future__ import annotations

from tasks.watchdog import LoopWatch, check_heartbeat, heartbeat_path, write_heartbeat


def test_a_loop_that_stops_ticking_is_stuck():
    watch = LoopWatch(stall=6)
    now = watch.last_tick
    assert not watch.judge(waiting=0, free_slots=1, now=now + 5).stuck
    verdict = watch.judge(waiting=0, free_slots=1, now=now + 7)
    assert verdict.stuck and "has not run for 7 s" in verdict.reason


def test_messages_left_waiting_with_a_free_process_make_a_worker_stuck():
    watch = LoopWatch(stall=6)
    t0 = watch.last_tick
    watch.last_tick = t0 + 100  # the loop itself runs throughout
    assert not watch.judge(waiting=3, free_slots=1, now=t0 + 1).stuck
    assert not watch.judge(waiting=3, free_slots=1, now=t0 + 6).stuck
    verdict = watch.judge(waiting=3, free_slots=1, now=t0 + 8)
    assert verdict.stuck and "3 message(s) have waited 7 s" in verdict.reason


def test_a_busy_or_consuming_worker_is_not_stuck():
    watch = LoopWatch(stall=6)
    t0 = watch.last_tick
    watch.last_tick = t0 + 100
    # Every pool process busy: messages may wait as long as jobs run.
    assert not watch.judge(waiting=5, free_slots=0, now=t0 + 50).stuck
    # Nothing waiting: an idle worker is fine however long it idles.
    assert not watch.judge(waiting=0, free_slots=2, now=t0 + 60).stuck
    # Broker unknown: only the loop's ticks count.
    assert not watch.judge(waiting=None, free_slots=2, now=t0 + 70).stuck
    watch.judge(waiting=2, free_slots=1, now=t0 + 71)
    watch.received()  # it took one
    watch.last_received = t0 + 75
    assert not watch.judge(waiting=2, free_slots=1, now=t0 + 80).stuck


def test_the_health_check_reads_the_heartbeat_file(tmp_path):
    path = heartbeat_path(tmp_path, "worker@host")
    assert "no heartbeat file" in check_heartbeat(path, max_age=6)
    watch = LoopWatch(stall=6)
    write_heartbeat(path, "worker@host", watch.judge(0, 1))
    assert check_heartbeat(path, max_age=6) is None
    written = path.stat().st_mtime
    assert "has not written its heartbeat for 10 s" in check_heartbeat(path, 6, now=written + 10)
    write_heartbeat(path, "worker@host", watch.judge(0, 1, now=watch.last_tick + 9))
    assert "is stuck: the consumer loop has not run for 9 s" in check_heartbeat(path, 6)
