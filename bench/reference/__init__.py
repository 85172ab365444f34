"""The reference: the service a competent team would write in an afternoon with the same stack.

Flask (``web``) + Celery on Redis (``worker``) + plain docxtpl (``report``): the web process
saves the upload and queues a task; the task reads the workbook with openpyxl, sums it into a
context (its own simple aggregation; the letterhead, dates and texts come from reportgen's
pure ``common_context``), renders a fresh ``DocxTemplate`` and saves the .docx; job state is
Celery's result backend on Redis; the client polls the status every 100 ms. ``serve`` starts
it (redis-server, a Celery worker, gunicorn) for the benchmark. Not part of the product.
"""
