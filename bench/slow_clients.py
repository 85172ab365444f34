"""Slow and waiting clients against `reportgen run`'s web server: do health probes still pass?

`python -m bench.slow_clients` (about two and a half minutes). Four runs of 30 s each, with a
`GET /api/v1/health` probe every 0,2 s (2 s timeout) throughout:

- quiet: nothing else;
- slow sockets: 16 connections that send a request's headers one line a second, never
  ending them (slowloris); a socket the server closes is opened again;
- long polls: 15 clients asking a running job's status with `?wait=30`, again and again;
- both at once.

Figures: the share of probes answered, their p50/p95 latency, and how often the server closed
a slow socket. Results go to bench/results/slow_clients.json. The job the polls wait on is
held running by the `render=sleep` fault point, so its status never ends during the runs.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from pathlib import Path

import requests

from bench.service import FIELDS, SAMPLE, Service
from bench.stats import summary

RESULTS = Path(__file__).resolve().parent / "results" / "slow_clients.json"
PROBE_EVERY, PROBE_TIMEOUT = 0.2, 2.0


def slow_sockets(port: int, count: int, stop: threading.Event) -> dict:
    """Keep ``count`` slowloris connections open until ``stop``; returns how many times the
    server closed one."""
    closed = [0]

    def one() -> None:
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    n = 0
                    while not stop.wait(1.0):
                        s.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                        n += 1
            except OSError:
                closed[0] += 1
                stop.wait(0.2)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    return {"threads": threads, "closed": closed}


def long_polls(url: str, count: int, stop: threading.Event) -> dict:
    """``count`` clients asking ``url?wait=30`` again and again until ``stop``."""
    answered = [0]

    def one() -> None:
        while not stop.is_set():
            try:
                requests.get(f"{url}?wait=30", timeout=40)
                answered[0] += 1
            except requests.RequestException:
                stop.wait(0.2)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    return {"threads": threads, "answered": answered}


def probe(url: str, seconds: float) -> dict:
    """Probe ``url`` every 0,2 s for ``seconds``; the share answered 200 within 2 s."""
    times, failed = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            ok = requests.get(url, timeout=PROBE_TIMEOUT).status_code == 200
        except requests.RequestException:
            ok = False
        if ok:
            times.append(time.monotonic() - started)
        else:
            failed += 1
        time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - started)))
    total = len(times) + failed
    return {"probes": total, "answered_pct": round(100 * len(times) / total, 1),
            **({k: round(v, 1) for k, v in summary(times).items() if k != "runs"}
               if times else {})}


def scenario(service: Service, status_url: str, slow: int, polls: int, seconds: float) -> dict:
    stop = threading.Event()
    sockets = slow_sockets(service.port, slow, stop) if slow else None
    waiting = long_polls(status_url, polls, stop) if polls else None
    time.sleep(2)  # let the clients connect before probing
    result = probe(f"{service.url}/api/v1/health", seconds)
    stop.set()
    if sockets:
        result["slow_sockets_closed_by_server"] = sockets["closed"][0]
    if waiting:
        result["long_polls_answered"] = waiting["answered"][0]
    return result


def measure(seconds: float = 30.0) -> dict:
    with Service(env={"REPORTGEN_FAULTS": "render=sleep:600"}) as service:
        with SAMPLE.open("rb") as f:
            job = requests.post(f"{service.url}/api/v1/jobs", files={"data": ("s.xlsx", f)},
                                data=FIELDS, timeout=30).json()
        status_url = service.url + job["status_url"]
        return {
            "quiet": scenario(service, status_url, 0, 0, seconds),
            "slow_sockets_16": scenario(service, status_url, 16, 0, seconds),
            "long_polls_15": scenario(service, status_url, 0, 15, seconds),
            "both": scenario(service, status_url, 16, 15, seconds),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="Length of each run.")
    args = parser.parse_args()
    results = measure(args.seconds)
    print(f"{'run':<18} {'probes':>6} {'answered %':>10} {'p50 ms':>8} {'p95 ms':>8}")
    for name, r in results.items():
        print(f"{name:<18} {r['probes']:>6} {r['answered_pct']:>10} "
              f"{r.get('p50_ms', '-'):>8} {r.get('p95_ms', '-'):>8}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
