"""A request's body must arrive in bounded time, so a slow sender cannot hold the web server.

The web server (gunicorn with gevent workers, ``service.runner.web_command``) bounds the time
a request's headers may take; the body is read later, by the application, and a client that
sends a byte a second would keep a read going for ever (each byte resets a socket timeout).
This WSGI middleware gives the body a deadline instead: ``BASE_SECONDS`` plus the time the
announced length takes at ``MIN_RATE`` bytes a second (a 20 MB upload may take 10 s + 5 min
20 s). At the deadline the reading side of the connection is shut, which ends a read in
progress, and the request answers 408.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from werkzeug.exceptions import RequestTimeout

BASE_SECONDS = 10.0
MIN_RATE = 64 * 1024  # bytes a second: a slow mobile link manages several times this


class DeadlineInput:
    """``wsgi.input`` whose reads end at ``seconds`` from now, with ``RequestTimeout``."""

    def __init__(self, stream, sock: socket.socket, seconds: float) -> None:
        self.stream, self.sock = stream, sock
        self.cut = threading.Event()
        # Under gevent the timer is a greenlet; under threaded workers, a thread.
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True
        self.timer.start()

    def _cut(self) -> None:
        self.cut.set()
        with contextlib.suppress(OSError):  # already closed: nothing left to end
            self.sock.shutdown(socket.SHUT_RD)  # a blocked read returns at once

    def _bounded(self, read, *args):
        if self.cut.is_set():
            raise RequestTimeout()
        try:
            data = read(*args)
        except (OSError, ValueError) as e:
            if self.cut.is_set():
                raise RequestTimeout() from e
            raise
        if self.cut.is_set():  # what came before the cut is not the whole body
            raise RequestTimeout()
        return data

    def read(self, *args):
        return self._bounded(self.stream.read, *args)

    def readline(self, *args):
        return self._bounded(self.stream.readline, *args)

    def readlines(self, *args):
        return self._bounded(self.stream.readlines, *args)

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self) -> None:
        self.timer.cancel()


class BodyDeadline:
    """WSGI middleware: the body of each request has a deadline (see the module)."""

    def __init__(self, app, max_body: int) -> None:
        """``max_body``: the longest body accepted, used when no length is announced."""
        self.app, self.max_body = app, max_body

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        if sock is None or environ.get("REQUEST_METHOD") in ("GET", "HEAD", "OPTIONS"):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or self.max_body)
        except ValueError:
            length = self.max_body
        body = DeadlineInput(environ["wsgi.input"], sock,
                             BASE_SECONDS + min(length, self.max_body) / MIN_RATE)
        environ["wsgi.input"] = body
        try:
            return self.app(environ, start_response)
        finally:
            body.close()
