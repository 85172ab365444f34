"""Storage of jobs and files: the job table (SQLAlchemy) and the data folder (uploads, documents).

Dependency rule: imports neither Flask nor Celery nor ``tasks.report``; callers hand it
plain values.

The contract: what fails underneath — the database (SQLAlchemy's errors), the data folder
(``OSError``), the object store (botocore's errors) — comes out of ``tasks.store`` as
``StoreError`` or one of its subclasses, with the cause chained, so a caller catches one type.
The stores on the database get this from ``raises_store_errors``; the file stores
(``tasks.store.files.FileStore``) wrap their own.
"""

from __future__ import annotations

import functools
import inspect

from sqlalchemy.exc import SQLAlchemyError


class StoreError(Exception):
    """Base of every error raised by ``tasks.store``."""


def store_error(what: str, error: Exception) -> StoreError:
    """The ``StoreError`` for ``error`` met while doing ``what``: the driver's own words ("no
    such table: jobs"), without the SQL and its parameters, which may hold digests or
    personal data and would end up in logs. Raise it ``from error``."""
    cause = getattr(error, "orig", None) or error
    reason = (str(cause).splitlines() or [""])[0] or type(cause).__name__
    return StoreError(f"{what}: storage failed: {reason}")


def _guarded(owner: str, method):
    @functools.wraps(method)
    def guarded(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (SQLAlchemyError, OSError) as e:
            raise store_error(f"{owner}.{method.__name__}", e) from e

    guarded.raises_store_errors = True
    return guarded


def raises_store_errors(cls: type) -> type:
    """Class decorator of a store: each public method raises ``StoreError`` (the SQLAlchemy
    or OS error as its cause) when the database or the disk fails, never the raw error.

    Errors the method handles itself (an ``IntegrityError`` meaning "already there") are not
    affected; a ``StoreError`` it raises passes unchanged.
    """
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, _guarded(cls.__name__, member))
    return cls
