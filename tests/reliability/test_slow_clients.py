"""Slow and waiting clients do not starve the web server (one real gunicorn worker process):
/health answers while they are connected, and the slow ones are cut off in bounded time.

Figures (how many probes pass under load) are measured in bench/slow_clients.py, not here.
"""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
import requests

from service.body_deadline import BASE_SECONDS
from service.runner import HEADER_SECONDS
from tests.conftest import running_web

pytestmark = pytest.mark.slow
CLIENTS = 24  # more than the thread pool a threaded worker process had (8)


def connections_to(web, port: int) -> int:
    """Established connections to ``port`` held by the web server's processes."""
    processes = [web, *web.children(recursive=True)]
    return sum(1 for p in processes for c in p.net_connections("tcp")
               if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port)


def health_probes(url: str, count: int = 10) -> list[int]:
    codes = []
    for _ in range(count):
        try:
            codes.append(requests.get(f"{url}/api/v1/health", timeout=3).status_code)
        except requests.RequestException:
            codes.append(0)
    return codes


def test_health_answers_while_long_polls_are_open(stack):
    job_id = stack.submit()  # no worker: the job stays queued, every wait runs its course
    with running_web(stack.env()) as (url, process), ThreadPoolExecutor(CLIENTS) as pool:
        port = int(url.rsplit(":", 1)[1])
        polls = [pool.submit(requests.get, f"{url}/api/v1/jobs/{job_id}?wait=20", timeout=40)
                 for _ in range(CLIENTS)]
        web = psutil.Process(process.pid)
        stack.wait_for(lambda: connections_to(web, port) >= CLIENTS, 20, "the polls to connect")
        assert health_probes(url) == [200] * 10
        assert not any(p.done() for p in polls)  # they were all still waiting meanwhile
        assert [p.result().json()["status"] for p in polls] == ["queued"] * CLIENTS


def test_slow_sockets_do_not_starve_the_server_and_are_cut_off(stack):
    with running_web(stack.env()) as (url, _process):
        port = int(url.rsplit(":", 1)[1])
        closed_after: list[float] = []
        stop = threading.Event()

        def slowloris() -> None:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
                started = time.monotonic()
                s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                n = 0
                try:
                    while not stop.wait(1.0):
                        s.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                        n += 1
                except OSError:
                    closed_after.append(time.monotonic() - started)

        threads = [threading.Thread(target=slowloris) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            assert health_probes(url) == [200] * 10
        finally:
            deadline = time.monotonic() + 60
            while len(closed_after) < CLIENTS and time.monotonic() < deadline:
                time.sleep(0.2)
            stop.set()
            for t in threads:
                t.join()
        # Every one was closed by the server, a few seconds after its headers were due.
        assert len(closed_after) == CLIENTS
        assert max(closed_after) < HEADER_SECONDS + 15


def test_a_body_sent_too_slowly_is_answered_408(stack):
    with running_web(stack.env()) as (url, _process):
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            s.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Type: multipart/form-data; boundary=x\r\n"
                      b"Content-Length: 1000\r\n\r\n--x\r\n")
            started, answer = time.monotonic(), b""
            try:
                while b"request_timeout" not in answer and time.monotonic() - started < 60:
                    s.sendall(b"a")  # a byte a second: the body would take 17 minutes
                    s.settimeout(1.0)
                    try:
                        answer += s.recv(4096)
                    except TimeoutError:
                        continue
            except OSError:
                pass
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b'"request_timeout"' in answer
        assert time.monotonic() - started < BASE_SECONDS + 15
