"""The admins' page for report kinds: upload a template or a whole kind (a .zip of its
folder), see every version with its state, download one, make an earlier one current again."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from service.access import current_principal
from service.audit import audit
from service.downloads import bundle_response
from service.errors import ApiError
from service.kind_upload import accept_bundle, accept_template
from service.runtime import celery_app, runtime
from service.web import bp
from service.web.forms import ActivateForm, BundleForm, TemplateForm


def _require_admin() -> None:
    if not current_principal().is_admin:
        raise ApiError(403, "forbidden", "Chỉ quản trị viên được dùng chức năng này.")


def _kinds() -> list[dict]:
    rt = runtime()
    rt.kinds.register_shipped()
    catalog = rt.catalog
    return [{"kind": kind, "versions": rt.kind_versions.history(kind.slug)}
            for kind in catalog.kinds.values()]


@bp.route("/admin/templates", methods=["GET", "POST"])
def admin_templates():
    _require_admin()
    template_form, bundle_form = TemplateForm(prefix="t"), BundleForm(prefix="b")
    template_form.template.choices = [(k.slug, k.title)
                                      for k in runtime().catalog.kinds.values()]
    failure, accepted, status = None, None, 200
    celery, user = celery_app(), current_principal().user
    try:
        if request.method == "POST" and "t-file" in request.files:
            if not template_form.validate_on_submit():
                status = 422
            else:
                accepted, status = accept_template(runtime(), celery, template_form.template.data,
                                                   template_form.file.data.read(), user)
                audit("template.upload", accepted.slug, {"sha256": accepted.sha256,
                                                         "state": accepted.state})
        elif request.method == "POST" and "b-file" in request.files:
            if not bundle_form.validate_on_submit():
                status = 422
            else:
                accepted, status = accept_bundle(runtime(), celery, bundle_form.file.data.read(),
                                                 user)
                audit("kind.upload", accepted.slug, {"sha256": accepted.sha256,
                                                     "state": accepted.state})
    except ApiError as e:
        failure, status = e, e.status
    return render_template("admin_templates.html", template_form=template_form,
                           bundle_form=bundle_form, activate=ActivateForm(), failure=failure,
                           accepted=accepted, kinds=_kinds(),
                           refused=runtime().catalog.refused), status


@bp.post("/admin/kinds/<slug>/versions/<sha256>/activate")
def admin_activate(slug: str, sha256: str):
    """Make an accepted version current again (the page's button)."""
    _require_admin()
    if not ActivateForm().validate_on_submit():
        raise ApiError(400, "bad_request", "Yêu cầu không hợp lệ (thiếu mã CSRF).")
    if not runtime().kind_versions.activate(slug, sha256):
        raise ApiError(409, "version_not_accepted", "Chỉ kích hoạt được phiên bản đã được "
                       "thử và chấp nhận.")
    runtime().kinds.forget()
    audit("kind.activate", slug, {"sha256": sha256})
    return redirect(url_for("web.admin_templates"), code=303)


@bp.get("/admin/kinds/<slug>/versions/<sha256>/bundle")
def admin_bundle(slug: str, sha256: str):
    _require_admin()
    return bundle_response(slug, sha256)
