"""Alembic environment: migrations run on the connection that tasks.store.schema hands over."""

from alembic import context

import tasks.store.accounts  # noqa: F401  (its tables join the metadata)
import tasks.store.audit  # noqa: F401
import tasks.store.callbacks  # noqa: F401
import tasks.store.locks  # noqa: F401
import tasks.store.login_limits  # noqa: F401
import tasks.store.renditions  # noqa: F401
import tasks.store.sessions  # noqa: F401
from tasks.store.records import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
