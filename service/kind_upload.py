"""Admins add a report kind, or a new version of one, without a release.

A kind bundle (the kind's folder as a .zip) or a new template for an existing kind becomes a
kind version: the web checks what is cheap (the archive, the definition, the names the
template uses), stores it, and hands the expensive, untrusted part (the template lint, the
trial renders of the sample, the Decree 30 check) to a worker; it waits a while for the
verdict. Jobs already submitted keep the version they pinned.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from service.errors import ApiError
from tasks.celery_app import send_trial
from tasks.kind_registry import extract, template_sha256
from tasks.report.bundles import digest, pack, unpack
from tasks.report.errors import ReportError
from tasks.report.kind_problems import KindError
from tasks.report.kinds import load_kind
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.kind_versions import ACCEPTED, CHECKING, REJECTED, Version

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
# How long an upload request waits for the worker's verdict before answering 202.
TRIAL_WAIT = 60.0


def _rejected(message: str, findings: list[dict], code: str = "kind_rejected") -> ApiError:
    """422 with the findings; ``code`` is ``template_rejected`` for a template upload."""
    return ApiError(422, code, message, findings)


def _unavailable(e: Exception) -> ApiError:
    return ApiError(503, "storage_unavailable", "Máy chủ không lưu được phiên bản mới; vui lòng "
                    "thử lại sau.", headers={"Retry-After": "30"})


def _check_files(runtime: Runtime, files: dict[str, bytes], code: str) -> str:
    """Load ``files`` as a kind folder and check it against the catalog; its slug."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = extract(files, Path(tmp) / "kind")
        try:
            kind = load_kind(folder)
        except KindError as e:
            raise _rejected(e.message, [p.as_dict() for p in e.found], code) from e
        found = runtime.catalog.check(kind)
    if found:
        raise _rejected(f"Loại báo cáo «{kind.slug}» có {len(found)} lỗi, không dùng được.",
                        [p.as_dict() for p in found], code)
    return kind.slug


def accept_bundle(runtime: Runtime, celery: Celery, data: bytes,
                  uploaded_by: str | None) -> tuple[Version, int]:
    """Check, store and try the bundle ``data``; returns the version and the HTTP status
    to answer (201 accepted and current, 202 still being tried). Raises ``ApiError``: 400
    empty, 413 too large, 422 refused (with findings), 503 storage or queue unavailable."""
    if not data:  # a file was chosen (the form and the API check that): it is empty
        raise ApiError(422, "empty_file", "Tệp gói loại báo cáo rỗng (0 byte): tệp đã chọn "
                       "không có nội dung.")
    try:
        files = unpack(data)
    except ReportError as e:
        raise ApiError.from_report_error(e, 413 if e.code == "too_large" else 422) from e
    slug = _check_files(runtime, files, "kind_rejected")
    return _store_and_try(runtime, celery, slug, files, uploaded_by, "kind_rejected")


def accept_template(runtime: Runtime, celery: Celery, slug: str, data: bytes,
                    uploaded_by: str | None) -> tuple[Version, int]:
    """A new template for kind ``slug``: a new version of the kind in force, with its
    template replaced. Statuses and errors as ``accept_bundle`` (404 for an unknown kind)."""
    try:
        kind = runtime.catalog.kind(slug)
    except ReportError as e:
        raise ApiError.from_report_error(e, 404) from e
    if not data:  # a file was chosen (the form and the API check that): it is empty
        raise ApiError(422, "empty_file", "Tệp mẫu rỗng (0 byte): tệp đã chọn không có nội "
                       "dung.")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ApiError(413, "too_large", "Tệp mẫu vượt quá 20 MB.")
    try:
        files = {p.name: p.read_bytes() for p in kind.folder.iterdir() if p.is_file()
                 and not p.name.startswith(".")}
    except OSError as e:
        raise _unavailable(e) from e
    files[kind.definition.template] = data
    _check_files(runtime, files, "template_rejected")
    return _store_and_try(runtime, celery, slug, files, uploaded_by, "template_rejected")


def _store_and_try(runtime: Runtime, celery: Celery, slug: str, files: dict[str, bytes],
                   uploaded_by: str | None, code: str) -> tuple[Version, int]:
    sha = digest(files)
    try:
        version, _new = runtime.kind_versions.add(
            slug, sha, template_sha256(files), pack(files), "uploaded", uploaded_by)
        if version.state == ACCEPTED:  # the same content again: make it current once more
            runtime.kind_versions.activate(slug, sha)
            runtime.kinds.forget()
            return runtime.kind_versions.get(slug, sha), 201
        if version.state == REJECTED:
            raise _rejected("Phiên bản này đã bị từ chối khi thử.", version.findings, code)
        send_trial(celery, slug, sha)
    except StoreError as e:
        raise _unavailable(e) from e
    except (OperationalError, RedisError, OSError) as e:
        raise ApiError(503, "queue_unavailable", "Hàng đợi xử lý tạm thời không hoạt động; phiên "
                       "bản đã lưu và sẽ được thử khi hàng đợi hoạt động lại.",
                       headers={"Retry-After": "30"}) from e
    return wait_for_trial(runtime, slug, sha, TRIAL_WAIT, code)


def wait_for_trial(runtime: Runtime, slug: str, sha: str, seconds: float,
                   code: str = "kind_rejected") -> tuple[Version, int]:
    """The version once its trial ends (or ``seconds`` pass): 201, 202, or ``ApiError`` 422."""
    def checking() -> bool:
        current = runtime.kind_versions.get(slug, sha)
        return current is not None and current.state == CHECKING

    if runtime.events is not None and seconds > 0:
        runtime.events.wait(f"kind:{slug}:{sha}", seconds, checking)
    version = runtime.kind_versions.get(slug, sha)
    runtime.kinds.forget()
    if version.state == REJECTED:
        raise _rejected(f"Phiên bản không dùng được: {len(version.findings)} lỗi khi thử lập "
                        "báo cáo từ số liệu mẫu.", version.findings, code)
    return version, 201 if version.state == ACCEPTED else 202
