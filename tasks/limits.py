"""Limits of the processes that run untrusted work: a worker's pool child renders templates.

An admin's template, or a bug, can ask for more memory than the machine should give one
job. ``limit_memory`` caps the address space of the calling process (``RLIMIT_AS``, see
setrlimit(2)): an allocation past the cap fails, Python raises ``MemoryError``, the render
seam turns it into a clean job failure (``template_too_large``) and the process goes on
serving, instead of the kernel's out-of-memory killer taking a process — perhaps Redis or
the web server. The wall clock is bounded by Celery's soft and hard time limits.

The cap counts reserved address space, not only the memory in use: a pool child of the worker
reserves about 120 MB before its first job and more once threads run (each may reserve a
malloc arena of 64 MB), so a cap below 1 GB leaves little room for real reports.
"""

from __future__ import annotations

import resource


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at ``megabytes`` MiB; 0 leaves it unlimited.

    Only the soft limit is set (the hard limit stays, so the cap is never raised by accident
    above what the system allows). Raises ``ValueError`` for a negative value.
    """
    if megabytes < 0:
        raise ValueError(f"a memory limit cannot be negative: {megabytes}")
    if megabytes == 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
