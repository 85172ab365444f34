"""The schema comes from migrations, matches the models, and survives processes racing."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import tasks.store.accounts  # noqa: F401  (its tables join the metadata)
import tasks.store.audit  # noqa: F401
import tasks.store.callbacks  # noqa: F401
import tasks.store.locks  # noqa: F401
import tasks.store.login_limits  # noqa: F401
import tasks.store.renditions  # noqa: F401
import tasks.store.sessions  # noqa: F401
from tasks.store.records import Base, make_engine
from tasks.store.schema import MIGRATIONS
from tests.conftest import postgres_schema

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _revision(engine) -> str:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_a_new_sqlite_database_is_migrated_to_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert _revision(engine) == HEAD
    assert {"jobs", "users", "api_tokens", "template_versions",
            "idempotency_keys"} <= set(inspect(engine).get_table_names())
    assert _differences(engine) == []


def test_a_new_postgresql_schema_is_migrated_to_the_models():
    with postgres_schema() as url:
        engine = make_engine(url)
        assert _revision(engine) == HEAD
        assert _differences(engine) == []
        engine.dispose()


def _made_before_migrations(url: str) -> None:
    """A database as ``create_all`` made it before migrations began: the baseline's tables
    (revision 0001) and no ``alembic_version``."""
    from alembic import command

    from tasks.store.schema import BASELINE, _config

    with create_engine(url).begin() as connection:
        command.upgrade(_config(connection), BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))


def test_a_database_made_before_migrations_is_adopted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _made_before_migrations(url)
    engine = make_engine(url)
    assert _revision(engine) == HEAD
    assert _differences(engine) == []


def test_processes_opening_a_new_database_together_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    code = f"from tasks.store.records import make_engine; make_engine({url!r})"
    processes = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)
                 for _ in range(4)]
    errors = [p.communicate(timeout=60)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], errors
    assert _revision(create_engine(url)) == HEAD


def test_downgrade_and_upgrade_round_trip(tmp_path):
    from alembic import command

    from tasks.store.schema import _config

    engine = make_engine(f"sqlite:///{tmp_path / 'trip.db'}")
    with engine.connect() as connection:
        command.downgrade(_config(connection), "base")
        connection.commit()
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine = make_engine(f"sqlite:///{tmp_path / 'trip.db'}")
    assert {"jobs", "users"} <= set(inspect(engine).get_table_names())
