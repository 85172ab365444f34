"""What is wrong with a report kind's files, said in Vietnamese with the file and the key.

``KindProblem`` is one finding; ``KindError`` carries all the findings of one kind, so an author
fixes everything in one round. ``from_validation`` turns pydantic's errors (stable ``type``
codes, a location tuple) into findings an officer can act on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pydantic import ValidationError

from tasks.report.errors import Problem, ReportError
from tasks.report.kind_schema import OPERATIONS


@dataclass(frozen=True)
class KindProblem:
    """One problem of a kind: the file, the key inside it ("sheets[2].columns[4].type"),
    a stable code for scripts and a Vietnamese message."""

    file: str
    key: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        """One line: "kind.toml, sheets[2].columns[4].type: <message>"."""
        where = f"{self.file}, {self.key}" if self.key else self.file
        return f"{where}: {self.message}"


class KindError(ReportError):
    """A kind that cannot be loaded; ``found`` lists every problem (at least one)."""

    code = "invalid_kind"

    def __init__(self, folder: str, found: list[KindProblem]) -> None:
        super().__init__(f"Loại báo cáo «{folder}» có {len(found)} lỗi, không dùng được.")
        self.folder = folder
        self.found = found

    def problems(self) -> list[Problem]:
        return [Problem(p.code, p.text()) for p in self.found]


def key_path(loc: tuple) -> str:
    """pydantic's location as a TOML path with 1-based list positions: sheets[2].name."""
    path = ""
    for item in loc:
        if isinstance(item, int):
            path += f"[{item + 1}]"
        else:
            path += ("." if path else "") + str(item)
    return path


def _expected(ctx: dict | None) -> str:
    return str((ctx or {}).get("expected", "")).replace("'", "")


# pydantic error types an author meets, in Vietnamese; others keep pydantic's own message.
_MESSAGES = {
    "missing": lambda e: "thiếu khóa bắt buộc.",
    "extra_forbidden": lambda e: "khóa này không có trong định dạng (gõ sai tên?).",
    "literal_error": lambda e: f"giá trị «{e.get('input')}» không hợp lệ; chọn một trong: "
                               f"{_expected(e.get('ctx'))}.",
    "union_tag_invalid": lambda e: f"phép tính «{(e.get('ctx') or {}).get('tag')}» không có; "
                                   f"các phép tính: {_expected(e.get('ctx'))}.",
    "union_tag_not_found": lambda e: "thiếu «op» (phép tính của số liệu).",
    "string_pattern_mismatch": lambda e: f"«{e.get('input')}» không đúng dạng (chữ thường "
                                         "không dấu, số, dấu gạch dưới; bắt đầu bằng chữ).",
    "string_too_short": lambda e: "không được để trống.",
    "string_too_long": lambda e: "quá dài.",
    "string_type": lambda e: "phải là chuỗi chữ.",
    "too_short": lambda e: "cần ít nhất "
                           f"{(e.get('ctx') or {}).get('min_length', 1)} mục.",
    "bool_type": lambda e: "phải là true hoặc false.",
    "bool_parsing": lambda e: "phải là true hoặc false.",
    "int_type": lambda e: "phải là số nguyên.",
    "int_parsing": lambda e: "phải là số nguyên.",
    "float_type": lambda e: "phải là số.",
    "float_parsing": lambda e: "phải là số.",
    "date_type": lambda e: "phải là ngày (YYYY-MM-DD, không có ngoặc kép).",
    "date_parsing": lambda e: "phải là ngày (YYYY-MM-DD).",
    "greater_than_equal": lambda e: f"phải từ {(e.get('ctx') or {}).get('ge')} trở lên.",
    "less_than_equal": lambda e: f"phải không quá {(e.get('ctx') or {}).get('le')}.",
    "tuple_type": lambda e: "phải là một danh sách [ … ].",
    "dict_type": lambda e: "phải là một bảng (các khóa = giá trị).",
    "model_type": lambda e: "phải là một bảng (các khóa = giá trị).",
}


def from_validation(file: str, error: ValidationError) -> list[KindProblem]:
    """One ``KindProblem`` per pydantic error, with its key path and a Vietnamese message."""
    found = []
    for e in error.errors(include_url=False):
        loc = tuple(e["loc"])
        if loc[:1] == ("figures",) and len(loc) > 2 and loc[2] in OPERATIONS:
            loc = loc[:2] + loc[3:]  # pydantic names the union member: not a key of the file
        message = _MESSAGES.get(e["type"])
        text = message(e) if message else f"giá trị không hợp lệ ({e['msg']})."
        found.append(KindProblem(file, key_path(loc), f"kind_{e['type']}", text))
    return found
