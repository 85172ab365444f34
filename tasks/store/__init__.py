"""Storage of jobs and files: the job table (SQLAlchemy) and the data folder (uploads, documents).

Dependency rule: imports neither Flask nor Celery nor ``tasks.report``; callers hand it
plain values.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error raised by ``tasks.store``."""
