"""Files under the data folder: uploads and generated documents, written atomically.

Keys are relative paths that reportgen makes itself (``uploads/<job id>.xlsx``); a key that
would leave the storage folder, or that resolves through a symbolic link, is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


class FileStore:
    """A folder of files addressed by key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

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

        A reader sees either the old file or the whole new one, never a part. Raises
        ``StoreError`` when the disk refuses (full, read-only); nothing is left behind then.
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
        """The bytes stored under ``key``; ``StoreError`` when missing or unreadable."""
        try:
            return self.path(key).read_bytes()
        except OSError as e:
            raise StoreError(f"could not read {key}: {e.strerror or e}") from e

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except StoreError:
            return False

    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        self.path(key).unlink(missing_ok=True)
