"""The admins' page of the audit log: who did what, newest first, with filters."""

from __future__ import annotations

from flask import render_template, request

from service.access import current_principal
from service.errors import ApiError
from service.filters import parse_since
from service.runtime import runtime
from service.web import bp

PER_PAGE = 50
FILTERS = ("action", "actor", "target", "since")


@bp.get("/admin/audit")
def admin_audit():
    if not current_principal().is_admin:
        raise ApiError(403, "forbidden", "Chỉ quản trị viên được dùng chức năng này.")
    try:
        page = max(1, min(1_000_000, int(request.args.get("page", 1))))
    except ValueError:
        page = 1
    filters = {k: request.args[k].strip() for k in FILTERS if (request.args.get(k) or "").strip()}
    since = parse_since(filters["since"]) if "since" in filters else None
    result = runtime().audit.page(page, PER_PAGE, action=filters.get("action"),
                                  actor=filters.get("actor"), target=filters.get("target"),
                                  since=since)
    return render_template("admin_audit.html", result=result, filters=filters)
