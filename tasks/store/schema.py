"""The database schema, brought to the newest migration when a process opens the database.

Migrations live in ``tasks/store/migrations`` (Alembic). Processes starting together (web,
worker, beat) take a lock first, so exactly one runs them; the others find them done.
"""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The revision of the tables that databases made before migrations began already have.
BASELINE = "0001"
_LOCK_ID = zlib.crc32(b"reportgen schema")


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextlib.contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection holding the migration lock: a file lock for SQLite, an advisory lock
    for PostgreSQL."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        with contextlib.ExitStack() as stack:
            if path and path != ":memory:":
                lock = stack.enter_context(open(f"{path}.migrate-lock", "a"))
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield stack.enter_context(engine.connect())
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _LOCK_ID})
        connection.commit()
        try:
            yield connection
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _LOCK_ID})
            connection.commit()


def upgrade(engine: Engine) -> None:
    """Bring the database behind ``engine`` to the newest revision (creating it if empty)."""
    with _locked(engine) as connection:
        config = _config(connection)
        tables = set(inspect(connection).get_table_names())
        if "jobs" in tables and "alembic_version" not in tables:
            command.stamp(config, BASELINE)  # made by create_all before migrations began
        command.upgrade(config, "head")
        connection.commit()
