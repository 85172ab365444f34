"""The admins' page for templates: upload a new version, see which one new jobs use."""

from __future__ import annotations

from flask import render_template, request

from service.access import current_principal
from service.audit import audit
from service.downloads import runtime
from service.errors import ApiError
from service.template_upload import accept_template
from service.web import bp
from service.web.forms import TemplateForm


def _versions() -> list[dict]:
    rt = runtime()
    rows = []
    for kind in rt.catalog.kinds.values():
        current = rt.templates.current(kind.slug, kind.template_path)
        rows.append({"kind": kind, "current": current, "history": rt.templates.history(kind.slug)})
    return rows


@bp.route("/admin/templates", methods=["GET", "POST"])
def admin_templates():
    principal = current_principal()
    if not principal.is_admin:
        raise ApiError(403, "forbidden", "Chỉ quản trị viên được dùng chức năng này.")
    form = TemplateForm()
    form.template.choices = [(k.slug, k.title) for k in runtime().catalog.kinds.values()]
    failure, accepted, status = None, None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                accepted = accept_template(runtime(), form.template.data,
                                           form.file.data.read(), principal.user)
                audit("template.upload", accepted.slug, {"sha256": accepted.sha256})
            except ApiError as e:
                failure, status = e, e.status
        else:
            status = 422
    return render_template("admin_templates.html", form=form, failure=failure,
                           accepted=accepted, kinds=_versions()), status
