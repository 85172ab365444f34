"""API errors: one exception type and one JSON shape, ``{"error": {code, message, details}}``.

``message`` is Vietnamese for the end user; ``code`` is stable for scripts; ``details`` lists
the problems found (each with its sheet and cell where they apply). A storage failure no view
answered itself (the database or the file store away, full or read-only: a ``StoreError``) is a
503 ``storage_unavailable``, not a 500: nothing is wrong with the request.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, jsonify, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from tasks.report.errors import ReportError
from tasks.store import StoreError

# Vietnamese messages for the HTTP errors Flask raises itself.
_HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("unauthorized", "Cần đăng nhập hoặc mã truy cập."),
    403: ("forbidden", "Không có quyền thực hiện."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    408: ("request_timeout", "Dữ liệu gửi lên quá chậm nên yêu cầu đã bị hủy. Vui lòng gửi lại."),
    413: ("too_large", "Tệp hoặc yêu cầu quá lớn."),
    415: ("unsupported_media_type", "Kiểu dữ liệu không được hỗ trợ."),
    429: ("rate_limited", "Quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau."),
    500: ("internal_error", "Lỗi hệ thống. Vui lòng thử lại sau."),
}


class ApiError(Exception):
    """An error answered to the client with ``status`` and a JSON body."""

    def __init__(self, status: int, code: str, message: str, details: list[dict] | None = None,
                 headers: dict | None = None, job: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}
        self.job = job  # the job the error is about (``invalid_data``: the rejected one)

    @classmethod
    def from_report_error(cls, error: ReportError, status: int = 422) -> ApiError:
        details = [p.as_dict() for p in error.problems()]
        return cls(status, error.code, error.message, details)

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "details": self.details}
        if self.job is not None:
            error["job"] = self.job
        return {"error": error}


def _wants_json() -> bool:
    # Without a URL adapter (a Host outside TRUSTED_HOSTS fails before routing) no page can
    # be built: such errors go out as JSON.
    return (request.path.startswith("/api/")
            or request.accept_mimetypes.best == "application/json"
            or request_ctx.url_adapter is None)


def http_error(e: HTTPException) -> ApiError:
    """The ApiError equivalent of one of Flask's own HTTP errors."""
    code, message = _HTTP_MESSAGES.get(e.code or 500, ("http_error", e.description or ""))
    if e.code == 413:
        message = _too_large_message()
    allowed = getattr(e, "valid_methods", None)
    return ApiError(e.code or 500, code, message,
                    headers={"Allow": ", ".join(allowed)} if allowed else None)


def _too_large_message() -> str:
    """Which limit a 413 met: the whole upload, or one text field of the form (Werkzeug
    answers both with the same error; a body within the upload limit means the field)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit and length is not None and length <= limit:
        field = current_app.config.get("MAX_FORM_MEMORY_SIZE") or 0
        return (f"Một trường của biểu mẫu dài quá {field // 1024} KB (số báo cáo, người ký…): "
                "hãy kiểm tra lại nội dung đã nhập.")
    return "Tệp tải lên vượt quá dung lượng cho phép."


def storage_unavailable() -> ApiError:
    """The 503 of a request the database or the file store could not serve."""
    return ApiError(503, "storage_unavailable",
                    "Máy chủ tạm thời không đọc, ghi được dữ liệu (cơ sở dữ liệu hoặc kho tệp). "
                    "Vui lòng thử lại sau.", headers={"Retry-After": "30"})


def register_error_handlers(app: Flask, html_handler) -> None:
    """JSON errors for the API; ``html_handler(ApiError)`` renders them for pages."""

    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        if _wants_json():
            return jsonify(e.body()), e.status, e.headers
        return html_handler(e)

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        return _api_error(http_error(e))

    @app.errorhandler(StoreError)
    def _store_error(e: StoreError):
        app.logger.error("storage failed on %s: %s", request.path, e, exc_info=e)
        return _api_error(storage_unavailable())

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        # Log the traceback for operators; answer without paths or code details, with a
        # reference that finds the log entry.
        ref = secrets.token_hex(6)
        app.logger.exception("unhandled error %s on %s", ref, request.path)
        code, message = _HTTP_MESSAGES[500]
        return _api_error(ApiError(500, code, f"{message} (Mã tham chiếu: {ref})"))
