"""A small HTTP client of the reportgen API, used by ``reportgen submit`` and ``reportgen jobs``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import requests

from tasks.settings import MAX_CHECK_WAIT  # the most REPORTGEN_CHECK_WAIT may be

# A job's states and ends as the status resource names them (``tasks.store.records``; a
# test holds them equal, the CLI does not load SQLAlchemy to know them).
FINISHED = ("succeeded", "failed", "rejected", "cancelled")
STATUSES = ("queued", "running", *FINISHED)
PDF_WAIT = 300.0  # seconds a download waits for a PDF that is being made


class ClientError(Exception):
    """The server refused the request or could not be reached; ``status`` is 0 when unreachable.
    ``job``: the job the refusal is about (``invalid_data``: the job kept as rejected)."""

    def __init__(self, status: int, code: str, message: str, details: list | None = None,
                 job: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.job = job


class ApiClient:
    """Talks to one reportgen server."""

    def __init__(self, server: str, timeout: float = 30.0, token: str | None = None) -> None:
        self.server = server.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()
        if token:
            # requests drops this header when a redirect leaves the server's host.
            self.http.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, timeout: float | None = None,
              **kwargs) -> requests.Response:
        url = path if path.startswith("http") else f"{self.server}{path}"
        timeout = timeout or self.timeout
        try:
            response = self.http.request(method, url, timeout=timeout, **kwargs)
        except requests.Timeout as e:
            raise ClientError(0, "unreachable", f"Máy chủ {self.server} không trả lời trong "
                              f"{timeout:g} giây.") from e
        except requests.ConnectionError as e:
            raise ClientError(0, "unreachable", f"Không kết nối được máy chủ {self.server}: "
                              "máy chủ chưa chạy, sai địa chỉ (--server) hoặc mạng bị chặn.") from e
        except requests.RequestException as e:
            raise ClientError(0, "unreachable", f"Không gửi được yêu cầu tới {self.server} "
                              f"({type(e).__name__}).") from e
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "http_error", "message": response.text[:200]}
            raise ClientError(response.status_code, error.get("code", "http_error"),
                              error.get("message", ""), error.get("details"), error.get("job"))
        return response

    def submit(self, fields: dict[str, str], data: Path,
               idempotency_key: str | None = None) -> dict:
        """Create a job; returns the 202 body. With ``idempotency_key``, sending the same
        request again returns the same job. The server holds its answer for the worker's
        check of the data (at most ``MAX_CHECK_WAIT`` seconds): this waits that much longer."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        with data.open("rb") as f:
            files = {"data": (data.name, f)}
            return self._call("POST", "/api/v1/jobs", data=fields, files=files,
                              headers=headers, timeout=self.timeout + MAX_CHECK_WAIT).json()

    def list_jobs(self, filters: dict[str, str], page: int = 1, per_page: int = 20) -> dict:
        """One page of the history with ``filters`` (status, template, province, period,
        since)."""
        params = {"page": page, "per_page": per_page, **filters}
        return self._call("GET", "/api/v1/jobs", params=params).json()

    def cancel(self, job_id: str) -> dict:
        return self._call("POST", f"/api/v1/jobs/{job_id}/cancel").json()

    def rerun(self, job_id: str) -> dict:
        return self._call("POST", f"/api/v1/jobs/{job_id}/rerun").json()

    def job(self, status_url: str, wait: float = 0) -> dict:
        """The job's state; with ``wait`` the server holds the answer until the job ends."""
        params = {"wait": wait} if wait else None
        return self._call("GET", status_url, params=params).json()

    def wait(self, status_url: str, on_update: Callable[[dict], None],
             step: float = 2.0, timeout: float = 900.0) -> dict:
        """Wait until the job is finished, reporting its state every ``step`` seconds."""
        deadline = time.monotonic() + timeout
        job = self.job(status_url)
        while True:
            on_update(job)
            if job["status"] in FINISHED:
                return job
            if time.monotonic() > deadline:
                raise ClientError(0, "timeout", "Hết thời gian chờ công việc hoàn thành.")
            job = self.job(status_url, wait=step)

    def download(self, url: str, target: Path) -> Path:
        """Save the document at ``url`` to ``target`` (a file, or a folder to keep its name).

        A PDF that is still being made (409 with ``Retry-After``) is waited for.
        """
        deadline = time.monotonic() + PDF_WAIT
        while True:
            try:
                response = self._call("GET", url)
                break
            except ClientError as e:
                if e.code != "pdf_not_ready" or time.monotonic() > deadline:
                    raise
                time.sleep(1)
        if target.is_dir():
            name = requests.utils.unquote(
                response.headers.get("Content-Disposition", "").split("filename*=UTF-8''")[-1]
            ) or "report.docx"
            target = target / Path(name).name
        target.write_bytes(response.content)
        return target
