"""The worker entry module: the only place that builds the Celery app at import time.

Run with ``celery -A service.worker worker`` (``reportgen worker`` does that).
"""

from tasks.celery_app import create_celery
from tasks.settings import load_settings, private_files

private_files()
celery = create_celery(load_settings())
