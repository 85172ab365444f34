"""LibreOffice kept warm: one ``unoserver`` per worker process converts .docx to PDF.

A cold ``soffice --convert-to pdf`` loads the whole office suite for every document (seconds);
a listener loads it once. ``unoserver`` (PyPI) runs LibreOffice as a listener and converts on
request over XML-RPC. It must run under the Python that LibreOffice's UNO bridge belongs to
(Debian: ``/usr/bin/python3`` with ``python3-uno``), which is not ours, so we start that
Python on the unoserver package installed beside reportgen, and talk to it from here.

The converter starts on first use and is then kept: restarted after ``restart_after``
conversions (LibreOffice grows with use), when a conversion passes ``timeout`` seconds
(unoserver stops LibreOffice then; we stop what is left), or when it has died. It dies with
the process that started it: SIGTERM on its death (``PR_SET_PDEATHSIG``), and a watchdog in
the listener (``listener.py``) that kills what LibreOffice left.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import xmlrpc.client
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path

import unoserver

from tasks.pdf import PdfError

log = logging.getLogger(__name__)
# unoserver's XML-RPC interface version this module speaks (``info()["api"]``).
API_VERSION = "3"
START_TIMEOUT = 90.0  # seconds LibreOffice may take to come up (a first profile is slow)
_PR_SET_PDEATHSIG = 1
# Runs unoserver's server under LibreOffice's Python, from the package installed with ours.
LISTENER = Path(__file__).resolve().with_name("listener.py")


@dataclass(frozen=True)
class Office:
    """A LibreOffice that can convert: its ``soffice`` and a Python that imports ``uno``."""

    soffice: str
    python: str


def _imports_uno(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import uno"], capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@functools.cache
def find_office(soffice: str | None = None, python: str | None = None) -> Office | str:
    """The LibreOffice to use, or the reason there is none (Vietnamese, for the user).

    ``soffice`` defaults to the one on ``PATH``; ``python`` to the first of ``python3`` on
    ``PATH`` and ``/usr/bin/python3`` that can ``import uno``.
    """
    found = shutil.which(soffice or "soffice")
    if found is None:
        return ("Máy chủ chưa cài LibreOffice (soffice) nên chưa tạo được PDF; tệp .docx vẫn "
                "tải được. Quản trị viên: cài libreoffice-writer-nogui và python3-uno.")
    candidates = [python] if python else [shutil.which("python3"), "/usr/bin/python3"]
    for candidate in filter(None, candidates):
        if _imports_uno(candidate):
            return Office(found, candidate)
    return ("LibreOffice có trên máy chủ nhưng thiếu cầu nối UNO cho Python nên chưa tạo được "
            "PDF; tệp .docx vẫn tải được. Quản trị viên: cài python3-uno.")


def office_status(soffice: str | None = None, python: str | None = None) -> str:
    """One line for operators: whether PDFs can be made here, and with what."""
    office = find_office(soffice, python)
    if isinstance(office, str):
        return f"PDF: not available ({office})"
    return f"PDF: available (LibreOffice {office.soffice}, UNO Python {office.python})"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Linux ``/proc``), children first."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop(0)
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except (OSError, ValueError):
                continue
            found += kids
            queue += kids
    return found


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: SIGTERM it when this process dies, so a
    # killed worker never leaves a LibreOffice behind (unoserver passes SIGTERM on to it).
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout, so a hung converter cannot hang us."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class OfficeConverter:
    """A warm LibreOffice for this process. Not thread-safe: one conversion at a time."""

    def __init__(self, soffice: str | None = None, python: str | None = None,
                 timeout: float = 60.0, restart_after: int = 200) -> None:
        self.soffice, self.python = soffice, python
        self.timeout = timeout
        self.restart_after = restart_after
        self.process: subprocess.Popen | None = None
        self.conversions = 0  # since the current LibreOffice started
        self.starts = 0
        self.ready = False  # the current LibreOffice has answered
        self._folder: Path | None = None
        self._port = 0

    # -- life cycle -------------------------------------------------------------------------

    def _office(self) -> Office:
        office = find_office(self.soffice, self.python)
        if isinstance(office, str):
            raise PdfError("pdf_unavailable", office)
        return office

    @property
    def folder(self) -> Path:
        """The converter's private folder: LibreOffice profile and log."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="reportgen-office-"))
        return self._folder

    def start(self) -> None:
        """Start a LibreOffice listener without waiting for it (a no-op while one runs)."""
        if self.running:
            return
        office = self._office()
        self._port, uno_port = _free_port(), _free_port()
        site = str(Path(unoserver.__file__).resolve().parent.parent)
        command = [office.python, str(LISTENER), site,
                   "--interface", "127.0.0.1", "--port", str(self._port),
                   "--uno-port", str(uno_port), "--executable", office.soffice,
                   "--user-installation", str(self.folder / "profile"),
                   "--conversion-timeout", str(int(self.timeout))]
        with (self.folder / "unoserver.log").open("ab") as out:
            # HOME and TMPDIR in the private folder too: what LibreOffice keeps there (dconf,
            # caches, its lu*.tmp files) goes with the folder, not into the account's home
            # or the machine's /tmp.
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL,
                                            env=self._environment(),
                                            preexec_fn=_die_with_parent)
        self.conversions = 0
        self.ready = False
        self.starts += 1
        log.info("started LibreOffice listener (unoserver pid %d)", self.process.pid)

    def _environment(self) -> dict[str, str]:
        temporary = self.folder / "tmp"
        temporary.mkdir(exist_ok=True)
        return dict(os.environ, HOME=str(self.folder), TMPDIR=str(temporary))

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def office_pids(self) -> list[int]:
        """The processes of the running LibreOffice (its launcher and soffice.bin)."""
        return descendants(self.process.pid) if self.running else []

    def stop(self, grace: float = 10.0) -> None:
        """Stop the listener and its LibreOffice: SIGTERM, then SIGKILL after ``grace`` s
        to whatever of them is left (a hung LibreOffice ignores SIGTERM)."""
        process, self.process = self.process, None
        if process is None:
            return
        office = descendants(process.pid)  # before anything exits and is reparented
        if process.poll() is None:
            process.terminate()  # unoserver passes it on to LibreOffice
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in office:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        """Stop the listener and delete its folder."""
        self.stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self._port}", allow_none=True,
                                         transport=_Transport(timeout))

    def _log_tail(self) -> str:
        try:
            return (self.folder / "unoserver.log").read_text(errors="replace")[-600:]
        except OSError:
            return ""

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Start the listener if needed and wait until it answers.

        Raises ``PdfError``: ``pdf_unavailable`` when LibreOffice is missing, exits or does
        not answer within ``timeout`` seconds.
        """
        self.start()
        if self.ready:
            return
        deadline = time.monotonic() + timeout
        while True:
            if not self.running:
                self.process = None
                log.error("LibreOffice listener exited while starting: %s", self._log_tail())
                raise PdfError("pdf_unavailable", "LibreOffice không khởi động được trên máy "
                               "chủ nên chưa tạo được PDF; tệp .docx vẫn tải được.")
            try:
                info = self._proxy(5.0).info()
            except (OSError, HTTPException, xmlrpc.client.Error):
                if time.monotonic() > deadline:
                    self.stop()
                    raise PdfError("pdf_unavailable", "LibreOffice không trả lời sau "
                                   f"{timeout:.0f} giây; chưa tạo được PDF.") from None
                time.sleep(0.2)
                continue
            if info.get("api") != API_VERSION:
                self.stop()
                raise PdfError("pdf_unavailable", f"unoserver API {info.get('api')} không "
                               f"khớp bản {API_VERSION} mà reportgen dùng.")
            self.ready = True
            return

    # -- conversion -------------------------------------------------------------------------

    def convert(self, docx: bytes) -> bytes:
        """The PDF of ``docx``, converted by the warm LibreOffice (started if needed).

        Raises ``PdfError``: ``pdf_unavailable`` (no LibreOffice), ``pdf_timeout`` (the
        conversion passed the time limit; LibreOffice is restarted), ``pdf_failed``
        (LibreOffice could not convert this document).
        """
        self.wait_ready()
        try:
            result = self._proxy(self.timeout + 10).convert(
                None, xmlrpc.client.Binary(docx), None, "pdf", None, [], False, None, None)
        except TimeoutError as e:
            self.stop(grace=2.0)
            raise PdfError("pdf_timeout", "Chuyển sang PDF quá thời gian cho phép "
                           f"({self.timeout:.0f} giây).") from e
        except (OSError, HTTPException, xmlrpc.client.Error) as e:
            # unoserver stops LibreOffice after its own conversion timeout, then answers a
            # fault: whatever happened, the next conversion gets a fresh LibreOffice.
            timed_out = not self.running or "Timeout" in str(e)
            self.stop(grace=2.0)
            if timed_out:
                raise PdfError("pdf_timeout", "Chuyển sang PDF quá thời gian cho phép "
                               f"({self.timeout:.0f} giây).") from e
            raise PdfError("pdf_failed", "LibreOffice không chuyển được văn bản sang PDF.") from e
        self.conversions += 1
        if self.conversions >= self.restart_after:
            # A fresh LibreOffice now, loading while this worker does other things.
            self.stop()
            self.start()
        return result.data
