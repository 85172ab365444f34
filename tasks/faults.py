"""Fault points: named places in the job where tests make a real process fail on purpose.

Inactive unless ``REPORTGEN_FAULTS`` is set, e.g. ``after_store=kill@1,render:<job id>=sleep:30``:
at the named point (of one job when an id follows the colon, of every job otherwise), on the
listed attempts (``@1``, ``@1-2``; every attempt when omitted),
``kill`` SIGKILLs the process, ``exit`` ends it without cleanup, ``sleep:N`` sleeps N seconds,
``hang`` sleeps past any time limit with the soft limit's signal ignored, ``raise`` raises
``FaultError``. Production never sets the variable; the code path is the same either way.
"""

from __future__ import annotations

import os
import signal
import time

ENV = "REPORTGEN_FAULTS"


class FaultError(RuntimeError):
    """Raised by the ``raise`` action."""


def _attempts(spec: str) -> range | None:
    if not spec:
        return None
    low, _, high = spec.partition("-")
    return range(int(low), int(high or low) + 1)


def _plan(point: str, job_id: str) -> tuple[str, str] | None:
    for entry in filter(None, os.environ.get(ENV, "").split(",")):
        target, _, rest = entry.partition("=")
        name, _, job = target.strip().partition(":")
        action, _, when = rest.partition("@")
        if name == point and job in ("", job_id):
            return action.strip(), when.strip()
    return None


def fault_point(point: str, attempt: int, job_id: str = "") -> None:
    """Fail here as ``REPORTGEN_FAULTS`` says, if it names this point, job and attempt."""
    plan = _plan(point, job_id)
    if plan is None:
        return
    action, when = plan
    attempts = _attempts(when)
    if attempts is not None and attempt not in attempts:
        return
    kind, _, argument = action.partition(":")
    if kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "exit":
        os._exit(3)  # no cleanup on purpose: this is how a crashing process ends
    elif kind == "sleep":
        time.sleep(float(argument or 60))
    elif kind == "hang":
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # Celery's soft time limit signal
        time.sleep(float(argument or 3600))
    elif kind == "raise":
        raise FaultError(f"fault injected at {point}")
