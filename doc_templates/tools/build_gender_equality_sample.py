"""Write the sample workbook of ``gender-equality-month``: Hòa Bình, Action Month 2023.

The totals are those of the province's published 2023 summary (the golden case); how they split
between the ten district-level units is illustrative, since the summary gives totals only.
Run from the repository root: ``python doc_templates/tools/build_gender_equality_sample.py``.
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
from tasks.report.period import parse_period  # noqa: E402

M = 1_000_000
# unit: plan, budget, launch (events, male, female), media (activities, male, female),
# broadcasts, online posts, highlights
UNITS = {
    "thành phố Hòa Bình": (1, 50 * M, 5, 150, 480, 20, 8200, 9100, 0, 0, ""),
    "huyện Đà Bắc": (1, 30 * M, 3, 90, 300, 12, 4100, 4500, 0, 0, ""),
    "huyện Lương Sơn": (1, 40 * M, 4, 120, 380, 15, 5300, 5900, 0, 0, ""),
    "huyện Kim Bôi": (1, 35 * M, 3, 100, 310, 14, 4600, 5100, 0, 0, ""),
    "huyện Cao Phong": (1, 28 * M, 3, 80, 260, 10, 3500, 3900, 0, 0, ""),
    "huyện Tân Lạc": (1, 38 * M, 4, 130, 400, 25, 6200, 6800, 0, 12,
                      "đăng tải tin, bài tuyên truyền trên trang thông tin điện tử của huyện"),
    "huyện Mai Châu": (1, 30 * M, 3, 90, 290, 11, 3900, 4300, 0, 0, ""),
    "huyện Lạc Sơn": (1, 45 * M, 4, 140, 420, 140, 9000, 9900, 130, 0,
                      "tổ chức 01 buổi giao lưu văn nghệ hưởng ứng Tháng hành động"),
    "huyện Yên Thủy": (1, 30 * M, 2, 80, 250, 9, 3305, 3683, 0, 0, ""),
    "huyện Lạc Thủy": (1, 35 * M, 3, 110, 320, 128, 8700, 9600, 90, 0,
                       "tuyên truyền bằng xe lưu động cổ động Tháng hành động"),
}
UNIT_COLUMNS = ("plan", "budget", "launch_events", "launch_male", "launch_female",
                "media_activities", "media_male", "media_female", "broadcasts", "online_posts",
                "highlights")
# activity, description, quantity, unit, approx, participants, target group, partner
PROVINCE = [
    ("Tờ rơi", "tuyên truyền về bình đẳng giới, xóa bỏ bạo lực trên cơ sở giới, cấp cho các "
     "huyện, thành phố", 5000, "tờ rơi", "trên", None, None, None),
    ("Tập huấn", "tập huấn nâng cao nhận thức về bình đẳng giới và phòng ngừa, ứng phó với bạo "
     "lực trên cơ sở giới", 1, "lớp", None, 80,
     "cán bộ làm công tác bình đẳng giới và cán bộ pháp chế các sở, ban, ngành, đoàn thể tỉnh",
     None),
    ("Diễu hành", "diễu hành tuyên truyền, cổ động hưởng ứng Tháng hành động", 1, "cuộc", None,
     50, "đoàn viên thanh niên", None),
    ("Tập huấn", "tập huấn về lồng ghép giới trong xây dựng chính sách, pháp luật và kỹ năng hỗ "
     "trợ người bị bạo lực trên cơ sở giới", 2, "lớp", None, None, None, "Vụ Bình đẳng giới"),
]
ASSESSMENT = [
    ("Ưu điểm", "Các cấp, các ngành chủ động xây dựng kế hoạch và triển khai Tháng hành động "
     "đúng thời gian, với nhiều hình thức phù hợp địa bàn."),
    ("Tồn tại, hạn chế", "Kinh phí dành cho hoạt động còn hạn chế; một số xã vùng sâu, vùng xa "
     "chưa tổ chức được hoạt động trực tiếp."),
    ("Đề xuất, kiến nghị", "Đề nghị Bộ tiếp tục hỗ trợ tài liệu truyền thông và tập huấn nâng "
     "cao năng lực cho cán bộ làm công tác bình đẳng giới cấp cơ sở."),
]


def build() -> bytes:
    catalog = Catalog(ROOT / "doc_templates")
    kind = catalog.kind("gender-equality-month")
    period = parse_period("2023", kind.year_windows())
    province = catalog.province("hoa-binh").at(period.end)
    book = load_workbook(io.BytesIO(make_input_workbook(kind, province, period)))
    units = book["Đơn vị"]
    codes = [c.value for c in units[2]]
    for row in units.iter_rows(min_row=3):
        for code, value in zip(UNIT_COLUMNS, UNITS[row[0].value], strict=True):
            row[codes.index(code)].value = ("Có" if value else "Không") if code == "plan" else (
                value or None)
    for r, values in enumerate(PROVINCE, start=3):
        for c, value in enumerate(values[:5] + (values[5], None, None) + values[6:], start=1):
            book["Cấp tỉnh"].cell(row=r, column=c, value=value)
    ws = book["Đánh giá"]
    for r, (key, text) in enumerate(ASSESSMENT, start=3):
        ws.cell(row=r, column=1, value=key)
        ws.cell(row=r, column=2, value=text)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


if __name__ == "__main__":
    target = ROOT / "doc_templates" / "gender-equality-month" / "sample.xlsx"
    target.write_bytes(build())
    print(f"wrote {target}")
