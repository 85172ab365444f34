"""One ``reportgen run`` per data folder: an exclusive lock on ``<data folder>/run.lock``.

A second ``reportgen run`` on the same folder would start a second embedded Redis on the same
socket, replacing the first one's, then fail on the port and delete that socket, leaving the
first service unable to queue anything. The lock is taken before anything starts; the file
names the process that holds it. The kernel releases the lock when that process ends, however
it ends, so a crash never leaves the folder locked.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DataFolderBusyError(RuntimeError):
    """The data folder is in use by another ``reportgen run``; ``pid`` is it (or ``None``)."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        who = f"process {pid}" if pid else "another process"
        super().__init__(f"the data folder {folder} is in use by `reportgen run` ({who}); "
                         "stop it first, or set REPORTGEN_DATA_DIR to another folder")
        self.folder, self.pid = folder, pid


class DataFolderLock:
    """The lock of one data folder, held from ``acquire`` until ``release`` or exit."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "run.lock"
        self._fd: int | None = None

    def acquire(self) -> DataFolderLock:
        """Take the lock and write this process's id into the file.

        Raises ``DataFolderBusyError`` when another process holds it.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise DataFolderBusyError(self.folder, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the only descriptor releases the lock
            self._fd = None


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip())
    except ValueError:
        return None
