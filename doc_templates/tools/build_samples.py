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
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tasks.report.input_workbook import make_input_workbook  # noqa: E402
from tasks.report.kinds import Catalog  # noqa: E402
from tasks.report.request import ReportRequest, resolve  # noqa: E402

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
            value = round(value * M) if code in money else value
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

# --------------------------------------------------------------------------- periodic report

GEP_UNITS = [
    # unit, Ban vì sự tiến bộ của phụ nữ strengthened, its meetings, budget (triệu), media
    # activities/men/women, training classes/men/women, documents with gender mainstreaming,
    # GBV cases detected, people supported, highlight. huyện Mai Châu logs its activities
    # instead (GEP_LOG); huyện Yên Thủy has sent nothing, to show how a unit without figures
    # reads.
    ("thành phố Hòa Bình", "Có", 2, 60, 24, 3100, 3600, 3, 95, 160, 6, 2, 2,
     "tổ chức hội thi tìm hiểu pháp luật về bình đẳng giới cho hội viên phụ nữ các phường"),
    ("huyện Đà Bắc", "Có", 1, 25, 10, 1200, 1500, 1, 40, 65, 2, 1, 1, ""),
    ("huyện Lương Sơn", "Có", 2, 40, 15, 2000, 2300, 2, 70, 110, 4, 0, 0, ""),
    ("huyện Kim Bôi", "Không", 1, 30, 12, 1500, 1800, 1, 35, 60, 3, 1, 1, ""),
    ("huyện Cao Phong", "Có", 1, 22, 8, 900, 1100, 1, 30, 50, 2, 0, 0, ""),
    ("huyện Tân Lạc", "Có", 2, 35, 14, 1700, 2000, 2, 60, 90, 3, 1, 1,
     "duy trì câu lạc bộ “Phụ nữ với pháp luật” ở các xã"),
    ("huyện Lạc Sơn", "Có", 2, 45, 20, 2600, 2900, 2, 75, 120, 5, 2, 2, ""),
    ("huyện Lạc Thủy", "Có", 1, 28, 11, 1300, 1500, 1, 38, 62, 2, 0, 0, ""),
]
GEP_CODES = ("unit", "committee", "committee_meetings", "budget", "media_activities", "media_male",
             "media_female", "training_classes", "training_male", "training_female",
             "mainstreamed_documents", "gbv_cases", "gbv_supported", "highlights")
GEP_LOG = [
    # unit, category, date, quantity, men, women, what
    ("huyện Mai Châu", "Họp Ban vì sự tiến bộ của phụ nữ", date(2025, 3, 10), None, None, None,
     "họp Ban triển khai kế hoạch năm"),
    ("huyện Mai Châu", "Truyền thông", date(2025, 3, 8), 6, 700, 900, "hưởng ứng ngày 8/3"),
    ("huyện Mai Châu", "Truyền thông", date(2025, 5, 20), 3, 250, 300, "truyền thông tại bản"),
    ("huyện Mai Châu", "Tập huấn", date(2025, 4, 15), 1, 30, 45, "tập huấn cán bộ xã"),
    ("huyện Mai Châu", "Văn bản có lồng ghép giới", date(2025, 4, 2), 2, None, None,
     "kế hoạch phát triển kinh tế - xã hội"),
    ("huyện Mai Châu", "Vụ bạo lực trên cơ sở giới", date(2025, 5, 6), None, None, None,
     "xã Pà Cò"),
    ("huyện Mai Châu", "Hỗ trợ người bị bạo lực", date(2025, 5, 7), None, None, None,
     "tư vấn, hỗ trợ pháp lý"),
]


def _log(rows) -> list[dict]:
    codes = ("unit", "activity", "date", "quantity", "male", "female", "description")
    return [{c: v for c, v in zip(codes, row, strict=True) if v is not None} for row in rows]


GENDER_EQUALITY_PERIODIC = {
    "units": [*_units(GEP_UNITS, GEP_CODES, every={"plan": "Có"}),
              {"unit": "huyện Mai Châu", "plan": "Có", "committee": "Có", "budget": 20 * M,
               "highlights": "xây dựng mô hình “Địa chỉ tin cậy” tại 02 xã"}],
    "activities": _log(GEP_LOG),
    "province": [
        {"activity": "Văn bản chỉ đạo", "description": "hướng dẫn các sở, ngành và địa phương "
         "triển khai kế hoạch công tác bình đẳng giới năm 2025", "quantity": 2},
        {"activity": "Họp Ban", "description": "Ban vì sự tiến bộ của phụ nữ tỉnh đánh giá kết "
         "quả năm 2024 và triển khai nhiệm vụ năm 2025", "quantity": 1, "participants": 35,
         "target_group": "thành viên Ban"},
        {"activity": "Tập huấn", "description": "tập huấn kiến thức về lồng ghép giới trong xây "
         "dựng văn bản quy phạm pháp luật", "quantity": 1, "male": 50, "female": 70,
         "target_group": "cán bộ pháp chế các sở, ngành và cán bộ làm công tác bình đẳng giới "
         "cấp huyện"},
        {"activity": "Kiểm tra, giám sát", "description": "kiểm tra việc thực hiện pháp luật "
         "về bình đẳng giới tại huyện Đà Bắc, huyện Kim Bôi và huyện Lạc Thủy", "quantity": 3},
        {"activity": "Truyền thông", "description": "về bình đẳng giới trên Báo Hòa Bình và Đài "
         "Phát thanh - Truyền hình tỉnh", "quantity": 18},
    ],
    "assessment": notes(**{
        "Công tác chỉ đạo, triển khai": [
            "Sở đã tham mưu UBND tỉnh ban hành Kế hoạch thực hiện công tác bình đẳng giới và vì "
            "sự tiến bộ của phụ nữ năm 2025 và hướng dẫn các sở, ban, ngành, địa phương xây "
            "dựng kế hoạch của đơn vị.",
            "Ban vì sự tiến bộ của phụ nữ tỉnh được kiện toàn sau khi sắp xếp tổ chức bộ máy, "
            "phân công thành viên theo dõi từng lĩnh vực."],
        "Ưu điểm": ["Công tác bình đẳng giới tiếp tục nhận được sự quan tâm của cấp ủy, chính "
                    "quyền; các hoạt động truyền thông được triển khai với nhiều hình thức."],
        "Hạn chế": ["Việc lồng ghép vấn đề bình đẳng giới trong xây dựng văn bản ở cấp huyện "
                    "còn ít; số liệu thống kê giới chưa đầy đủ."],
        "Nguyên nhân": ["Cán bộ làm công tác bình đẳng giới chủ yếu kiêm nhiệm, thay đổi nhiều "
                        "sau sắp xếp tổ chức bộ máy; kinh phí còn hạn chế."],
        "Phương hướng, nhiệm vụ": [
            "Tiếp tục truyền thông nâng cao nhận thức về bình đẳng giới, chú trọng vùng đồng bào "
            "dân tộc thiểu số.",
            "Chuẩn bị tổ chức Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo "
            "lực trên cơ sở giới năm 2025."],
        "Đề xuất, kiến nghị": ["Đề nghị Bộ tiếp tục tổ chức tập huấn cho đội ngũ cán bộ làm "
                               "công tác bình đẳng giới sau sắp xếp tổ chức bộ máy."],
    }),
}

# --------------------------------------------------------------------------- children

CHM_UNITS = [
    # unit, activities, men, women, forums, gifts, their value (triệu), scholarships, their
    # value (triệu), resources mobilised (triệu), boys and girls in special circumstances
    # supported, highlight
    ("thành phố Hòa Bình", 18, 2100, 2600, 1, 320, 160, 40, 40, 450, 85, 90,
     "tổ chức ngày hội “Vui Tết thiếu nhi” cho trẻ em các phường"),
    ("huyện Đà Bắc", 9, 800, 950, 1, 210, 84, 25, 20, 180, 60, 58, ""),
    ("huyện Lương Sơn", 12, 1300, 1500, 0, 250, 100, 30, 30, 260, 55, 62, ""),
    ("huyện Kim Bôi", 10, 900, 1100, 1, 200, 80.5, 20, 16, 190, 48, 52, ""),
    ("huyện Cao Phong", 7, 600, 700, 0, 150, 60, 15, 12, 120, 30, 34, ""),
    ("huyện Tân Lạc", 11, 1000, 1200, 1, 230, 92, 22, 22, 210, 52, 49, ""),
    ("huyện Mai Châu", 8, 700, 850, 0, 180, 72, 18, 18, 150, 40, 45,
     "mở lớp dạy bơi miễn phí phòng, chống đuối nước cho trẻ em"),
    ("huyện Lạc Sơn", 14, 1500, 1700, 1, 300, 135, 35, 35, 320, 75, 80, ""),
    ("huyện Yên Thủy", 8, 650, 800, 0, 160, 64, 16, 16, 140, 35, 37, ""),
    ("huyện Lạc Thủy", 9, 750, 900, 1, 170, 68, 18, 18, 150, 38, 41, ""),
]
CHM_CODES = ("unit", "activities", "participants_male", "participants_female", "forums",
             "gifts", "gifts_value", "scholarships", "scholarships_value", "mobilised",
             "special_boys", "special_girls", "highlights")

CHILDREN_MONTH = {
    "units": _units(CHM_UNITS, CHM_CODES, every={"plan": "Có"},
                    money=("gifts_value", "scholarships_value", "mobilised")),
    "province": [
        {"activity": "Phát động", "description": "lễ phát động Tháng hành động vì trẻ em năm "
         "2024 cấp tỉnh tại huyện Lạc Sơn", "quantity": 1, "participants": 600,
         "target_group": "đại biểu, thầy cô giáo và học sinh"},
        {"activity": "Diễn đàn trẻ em", "description": "diễn đàn trẻ em tỉnh về phòng, chống "
         "đuối nước và xâm hại trẻ em", "quantity": 1, "male": 70, "female": 80,
         "target_group": "trẻ em đại diện các huyện, thành phố"},
        {"activity": "Tặng quà", "description": "cho trẻ em có hoàn cảnh đặc biệt nhân ngày "
         "Quốc tế thiếu nhi 1/6", "quantity": 500, "partner": "Quỹ Bảo trợ trẻ em tỉnh"},
        {"activity": "Học bổng", "description": "cho học sinh nghèo vượt khó", "quantity": 100},
        {"activity": "Truyền thông", "description": "về quyền trẻ em và phòng, chống tai nạn "
         "thương tích cho trẻ em trên Báo Hòa Bình và Đài Phát thanh - Truyền hình tỉnh",
         "quantity": 25},
    ],
    "assessment": notes(**{
        "Ưu điểm": ["Tháng hành động được triển khai sớm, đồng bộ từ tỉnh đến cơ sở; nhiều hoạt "
                    "động hướng về trẻ em vùng sâu, vùng xa, trẻ em có hoàn cảnh đặc biệt."],
        "Hạn chế": ["Nguồn lực vận động ở một số huyện còn thấp; tình trạng đuối nước ở trẻ em "
                    "vẫn xảy ra trong dịp hè."],
        "Nguyên nhân": ["Điều kiện kinh tế của nhiều địa phương còn khó khăn; công tác quản lý "
                        "trẻ em trong dịp hè ở một số gia đình chưa chặt chẽ."],
        "Nhiệm vụ thời gian tới": ["Tiếp tục triển khai các giải pháp phòng, chống tai nạn "
                                   "thương tích, đuối nước cho trẻ em trong dịp hè."],
        "Đề xuất, kiến nghị": ["Đề nghị Bộ hỗ trợ tài liệu truyền thông về phòng, chống xâm hại "
                               "trẻ em bằng tiếng dân tộc thiểu số."],
    }),
}

# --------------------------------------------------------------------------- domestic violence

DVM_UNITS = [
    # unit, activities, men and women reached, media, models and clubs, cases detected,
    # victims supported: total (may be blank), men, women, under 16, 16–59, 60 and over;
    # counselling, temporary shelter, no-contact orders, fines, their amount (triệu), highlight
    ("thành phố Hòa Bình", 12, 1800, 2200, 45, 14, 3, 3, 1, 2, 1, 2, 0, 6, 1, 1, 1, 2.5,
     "tổ chức hội thi “Gia đình hạnh phúc” tại các phường"),
    ("huyện Đà Bắc", 6, 700, 900, 20, 8, 1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 0, 0, ""),
    ("huyện Lương Sơn", 8, 1100, 1300, 30, 10, 2, 2, 0, 2, 0, 2, 0, 4, 1, 0, 1, 1.5, ""),
    ("huyện Kim Bôi", 7, 900, 1000, 25, 9, 1, 0, 0, 1, 0, 0, 1, 2, 0, 1, 0, 0, ""),
    ("huyện Cao Phong", 5, 500, 650, 15, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ""),
    ("huyện Tân Lạc", 7, 850, 1000, 22, 9, 2, 0, 1, 1, 1, 1, 0, 3, 0, 0, 1, 2, ""),
    ("huyện Mai Châu", 6, 650, 800, 18, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     "duy trì câu lạc bộ “Gia đình phát triển bền vững” tại các bản du lịch cộng đồng"),
    ("huyện Lạc Sơn", 9, 1300, 1500, 35, 12, 2, 2, 0, 2, 0, 2, 0, 5, 1, 1, 1, 3.25, ""),
    ("huyện Yên Thủy", 5, 550, 700, 16, 6, 1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 0, 0, ""),
    ("huyện Lạc Thủy", 6, 600, 750, 18, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ""),
]
DVM_CODES = ("unit", "activities", "reached_male", "reached_female", "media", "models", "cases",
             "victims", "victims_male", "victims_female", "victims_children", "victims_adults",
             "victims_elderly", "counselling", "shelter", "no_contact", "fines", "fines_amount",
             "highlights")

DOMESTIC_VIOLENCE_MONTH = {
    # Zeros are written as 0 here (not left blank), as a unit that did report none would.
    "units": [{**row, **{c: 0 for c in DVM_CODES[1:-1] if row.get(c) is None and c != "victims"}}
              for row in _units(DVM_UNITS, DVM_CODES, every={"plan": "Có"},
                                money=("fines_amount",))],
    "province": [
        {"activity": "Mít tinh, phát động", "description": "lễ phát động Tháng hành động quốc "
         "gia về phòng, chống bạo lực gia đình năm 2025 cấp tỉnh", "quantity": 1,
         "quantity_unit": "lễ", "participants": 400, "target_group": "đại biểu và nhân dân"},
        {"activity": "Tập huấn", "description": "tập huấn kỹ năng phát hiện, hỗ trợ nạn nhân "
         "bạo lực gia đình", "quantity": 2, "male": 60, "female": 90,
         "target_group": "cán bộ văn hóa - xã hội và thành viên tổ hòa giải cơ sở"},
        {"activity": "Tài liệu truyền thông", "description": "tờ gấp về Luật Phòng, chống bạo "
         "lực gia đình năm 2022", "quantity": 3000, "quantity_unit": "tờ gấp",
         "approx": "trên"},
        {"activity": "Truyền thông", "description": "về phòng, chống bạo lực gia đình trên Báo "
         "Hòa Bình và Đài Phát thanh - Truyền hình tỉnh", "quantity": 20},
    ],
    "assessment": notes(**{
        "Ưu điểm": ["Tháng hành động được triển khai đồng bộ; các vụ bạo lực gia đình được phát "
                    "hiện đều được tư vấn, hỗ trợ kịp thời."],
        "Hạn chế": ["Một số vụ bạo lực gia đình chưa được phát hiện do nạn nhân ngại tố giác; "
                    "hoạt động của một số câu lạc bộ chưa thường xuyên."],
        "Nguyên nhân": ["Tâm lý e ngại, coi bạo lực gia đình là chuyện riêng vẫn còn; kinh phí "
                        "cho hoạt động của các mô hình còn hạn chế."],
        "Nhiệm vụ thời gian tới": ["Tiếp tục duy trì, nhân rộng các mô hình phòng, chống bạo "
                                   "lực gia đình; rà soát địa chỉ tin cậy ở cộng đồng."],
        "Đề xuất, kiến nghị": ["Đề nghị Bộ hướng dẫn thống kê số liệu bạo lực gia đình thống "
                               "nhất sau khi sắp xếp đơn vị hành chính cấp xã."],
    }),
}

# --------------------------------------------------------------------------- targets

GET_VALUES = [
    # indicator, last year, this year, men, women, source. Targets come from kind.toml (the
    # blank workbook fills them in); the indicators without one are left without, and 6.1 has
    # no data, to show how both read.
    ("1.1", 55.2, 61.5, None, None, "Sở Nội vụ"),
    ("1.2", 31.2, 31.2, None, None, "Nhiệm kỳ 2021 - 2026"),
    ("2.1", 41.8, 43.5, None, None, "Cục Thống kê tỉnh"),
    ("2.2", 58.4, 55.1, None, None, "Cục Thống kê tỉnh"),
    ("2.3", 22.5, 27.3, None, None, "Sở Kế hoạch và Đầu tư"),
    ("3.1", 2.0, 1.9, None, None, "Điều tra mẫu"),
    ("3.2", 78.0, 85.0, None, None, "Báo cáo các huyện, thành phố"),
    ("4.1", 113.5, 112.8, None, None, "Sở Y tế"),
    ("5.1", 90.1, 91.2, 93.0, 89.4, "Sở Giáo dục và Đào tạo"),
]

GENDER_EQUALITY_TARGETS = {
    "indicators": [{k: v for k, v in zip(("item", "previous", "value", "male", "female",
                                          "note"), row, strict=True) if v is not None}
                   for row in GET_VALUES],
    "assessment": notes(**{
        "Công tác chỉ đạo, triển khai": [
            "Sở đã tham mưu UBND tỉnh ban hành kế hoạch thực hiện Chiến lược quốc gia về bình "
            "đẳng giới năm 2024 và phân công các sở, ngành theo dõi từng chỉ tiêu."],
        "Ưu điểm": ["Tỷ lệ cơ quan, địa phương có lãnh đạo chủ chốt là nữ và tỷ lệ nữ chủ doanh "
                    "nghiệp, hợp tác xã đạt mục tiêu năm 2025 sớm hơn dự kiến."],
        "Hạn chế": ["Tỷ trọng lao động nữ trong khu vực nông nghiệp còn cao; một số chỉ tiêu "
                    "chưa có số liệu thống kê cấp tỉnh."],
        "Nguyên nhân": ["Chuyển dịch cơ cấu lao động ở vùng sâu, vùng xa còn chậm; chưa có điều "
                        "tra chuyên đề về thống kê giới cấp tỉnh."],
        "Nhiệm vụ, giải pháp": ["Tiếp tục đào tạo nghề, hỗ trợ lao động nữ nông thôn chuyển "
                                "đổi nghề nghiệp; hoàn thiện hệ thống chỉ tiêu thống kê giới."],
        "Đề xuất, kiến nghị": ["Đề nghị Bộ hướng dẫn thống nhất cách thu thập số liệu của các "
                               "chỉ tiêu chưa có nguồn thống kê chính thức ở cấp tỉnh."],
    }),
}

SAMPLES = {
    "gender-equality-month": GENDER_EQUALITY_MONTH,
    "gender-equality-periodic": GENDER_EQUALITY_PERIODIC,
    "children-month": CHILDREN_MONTH,
    "domestic-violence-month": DOMESTIC_VIOLENCE_MONTH,
    "gender-equality-targets": GENDER_EQUALITY_TARGETS,
}


if __name__ == "__main__":
    for slug in sys.argv[1:] or SAMPLES:
        target = ROOT / "doc_templates" / slug / "sample.xlsx"
        target.write_bytes(fill(slug, SAMPLES[slug]))
        print(target)
