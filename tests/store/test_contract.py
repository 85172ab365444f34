"""The storage contract: what fails beneath ``tasks.store`` comes out as ``StoreError``.

Every failure here is real: tables dropped from a real SQLite file, the same file opened
read-only, a folder that cannot be written.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import os
import sqlite3
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from tasks.settings import REPO_ROOT
from tasks.store import StoreError
from tasks.store.accounts import Accounts
from tasks.store.audit import AuditLog
from tasks.store.callbacks import Callbacks
from tasks.store.files import LocalFileStore
from tasks.store.idempotency import IdempotencyKeys
from tasks.store.jobs import JobStore
from tasks.store.kind_versions import KindVersionStore
from tasks.store.locks import Locks
from tasks.store.login_limits import LoginLimits
from tasks.store.records import Job, make_engine
from tasks.store.renditions import Renditions
from tasks.store.sessions import Sessions
from tasks.store.templates import TemplateStore


def a_job() -> Job:
    job_id = str(uuid.uuid4())
    return Job(id=job_id, template="t", province="p", period="2023", options={},
               upload_key=f"uploads/{job_id}.xlsx", upload_name="a.xlsx", upload_size=1,
               upload_sha256="0" * 64)


# One call of each store on the database, reading or writing: (store, method, call).
CALLS = [
    ("JobStore", "get", lambda s: s["jobs"].get("no-such-job")),
    ("JobStore", "add", lambda s: s["jobs"].add(a_job())),
    ("JobStore", "claim", lambda s: s["jobs"].claim("no-such-job", 30)),
    ("IdempotencyKeys", "reserve", lambda s: IdempotencyKeys(s["jobs"]).reserve("a", "k", "f")),
    ("TemplateStore", "current", lambda s: s["templates"].current("kind", s["shipped"])),
    ("KindVersionStore", "currents", lambda s: s["kinds"].currents()),
    ("KindVersionStore", "record_trial", lambda s: s["kinds"].record_trial("k", "0" * 64, [])),
    ("Accounts", "list_users", lambda s: Accounts(s["engine"]).list_users()),
    ("AuditLog", "record", lambda s: AuditLog(s["engine"]).record("cli:x", "user.create", "x")),
    ("Callbacks", "due", lambda s: Callbacks(s["jobs"]).due(1.0)),
    ("Locks", "acquire", lambda s: Locks(s["engine"]).acquire("reconcile", "me", 10)),
    ("LoginLimits", "wait_for", lambda s: LoginLimits(s["engine"]).wait_for("someone")),
    ("Renditions", "get", lambda s: Renditions(s["jobs"]).get("no-such-job")),
    ("Sessions", "user_of", lambda s: Sessions(s["engine"]).user_of("no-such-session")),
]
WRITES = [c for c in CALLS if c[1] in ("add", "reserve", "record_trial", "record", "acquire")]


def stores_on(engine, tmp_path) -> dict:
    jobs = JobStore(engine)
    files = LocalFileStore(tmp_path / "files")
    shipped = tmp_path / "template.docx"
    shipped.write_bytes(b"shipped")
    return {"engine": engine, "jobs": jobs, "shipped": shipped,
            "templates": TemplateStore(jobs, files), "kinds": KindVersionStore(jobs, files)}


@pytest.fixture()
def database(tmp_path):
    """A real SQLite file with the schema, its path and its engine."""
    path = tmp_path / "reportgen.db"
    engine = make_engine(f"sqlite:///{path}")
    yield path, engine
    engine.dispose()


def drop_every_table(path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            db.execute(f'DROP TABLE "{table}"')
        db.commit()


@pytest.mark.parametrize("owner, method, call", CALLS, ids=[f"{c[0]}.{c[1]}" for c in CALLS])
def test_a_database_without_its_tables_is_a_store_error(database, tmp_path, owner, method,
                                                        call):
    path, engine = database
    stores = stores_on(engine, tmp_path)
    drop_every_table(path)
    with pytest.raises(StoreError) as caught:
        call(stores)
    assert isinstance(caught.value.__cause__, SQLAlchemyError)
    # Which store and what failed, in the driver's words, without the SQL statement.
    assert str(caught.value).startswith(f"{owner}.{method}: storage failed: no such table")
    assert "SELECT" not in str(caught.value) and "INSERT" not in str(caught.value)


@pytest.mark.parametrize("owner, method, call", WRITES, ids=[f"{c[0]}.{c[1]}" for c in WRITES])
def test_a_read_only_database_is_a_store_error(database, tmp_path, owner, method, call):
    path, _engine = database
    read_only = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with pytest.raises(StoreError, match="readonly database"):
            call(stores_on(read_only, tmp_path))
        # Reading still works there: only what writes fails.
        assert JobStore(read_only).get("no-such-job") is None
    finally:
        read_only.dispose()


def test_a_database_that_cannot_be_opened_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="opening the database"):
        make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'reportgen.db'}")


def test_what_a_store_handles_itself_still_works(database, tmp_path):
    # An IntegrityError that means "already there" is an answer, not a failure.
    _path, engine = database
    stores = stores_on(engine, tmp_path)
    keys = IdempotencyKeys(stores["jobs"])
    assert keys.reserve("a", "k", "f").state.value == "reserved"
    assert keys.reserve("a", "k", "f").state.value == "in_flight"
    first, new = stores["kinds"].add("k", "a" * 64, "b" * 64, b"zip", "shipped")
    again, new_again = stores["kinds"].add("k", "a" * 64, "b" * 64, b"zip", "shipped")
    assert (new, new_again) == (True, False) and again.sha256 == first.sha256


def _store_classes() -> list[type]:
    """The classes of ``tasks.store`` built on the database (an engine or the job store)."""
    found = []
    for path in sorted((REPO_ROOT / "tasks" / "store").glob("*.py")):
        module = importlib.import_module(f"tasks.store.{path.stem}")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            init = next((f for f in getattr(node, "body", []) if isinstance(f, ast.FunctionDef)
                         and f.name == "__init__"), None)
            if isinstance(node, ast.ClassDef) and init is not None and \
                    {"engine", "jobs"} & {a.arg for a in init.args.args}:
                found.append(getattr(module, node.name))
    return found


def test_every_store_on_the_database_is_guarded():
    classes = _store_classes()
    assert {c.__name__ for c in classes} >= {owner for owner, _, _ in CALLS}
    unguarded = [f"{c.__name__}.{name}" for c in classes
                 for name, member in vars(c).items()
                 if not name.startswith("_") and inspect.isfunction(member)
                 and not getattr(member, "raises_store_errors", False)]
    assert unguarded == []


# ---------------------------------------------------------------- the local file store


@contextlib.contextmanager
def unwritable(folder):
    """``folder`` made unwritable for real: read-only mounted onto itself for root (whom
    permissions do not stop), its mode 0555 for anyone else."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    bound = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount a folder read-only: {bound.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True,
                       capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_delete_in_an_unwritable_folder_is_a_store_error(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    store.put("uploads/a.xlsx", b"data")
    with unwritable(tmp_path / "files" / "uploads"):
        with pytest.raises(StoreError, match="could not delete uploads/a.xlsx") as caught:
            store.delete("uploads/a.xlsx")
        assert isinstance(caught.value.__cause__, OSError)
        assert store.exists("uploads/a.xlsx")
        with pytest.raises(StoreError, match="could not write"):
            store.put("uploads/b.xlsx", b"data")
    assert sorted(p.name for p in (tmp_path / "files" / "uploads").iterdir()) == ["a.xlsx"]
    store.delete("uploads/a.xlsx")
    assert not store.exists("uploads/a.xlsx")


def test_delete_of_what_is_not_a_file_is_a_store_error(tmp_path):
    store = LocalFileStore(tmp_path)
    (tmp_path / "documents" / "a.docx").mkdir(parents=True)
    (tmp_path / "documents" / "a.docx" / "keep").write_text("x")
    with pytest.raises(StoreError):
        store.delete("documents/a.docx")
    assert not store.exists("documents/a.docx")  # a folder is not a stored file


def test_a_storage_folder_that_cannot_be_made_is_a_store_error(tmp_path):
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="storage folder"):
        LocalFileStore(tmp_path / "data" / "files")
