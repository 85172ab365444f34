"""What a process needs to serve jobs: the job table, the file store and the catalog.

Built lazily from settings, so nothing connects at import time and a forked worker child
opens its own database connections.
"""

from __future__ import annotations

import atexit
from functools import cached_property

from tasks.events import JobEvents
from tasks.kind_registry import KindRegistry
from tasks.pdf.office import OfficeConverter
from tasks.report.kinds import Catalog
from tasks.settings import Settings
from tasks.store.accounts import Accounts
from tasks.store.audit import AuditLog
from tasks.store.callbacks import Callbacks
from tasks.store.files import FileStore, LocalFileStore
from tasks.store.jobs import JobStore
from tasks.store.kind_versions import KindVersionStore
from tasks.store.login_limits import LoginLimits
from tasks.store.records import make_engine
from tasks.store.renditions import Renditions
from tasks.store.s3 import S3FileStore
from tasks.store.sessions import Sessions
from tasks.store.templates import TemplateStore


class Runtime:
    """Lazily opened resources of one process, shared by the web app and the worker."""

    def __init__(self, settings: Settings, durable: bool = True) -> None:
        """``durable=False`` (workers) lets SQLite commits skip the final fsync: see make_engine."""
        self.settings = settings
        self.durable = durable

    @cached_property
    def jobs(self) -> JobStore:
        return JobStore(make_engine(self.settings.database_url, self.durable))

    @cached_property
    def files(self) -> FileStore:
        """Local folder under the data folder, or S3 when REPORTGEN_STORAGE_URL says s3://."""
        url = self.settings.storage_url
        if url and url.startswith("s3://"):
            return S3FileStore(url, self.settings.s3_endpoint_url)
        return LocalFileStore(self.settings.data_dir / "files")

    @cached_property
    def accounts(self) -> Accounts:
        """Users and API tokens, in the job database (on the same engine)."""
        return Accounts(self.jobs.engine)

    @cached_property
    def audit(self) -> AuditLog:
        """The audit log: ``runtime.audit.record(actor, action, target, details)``."""
        return AuditLog(self.jobs.engine)

    @cached_property
    def renditions(self) -> Renditions:
        """PDF renditions of documents, and their previews."""
        return Renditions(self.jobs)

    @cached_property
    def callbacks(self) -> Callbacks:
        """Delivery state of job callbacks (webhooks)."""
        return Callbacks(self.jobs)

    @cached_property
    def sessions(self) -> Sessions:
        """Signed-in web sessions, in the job database."""
        return Sessions(self.jobs.engine)

    @cached_property
    def login_limits(self) -> LoginLimits:
        """Per-account login back-off, in the job database."""
        return LoginLimits(self.jobs.engine)

    @cached_property
    def events(self) -> JobEvents | None:
        """Job events on the broker's Redis; ``None`` when no Redis is configured."""
        return JobEvents(self.settings.redis_url) if self.settings.redis_url else None

    @cached_property
    def templates(self) -> TemplateStore:
        return TemplateStore(self.jobs, self.files)

    @cached_property
    def converter(self) -> OfficeConverter:
        """This process's warm LibreOffice, started on its first conversion."""
        s = self.settings
        converter = OfficeConverter(s.office_path, s.office_python, s.pdf_timeout,
                                    s.pdf_restart_after)
        atexit.register(converter.close)
        return converter

    @cached_property
    def kind_versions(self) -> KindVersionStore:
        return KindVersionStore(self.jobs, self.files)

    @cached_property
    def kinds(self) -> KindRegistry:
        """The report kinds in force and the versions jobs pinned."""
        return KindRegistry(self.settings, self.kind_versions)

    @property
    def catalog(self) -> Catalog:
        """The catalog of the kind versions in force now."""
        return self.kinds.catalog()

    def after_fork(self) -> None:
        """Forget connections inherited from a parent process (they belong to it)."""
        if "jobs" in self.__dict__:
            self.jobs.engine.dispose(close=False)
