"""Summaries of repeated timings: median and 95th percentile, in milliseconds."""

from __future__ import annotations

import statistics


def summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": 1000 * statistics.median(ordered), "p95_ms": 1000 * p95,
            "runs": len(ordered)}


def repeat(function, runs: int, warmup: int = 3) -> dict:
    """Time ``function()`` ``runs`` times after ``warmup`` calls."""
    import time

    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return summary(times)
