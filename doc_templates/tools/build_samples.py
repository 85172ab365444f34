"""Write the ``sample.xlsx`` of each shipped report kind from the data below.

Run from the repository root: ``python doc_templates/tools/build_samples.py [slug …]``.
Each sample starts from the kind's own blank workbook (``make_input_workbook``) for its
``sample_province`` and ``sample_period``, so it always has the sheets and headers the kind
reads, and is filled with the rows below (by column code; a units sheet by unit name, in the
rows the blank workbook already holds).

The gender-equality-month totals are those of Hòa Bình's published 2023 results (the golden
case); how they split between the ten district-level units is illustrative, since the
publication gives totals only. The other kinds' figures are illustrative, made to read like a
province's real report; their samples exist to show and test the kind, not to be cited.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tasks.report.input_workbook import make_input_workbook  # noqa: E402
from tasks.report.kinds import Catalog  # noqa: E402
from tasks.report.pipeline import ReportRequest, resolve  # noqa: E402

M = 1_000_000


def fill(slug: str, data: dict[str, list[dict]]) -> bytes:
    """The blank workbook of ``slug`` (its sample province and period) filled with ``data``:
    rows by sheet key, each a dict by column code. A units sheet's rows name their unit and
    go to that unit's prepared row; other sheets' rows are written from row 3 down."""
    catalog = Catalog(ROOT / "doc_templates")
    kind = catalog.kind(slug)
    r = resolve(catalog, ReportRequest(slug, kind.sample_province, kind.sample_period))
    book = load_workbook(io.BytesIO(make_input_workbook(r.kind, r.province, r.period)))
    for key, rows in data.items():
        spec = kind.sheet(key)
        ws = book[spec.name]
        codes = [c.value for c in ws[2]]
        if spec.layout in ("units", "items"):
            key_type = "unit" if spec.layout == "units" else "item"
            key_code = next(c.code for c in spec.columns if c.type == key_type)
            at = {ws.cell(row=n, column=codes.index(key_code) + 1).value: n
                  for n in range(3, ws.max_row + 1)}
            targets = [at[row[key_code]] for row in rows]
        else:
            targets = list(range(3, 3 + len(rows)))
        if spec.layout == "notes":  # the blank workbook lists the sections: start afresh
            for line in ws.iter_rows(min_row=3):
                for cell in line:
                    cell.value = None
        for number, row in zip(targets, rows, strict=True):
            for code, value in row.items():
                ws.cell(row=number, column=codes.index(code) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def notes(**sections: list[str]) -> list[dict]:
    """Rows of a notes sheet: one per paragraph, under its section label."""
    return [{"key": label, "value": text} for label, texts in sections.items() for text in texts]


# --------------------------------------------------------------------------- gender equality

GEM_UNITS = [
    # unit, budget (triệu), launch events/men/women, media activities/men/women, broadcasts,
    # online posts, highlight
    ("thành phố Hòa Bình", 50, 5, 150, 480, 20, 8200, 9100, 0, 0, ""),
    ("huyện Đà Bắc", 30, 3, 90, 300, 12, 4100, 4500, 0, 0, ""),
    ("huyện Lương Sơn", 40, 4, 120, 380, 15, 5300, 5900, 0, 0, ""),
    ("huyện Kim Bôi", 35, 3, 100, 310, 14, 4600, 5100, 0, 0, ""),
    ("huyện Cao Phong", 28, 3, 80, 260, 10, 3500, 3900, 0, 0, ""),
    ("huyện Tân Lạc", 38, 4, 130, 400, 25, 6200, 6800, 0, 12,
     "đăng tải tin, bài tuyên truyền trên trang thông tin điện tử của huyện"),
    ("huyện Mai Châu", 30, 3, 90, 290, 11, 3900, 4300, 0, 0, ""),
    ("huyện Lạc Sơn", 45, 4, 140, 420, 140, 9000, 9900, 130, 0,
     "tổ chức 01 buổi giao lưu văn nghệ hưởng ứng Tháng hành động"),
    ("huyện Yên Thủy", 30, 2, 80, 250, 9, 3305, 3683, 0, 0, ""),
    ("huyện Lạc Thủy", 35, 3, 110, 320, 128, 8700, 9600, 90, 0,
     "tuyên truyền bằng xe lưu động cổ động Tháng hành động"),
]
GEM_CODES = ("unit", "budget", "launch_events", "launch_male", "launch_female",
             "media_activities", "media_male", "media_female", "broadcasts", "online_posts",
             "highlights")


def _units(rows, codes, money=("budget",), every=None) -> list[dict]:
    """Units-sheet rows from tuples in the order of ``codes``; ``money`` columns are given in
    triệu đồng; ``every`` holds values common to all rows; zeros and "" are left blank."""
    out = []
    for values in rows:
        row = dict(every or {})
        for code, value in zip(codes, values, strict=True):
            value = value * M if code in money else value
            row[code] = value if value not in (0, "") else None
        out.append(row)
    return out


GENDER_EQUALITY_MONTH = {
    "units": _units(GEM_UNITS, GEM_CODES, every={"plan": "Có"}),
    "province": [
        {"activity": "Tờ rơi", "description": "tuyên truyền về bình đẳng giới, xóa bỏ bạo lực "
         "trên cơ sở giới, cấp cho các huyện, thành phố", "quantity": 5000,
         "quantity_unit": "tờ rơi", "approx": "trên"},
        {"activity": "Tập huấn", "description": "tập huấn nâng cao nhận thức về bình đẳng giới "
         "và phòng ngừa, ứng phó với bạo lực trên cơ sở giới", "quantity": 1,
         "quantity_unit": "lớp", "participants": 80, "target_group": "cán bộ làm công tác bình "
         "đẳng giới và cán bộ pháp chế các sở, ban, ngành, đoàn thể tỉnh"},
        {"activity": "Diễu hành", "description": "diễu hành tuyên truyền, cổ động hưởng ứng "
         "Tháng hành động", "quantity": 1, "quantity_unit": "cuộc", "participants": 50,
         "target_group": "đoàn viên thanh niên"},
        {"activity": "Tập huấn", "description": "tập huấn về lồng ghép giới trong xây dựng chính "
         "sách, pháp luật và kỹ năng hỗ trợ người bị bạo lực trên cơ sở giới", "quantity": 2,
         "quantity_unit": "lớp", "partner": "Vụ Bình đẳng giới"},
    ],
    "assessment": notes(**{
        "Ưu điểm": ["Các cấp, các ngành chủ động xây dựng kế hoạch và triển khai Tháng hành động "
                    "đúng thời gian, với nhiều hình thức phù hợp địa bàn."],
        "Tồn tại, hạn chế": ["Kinh phí dành cho hoạt động còn hạn chế; một số xã vùng sâu, vùng "
                             "xa chưa tổ chức được hoạt động trực tiếp."],
        "Đề xuất, kiến nghị": ["Đề nghị Bộ tiếp tục hỗ trợ tài liệu truyền thông và tập huấn "
                               "nâng cao năng lực cho cán bộ làm công tác bình đẳng giới cấp cơ "
                               "sở."],
    }),
}

SAMPLES = {
    "gender-equality-month": GENDER_EQUALITY_MONTH,
}


if __name__ == "__main__":
    for slug in sys.argv[1:] or SAMPLES:
        target = ROOT / "doc_templates" / slug / "sample.xlsx"
        target.write_bytes(fill(slug, SAMPLES[slug]))
        print(target)
