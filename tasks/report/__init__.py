"""The pure report pipeline: read → validate → aggregate → build context → render.

Dependency rule: nothing here imports Celery, Flask, Redis, SQLAlchemy or ``tasks.store``; every
function is callable and testable as a plain function.
"""
