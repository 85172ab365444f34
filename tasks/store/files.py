"""The file stores: uploads, documents, PDFs, previews and kind bundles, addressed by key.

``FileStore`` is the contract; ``LocalFileStore`` keeps the files in a folder of the data
folder, written atomically, and ``tasks.store.s3.S3FileStore`` in an S3 bucket. Keys are
relative paths that reportgen makes itself (``uploads/<job id>.xlsx``); a key of another shape,
one that would leave the storage folder or resolve through a symbolic link, is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from tasks.store import StoreError

_KEY = re.compile(r"^[a-z]+(/[A-Za-z0-9][A-Za-z0-9._-]{0,127})+$")


@dataclass(frozen=True)
class StoredFile:
    """What was written: its key, size in bytes and SHA-256 in hex."""

    key: str
    size: int
    sha256: str


def check_key(key: str) -> str:
    """``key`` itself when it is one reportgen makes; ``StoreError`` otherwise."""
    if not _KEY.match(key) or ".." in key.split("/"):
        raise StoreError(f"invalid storage key {key!r}")
    return key


@runtime_checkable
class FileStore(Protocol):
    """Where reportgen keeps files, by key; what every file store does.

    A key is ``check_key``'s shape (``documents/<job id>.docx``); any other key raises
    ``StoreError`` in ``put``, ``read`` and ``delete``. Every failure of what lies beneath
    (disk, network, object store) is a ``StoreError`` with the cause chained.
    """

    def put(self, key: str, data: bytes) -> StoredFile:
        """Store ``data`` under ``key``, replacing what was there, whole or not at all: a
        reader sees the old bytes or the new ones, never a part. Returns its key, size and
        SHA-256; raises ``StoreError`` when the storage refuses (full, read-only, away)."""
        ...

    def read(self, key: str) -> bytes:
        """The bytes stored under ``key``; ``StoreError`` when there are none or they cannot
        be read."""
        ...

    def exists(self, key: str) -> bool:
        """Whether something is stored under ``key`` (``False`` for a key reportgen would
        never make); ``StoreError`` when the storage cannot say."""
        ...

    def delete(self, key: str) -> None:
        """Remove what is stored under ``key``; nothing to remove is not an error.
        ``StoreError`` when the storage refuses."""
        ...


class LocalFileStore:
    """A folder of files addressed by key (a ``FileStore``)."""

    def __init__(self, root: Path) -> None:
        """Keep files under ``root`` (made when missing; ``StoreError`` when it cannot be)."""
        self.root = Path(root).resolve()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot make the storage folder {self.root}: "
                             f"{e.strerror or e}") from e

    def path(self, key: str) -> Path:
        """The absolute path of ``key``; raises ``StoreError`` for a key outside the folder."""
        path = self.root / check_key(key)
        resolved = path.resolve()
        if resolved != path or not resolved.is_relative_to(self.root):
            # resolve() differing from the plain join means a symlink on the way.
            raise StoreError(f"storage key {key!r} leaves the storage folder")
        return path

    def put(self, key: str, data: bytes) -> StoredFile:
        """Write ``data`` under ``key`` atomically: temp file, fsync, rename, fsync folder.

        Nothing is left behind when the disk refuses (full, read-only).
        """
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
            renamed = False
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
                renamed = True
            finally:
                if not renamed:  # a partial temp file must not outlive the failure
                    Path(tmp).unlink(missing_ok=True)
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as e:
            raise StoreError(f"could not write {key}: {e.strerror or e}") from e
        return StoredFile(key, len(data), hashlib.sha256(data).hexdigest())

    def read(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except OSError as e:
            raise StoreError(f"could not read {key}: {e.strerror or e}") from e

    def exists(self, key: str) -> bool:
        try:
            path = self.path(key)
        except StoreError:
            return False  # a key that cannot name a stored file
        try:
            return stat.S_ISREG(path.stat().st_mode)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as e:
            raise StoreError(f"could not look up {key}: {e.strerror or e}") from e

    def delete(self, key: str) -> None:
        path = self.path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as e:
            raise StoreError(f"could not delete {key}: {e.strerror or e}") from e
