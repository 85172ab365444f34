"""``reportgen run``: start Redis (embedded when REDIS_URL is unset), a worker and the web server.

The processes are children of this one and die with it: Ctrl-C (or SIGTERM) stops them all,
the worker with a warm shutdown so a running job finishes; if this process is killed outright,
the kernel sends each child SIGTERM (``PR_SET_PDEATHSIG``); if one child exits, the others are
stopped and ``reportgen run`` exits. One ``reportgen run`` per data folder (``data_lock``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time

from service.data_lock import DataFolderLock
from service.embedded_redis import EmbeddedRedis
from tasks.pdf.office import office_status
from tasks.settings import Settings

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def worker_command(settings: Settings, concurrency: int | None = None,
                   name: str = "worker") -> list[str]:
    """The command line of a Celery worker process serving reportgen's queue.

    Every worker also runs the periodic passes (reconciler, retention): no scheduler needed.
    """
    return [sys.executable, "-m", "celery", "-A", "service.worker", "worker",
            "--loglevel", "INFO",
            "--concurrency", str(concurrency or settings.worker_concurrency),
            "--queues", "reportgen", "--hostname", f"{name}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat"]


def beat_command(settings: Settings) -> list[str]:
    """The command line of a separate scheduler process: optional, it only asks the workers
    for the periodic passes they already run by themselves."""
    return [sys.executable, "-m", "celery", "-A", "service.worker", "beat", "--loglevel",
            "INFO", "--schedule", str(settings.data_dir / "celerybeat-schedule")]


# gunicorn's default access line has the query string and the Referer: a token or a
# password someone put in a URL would land in the log. Path only.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'


# With gevent workers the keep-alive timeout also bounds how long a request's headers may take
# to arrive (gunicorn reads every request of a connection under it): slowloris ends there.
HEADER_SECONDS = 5


def graceful_seconds(settings: Settings) -> int:
    """How long a stopping web server lets its open requests finish."""
    return max(10, settings.check_wait + 5)


def web_command(settings: Settings, workers: int = 2, connections: int = 1000) -> list[str]:
    """The command line of the gunicorn web server.

    gevent workers: a connection is a greenlet, not a thread, so clients that send slowly or
    wait on ``?wait=`` cost a little memory each instead of a share of a fixed thread pool;
    ``connections`` bounds them per worker process. Headers must arrive within
    ``HEADER_SECONDS``; a body within its deadline (``service.body_deadline``). gunicorn's
    control socket is off: nothing here uses it, and its default path (``~/.gunicorn``) would
    be shared by every instance of one user. A graceful stop lets a submission that is
    waiting for the worker's check answer first (``Settings.check_wait`` plus 5 s), so a
    restart never drops the answer of a job it created.
    """
    return [sys.executable, "-m", "gunicorn", "--bind", f"{settings.host}:{settings.port}",
            "--no-control-socket",
            "--workers", str(workers), "--worker-class", "gevent",
            "--worker-connections", str(connections), "--keep-alive", str(HEADER_SECONDS),
            "--access-logfile", "-",
            "--access-logformat", ACCESS_LOG_FORMAT,
            "--graceful-timeout", str(graceful_seconds(settings)),
            "service:create_app()"]


def die_with_parent() -> None:
    """In a child between fork and exec: ask the kernel for SIGTERM when the parent dies.

    The request survives exec. If the parent is already gone, end now.
    """
    parent = os.getppid()
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0 or os.getppid() != parent:
        os._exit(1)


class Supervisor:
    """Starts the service's processes and stops them together."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = DataFolderLock(settings.data_dir)
        self.redis: EmbeddedRedis | None = None
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self) -> None:
        """Lock the data folder, then start Redis (if embedded), the worker and the web server.

        Raises ``DataFolderBusyError`` when another ``reportgen run`` uses the data folder.
        """
        self.lock.acquire()
        env = dict(os.environ, REPORTGEN_DATA_DIR=str(self.settings.data_dir))
        if self.settings.redis_url is None:
            self.redis = EmbeddedRedis(self.settings.data_dir / "redis",
                                       preexec_fn=die_with_parent).start()
            env["REDIS_URL"] = self.redis.url
        for name, command in (("worker", worker_command(self.settings)),
                              ("web", web_command(self.settings))):
            # Each child in its own process group: a Ctrl-C in the terminal reaches only
            # this process, which stops the children in order (a warm shutdown each) instead
            # of every process receiving SIGINT at once. The kernel still ends them if this
            # process dies (``die_with_parent``).
            self.children.append((name, subprocess.Popen(command, env=env, process_group=0,
                                                         preexec_fn=die_with_parent)))

    def wait(self) -> int:
        """Block until a child exits on its own; returns the exit status to use."""
        while True:
            for name, child in self.children:
                code = child.poll()
                if code is not None:
                    print(f"reportgen: {name} exited with status {code}", file=sys.stderr)
                    return code or 1
            time.sleep(0.5)

    def stop(self, timeout: float | None = None) -> None:
        """Warm shutdown of every child (within ``timeout`` seconds, by default the web's
        graceful stop and 5 s more, at least 30), then the embedded Redis."""
        timeout = timeout or max(30.0, graceful_seconds(self.settings) + 5.0)
        for _name, child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for _name, child in self.children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self.redis is not None:
            self.redis.stop()
        self.lock.release()


def run_service(settings: Settings) -> int:
    """Run until interrupted; returns the process exit status."""
    supervisor = Supervisor(settings)

    def _terminate(signum, _frame):
        raise KeyboardInterrupt

    # Both explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    try:
        supervisor.start()
        print(f"reportgen: http://{settings.host}:{settings.port}/ (Ctrl-C để dừng; "
              f"dữ liệu tại {settings.data_dir})", flush=True)
        print(f"reportgen: {office_status(settings.office_path, settings.office_python)}",
              flush=True)
        return supervisor.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        supervisor.stop()
