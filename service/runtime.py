"""The current Flask app's own objects: its ``Runtime`` (stores, catalog, settings) and the
Celery app it sends messages with. Both are built once by ``service.create_app``."""

from __future__ import annotations

from celery import Celery
from flask import current_app

from tasks.runtime import Runtime


def runtime() -> Runtime:
    """The Runtime of the current Flask app."""
    return current_app.extensions["reportgen"]


def celery_app() -> Celery:
    """The Celery app the current Flask app sends jobs, trials and conversions with."""
    return current_app.extensions["celery"]
