"""The web form of a new report job (Flask-WTF: CSRF token on every post)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class JobForm(FlaskForm):
    """Report kind, province, period, data file, and the optional header fields."""

    template = SelectField("Loại báo cáo", validators=[DataRequired("Chọn loại báo cáo.")])
    province = SelectField("Tỉnh", validators=[DataRequired("Chọn tỉnh.")])
    period = StringField(
        "Kỳ báo cáo",
        validators=[DataRequired("Nhập kỳ báo cáo, ví dụ 2023."), Length(max=40)],
    )
    data = FileField("Tệp số liệu (.xlsx, .ods hoặc .csv)",
                     validators=[FileRequired("Chọn tệp số liệu để tải lên.")])
    # Number and signer are checked where the API's are (``ReportOptions.from_dict``), with the
    # same messages; the browser only caps what can be typed.
    report_number = StringField("Số báo cáo", validators=[Optional()],
                                render_kw={"maxlength": 6, "inputmode": "numeric"})
    report_date = DateField("Ngày báo cáo", validators=[Optional()])
    signer_name = StringField("Họ tên người ký", validators=[Optional()],
                              render_kw={"maxlength": 80})
    signer_title = StringField("Chức vụ người ký", validators=[Optional()],
                               render_kw={"maxlength": 80})

    def fields_for_submission(self) -> dict[str, str]:
        """The form's values as the submission function takes them."""
        return {
            "template": self.template.data or "",
            "province": self.province.data or "",
            "period": self.period.data or "",
            "report_number": self.report_number.data or "",
            "report_date": self.report_date.data.isoformat() if self.report_date.data else "",
            "signer_name": self.signer_name.data or "",
            "signer_title": self.signer_title.data or "",
        }


class LoginForm(FlaskForm):
    """User name and password (with the CSRF token, like every form)."""

    username = StringField("Tên đăng nhập",
                           validators=[DataRequired("Nhập tên đăng nhập."), Length(max=64)])
    password = PasswordField("Mật khẩu",
                             validators=[DataRequired("Nhập mật khẩu."), Length(max=200)])


class TemplateForm(FlaskForm):
    """A new version of a report kind's template (admins only)."""

    template = SelectField("Loại báo cáo", validators=[DataRequired("Chọn loại báo cáo.")])
    file = FileField("Tệp mẫu (.docx)", validators=[FileRequired("Chọn tệp mẫu .docx.")])


class BundleForm(FlaskForm):
    """A whole report kind, its folder as a .zip (admins only)."""

    file = FileField("Gói loại báo cáo (.zip của thư mục)",
                     validators=[FileRequired("Chọn tệp .zip của thư mục loại báo cáo.")])


class ActivateForm(FlaskForm):
    """The button that makes an earlier version current again (CSRF token only)."""
