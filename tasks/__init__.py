"""The workers' side of reportgen: the Celery app, thin job tasks, storage and the pure pipeline.

Dependency rule: ``tasks`` never imports ``service``; ``tasks.report`` imports neither Celery,
Flask nor Redis.
"""
