"""``reportgen run``: start Redis (embedded when REDIS_URL is unset), a worker and the web server.

The processes are children of this one; Ctrl-C (or SIGTERM) stops them all, the worker with a
warm shutdown so a running job finishes, and nothing is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from service.embedded_redis import EmbeddedRedis
from tasks.pdf.office import office_status
from tasks.settings import Settings


def worker_command(settings: Settings, concurrency: int | None = None,
                   name: str = "worker", beat: bool = False) -> list[str]:
    """The command line of a Celery worker process serving reportgen's queue.

    With ``beat`` the worker also runs the periodic reconciler (one such worker per site).
    """
    command = [sys.executable, "-m", "celery", "-A", "service.worker", "worker",
               "--loglevel", "INFO",
               "--concurrency", str(concurrency or settings.worker_concurrency),
               "--queues", "reportgen", "--hostname", f"{name}@%h",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if beat:
        command += ["--beat", "--schedule", str(settings.data_dir / "celerybeat-schedule")]
    return command


def beat_command(settings: Settings) -> list[str]:
    """The command line of a separate scheduler process (for sites with several workers)."""
    return [sys.executable, "-m", "celery", "-A", "service.worker", "beat", "--loglevel",
            "INFO", "--schedule", str(settings.data_dir / "celerybeat-schedule")]


# gunicorn's default access line has the query string and the Referer: a token or a
# password someone put in a URL would land in the log. Path only.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'


def web_command(settings: Settings, workers: int = 2, threads: int = 8) -> list[str]:
    """The command line of the gunicorn web server.

    Threaded workers: a client waiting on ``?wait=`` holds a thread, not a whole process.
    """
    return [sys.executable, "-m", "gunicorn", "--bind", f"{settings.host}:{settings.port}",
            "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
            "--access-logfile", "-",
            "--access-logformat", ACCESS_LOG_FORMAT, "--graceful-timeout", "10",
            "service:create_app()"]


class Supervisor:
    """Starts the service's processes and stops them together."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: EmbeddedRedis | None = None
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self) -> None:
        env = dict(os.environ, REPORTGEN_DATA_DIR=str(self.settings.data_dir))
        if self.settings.redis_url is None:
            self.redis = EmbeddedRedis(self.settings.data_dir / "redis").start()
            env["REDIS_URL"] = self.redis.url
        for name, command in (("worker", worker_command(self.settings, beat=True)),
                              ("web", web_command(self.settings))):
            self.children.append((name, subprocess.Popen(command, env=env)))

    def wait(self) -> int:
        """Block until a child exits on its own; returns the exit status to use."""
        while True:
            for name, child in self.children:
                code = child.poll()
                if code is not None:
                    print(f"reportgen: {name} exited with status {code}", file=sys.stderr)
                    return code or 1
            time.sleep(0.5)

    def stop(self, timeout: float = 30.0) -> None:
        """Warm shutdown of every child, then the embedded Redis."""
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
