"""Optional CPU time of each stage of a job, for the benchmark (``bench/``).

Off unless ``REPORTGEN_STAGE_TIMES`` names a file. Then each job a worker process runs appends
one JSON line to it: ``{"job": id, "outcome": ..., "cpu_ms": {stage: ms, ...}}``, the stages in
the order the job went through them (``claim``, ``load``, then the pipeline's progress stages
``reading`` … ``storing``, ``commit``, ``after``). Only ``time.process_time`` is read (CPU of
the whole pool process, so the job's heartbeat thread counts too); nothing the job does
changes, and when the variable is unset each call is one lookup.
"""

from __future__ import annotations

import json
import os
import threading
import time

VARIABLE = "REPORTGEN_STAGE_TIMES"
_local = threading.local()


def begin(stage: str) -> None:
    """Start timing a job at ``stage`` (when enabled)."""
    if os.environ.get(VARIABLE):
        _local.clock = {"stages": {}, "stage": stage, "since": time.process_time()}
    else:
        _local.clock = None


def enter(stage: str) -> None:
    """The running job's CPU from now on counts for ``stage``."""
    clock = getattr(_local, "clock", None)
    if clock is None:
        return
    now = time.process_time()
    stages = clock["stages"]
    stages[clock["stage"]] = stages.get(clock["stage"], 0.0) + now - clock["since"]
    clock["stage"], clock["since"] = stage, now


def finish(job_id: str, outcome: str) -> None:
    """Close the running job's timing and append its line to the file."""
    clock = getattr(_local, "clock", None)
    if clock is None:
        return
    enter("")
    _local.clock = None
    line = json.dumps({"job": job_id, "outcome": outcome, "pid": os.getpid(),
                       "cpu_ms": {k: round(v * 1000, 3) for k, v in clock["stages"].items()}})
    path = os.environ.get(VARIABLE)
    if path:
        # One short O_APPEND write per line: lines of concurrent pool processes do not mix.
        with open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")
