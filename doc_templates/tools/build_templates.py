"""Write the ``template.docx`` of each shipped report kind (docxtpl tags, Decree 30 layout).

Run from the repository root: ``python doc_templates/tools/build_templates.py [slug …]``
(all kinds when no slug is given). The .docx files are build products of this script; an
officer may still edit a template in Word and upload it as a new version (doc_templates/
README.md). Each kind's body follows the usual outline of provincial results reports:
I. chỉ đạo, triển khai; II. kết quả; III. đánh giá (ưu điểm; hạn chế, nguyên nhân);
IV. phương hướng, đề xuất, kiến nghị. The names a template uses are the kind's figures
(``kind.toml``) and the common ones (docs/kinds.md); loading the kind checks them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.shared import Mm
from docx_parts import (
    CELL_MARGIN_TWIPS,
    LANDSCAPE_TEXT_MM,
    add_list,
    add_par,
    build_closing,
    build_opening,
    build_signature,
    fill_cell,
    finish,
    first_page,
    layout_table,
    new_document,
    set_row_flags,
    start_appendix,
    write_body,
    write_header_rows,
    write_table,
)

ROOT = Path(__file__).resolve().parents[1]
N, C, T = "RG Table Number", "RG Table Center", "RG Table Text"


def _num(expr: str) -> str:
    return "{{ " + expr + "|figure }}"


def _coverage_note(doc) -> None:
    """Under a units table: what the totals cover when some unit did not report."""
    add_par(doc, "RG Logic", "{%p if not coverage.complete %}")
    add_par(doc, "RG Table Note", "Tổng cộng tính trên {{ coverage.reported }}/"
                                  "{{ coverage.total }} {{ coverage.nouns }} đã gửi số liệu; "
                                  "đơn vị ghi «Chưa báo cáo» chưa gửi số liệu, không được tính "
                                  "là 0.")
    add_par(doc, "RG Logic", "{%p endif %}")


# --------------------------------------------------------------------------- gender equality

GEM_FIGURES = [
    (("Kinh phí (đồng)",), 27, "budget"),
    (("Phát động, kiểm tra, giám sát", "Số cuộc"), 14, "launch_events"),
    (("Phát động, kiểm tra, giám sát", "Nam"), 15, "launch_male"),
    (("Phát động, kiểm tra, giám sát", "Nữ"), 15, "launch_female"),
    (("Truyền thông", "Số hoạt động"), 16, "media_activities"),
    (("Truyền thông", "Nam"), 16, "media_male"),
    (("Truyền thông", "Nữ"), 16, "media_female"),
    (("Truyền thông", "Trong đó", "Loa phát thanh (buổi)"), 17, "broadcasts"),
    (("Truyền thông", "Trong đó", "Tin, bài trực tuyến"), 17, "online_posts"),
    (("Tập huấn", "Số lớp"), 13, "training_classes"),
    (("Tập huấn", "Nam"), 14, "training_male"),
    (("Tập huấn", "Nữ"), 15, "training_female"),
]

MEDIA_SENTENCE = (
    "- Truyền thông trên các phương tiện thông tin đại chúng và tại cộng đồng: "
    "{{ totals.media_activities|qty }} hoạt động, tiếp cận "
    "{{ totals.media_male|by_sex(totals.media_female, \"lượt người\") }}"
    "{% if totals.broadcasts or totals.online_posts %}; trong đó có"
    "{% if totals.broadcasts %} {{ totals.broadcasts|qty }} buổi tuyên truyền qua hệ thống "
    "loa phát thanh ({{ broadcast_units.text }}){% endif %}"
    "{% if totals.broadcasts and totals.online_posts %} và{% endif %}"
    "{% if totals.online_posts %} {{ totals.online_posts|qty }} tin, bài đăng tải trên "
    "trang thông tin điện tử, mạng xã hội ({{ online_post_units.text }}){% endif %}{% endif %}."
)


def gender_equality_month(doc) -> None:
    write_body(doc, [
        ("h1", "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"),
        ("p", "Ngay sau khi nhận được hướng dẫn, {{ agency.name }} đã tham mưu triển khai Tháng "
              "hành động năm {{ campaign.year }} trên địa bàn {{ agency.province }}"
              "{% if campaign.theme %} với chủ đề “{{ campaign.theme }}”{% endif %}; đồng thời "
              "hướng dẫn các sở, ban, ngành, đoàn thể và các địa phương xây dựng kế hoạch, tổ "
              "chức các hoạt động hưởng ứng thiết thực, phù hợp với điều kiện thực tế."),
        ("p", "Đến nay, {{ plans|ratio }} đã xây dựng và ban hành kế hoạch triển khai Tháng "
              "hành động{% if totals.budget %}; tổng kinh phí thực hiện tại các địa phương là "
              "{{ totals.budget|money }}{% endif %}."),
        ("h1", "II. KẾT QUẢ THỰC HIỆN"),
        ("h2", "1. Cấp tỉnh"),
        ("if", "province_activities"),
        ("p", "{{ agency.name }} đã chủ trì, phối hợp với các cơ quan, đơn vị liên quan đẩy "
              "mạnh công tác tuyên truyền, nâng cao nhận thức về bình đẳng giới và phòng ngừa, "
              "ứng phó với bạo lực trên cơ sở giới; các hoạt động chính gồm:"),
        ("list", "a in province_activities", "- {{ a }}", None),
        ("else",),
        ("p", "Trong thời gian báo cáo, không có hoạt động cấp tỉnh được tổng hợp."),
        ("endif",),
        ("h2", "2. Tại các địa phương"),
        ("p", "Các địa phương đã tổ chức các hoạt động hưởng ứng bằng nhiều hình thức phù hợp "
              "với điều kiện thực tế; kết quả chủ yếu như sau (số liệu của "
              "{{ coverage.reported }}/{{ coverage.total }} {{ coverage.nouns }} đã gửi báo cáo, "
              "chi tiết tại Phụ lục kèm theo):"),
        ("p", "- Tổ chức phát động, kiểm tra, giám sát: {{ totals.launch_events|qty }} cuộc, "
              "thu hút {{ totals.launch_male|by_sex(totals.launch_female, \"lượt người\") }} "
              "tham gia."),
        ("p", MEDIA_SENTENCE),
        ("if", "totals.training_classes"),
        ("p", "- Tập huấn, bồi dưỡng: {{ totals.training_classes|qty }} lớp về bình đẳng giới "
              "và phòng ngừa, ứng phó với bạo lực trên cơ sở giới cho "
              "{{ totals.training_male|by_sex(totals.training_female, \"lượt người\") }}."),
        ("endif",),
        ("if", "highlights"),
        ("p", "Một số địa phương có cách làm sáng tạo, hiệu quả:"),
        ("list", "h in highlights", "- {{ h.unit|capfirst }}: {{ h.text }}", None),
        ("endif",),
        ("h1", "III. ĐÁNH GIÁ CHUNG"),
        ("h2", "1. Ưu điểm"),
        ("notes", "assessment.strengths"),
        ("h2", "2. Tồn tại, hạn chế và nguyên nhân"),
        ("notes", "assessment.limitations"),
        ("h1", "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
        ("notes", "assessment.proposals"),
    ])
    build_closing(doc)
    build_signature(doc)
    start_appendix(doc, "Phụ lục", "Số liệu kết quả {{ campaign.name }} năm {{ campaign.year }}"
                                   " theo đơn vị")
    _units_table(doc, 40, [(("Kế hoạch",), 15, "plan", "{{ plans.done }}")], GEM_FIGURES)
    add_par(doc, "RG Table Note", "Ghi chú: cột “Kế hoạch” đánh dấu x khi đơn vị đã xây dựng "
                                  "kế hoạch; các cột Nam, Nữ là số lượt người tham gia hoặc được "
                                  "tiếp cận; “-” là chưa có số liệu.")
    _coverage_note(doc)


# --------------------------------------------------------------------------- shared by the kinds

STT_MM = 12  # wide enough for "STT" on one line at 11 pt


# A unit that sent nothing: "Chưa báo cáo" on a line of its own under its name (a narrow
# number column would break it over three lines), "-" in every figure (``figure``).
UNIT_CELL = ("{{ u.name|capfirst }}{% if not u.reported %}{{ \"\\n\" ~ u.status }}"
             "{% endif %}")


def _flag_cell(code: str) -> str:
    """A flag column's cell: x when set, "-" for a unit that sent nothing (not a blank that
    would read as "no")."""
    return "{% if not u.reported %}-{% elif u." + code + " %}x{% endif %}"


def _units_table(doc, name_mm: int, flags: list[tuple[tuple[str, ...], int, str, str]],
                 figures: list[tuple[tuple[str, ...], int, str]]) -> None:
    """The appendix table of a units sheet: STT, unit, flag columns (label path, width, code,
    totals-row text), then number columns (label path, width, code); a bold totals row."""
    columns = [(("STT",), STT_MM, C, "{{ u.no }}"), (("Đơn vị",), name_mm, T, UNIT_CELL)]
    columns += [(path, width, C, _flag_cell(code)) for path, width, code, _total in flags]
    columns += [(path, width, N, _num(f"u.{code}")) for path, width, code in figures]
    totals = ["Tổng cộng", "", *[total for *_x, total in flags],
              *[_num(f"totals.{code}") for _p, _w, code in figures]]
    write_table(doc, columns, "u in units", totals, LANDSCAPE_TEXT_MM)


def _table_notes(doc, text: str) -> None:
    add_par(doc, "RG Table Note", text)
    _coverage_note(doc)


def _assessment(tasks_heading: str, proposals: bool = True) -> list[tuple]:
    """III. Đánh giá chung (ưu điểm; hạn chế, nguyên nhân), IV. the tasks ahead, V. proposals,
    from the sections of the kind's "Đánh giá" sheet (placeholders when empty)."""
    blocks = [
        ("h1", "III. ĐÁNH GIÁ CHUNG"),
        ("h2", "1. Ưu điểm"),
        ("notes", "assessment.strengths"),
        ("h2", "2. Hạn chế và nguyên nhân"),
        ("h3", "a) Hạn chế"),
        ("notes", "assessment.limitations"),
        ("h3", "b) Nguyên nhân"),
        ("notes", "assessment.causes"),
        ("h1", "IV. " + tasks_heading),
        ("notes", "assessment.tasks"),
    ]
    if proposals:
        blocks += [("h1", "V. ĐỀ XUẤT, KIẾN NGHỊ"), ("notes", "assessment.proposals")]
    return blocks


def _province_section(intro: str) -> list[tuple]:
    """II.1 Cấp tỉnh: the provincial activities as sentences, or the placeholder."""
    return [
        ("h2", "1. Cấp tỉnh"),
        ("if", "province_activities"),
        ("p", intro),
        ("list", "a in province_activities", "- {{ a }}", None),
        ("else",),
        # Nothing in "Cấp tỉnh": the yellow placeholder, for the officer to write before signing.
        ("list", "a in province_activities", "- {{ a }}"),
        ("endif",),
    ]


def _local_intro(what: str) -> tuple:
    return ("p", what + " (số liệu của {{ coverage.reported }}/{{ coverage.total }} "
                        "{{ coverage.nouns }} đã gửi báo cáo, chi tiết tại Phụ lục kèm theo):")


def _highlights() -> list[tuple]:
    return [("if", "highlights"),
            ("p", "Một số địa phương có cách làm sáng tạo, hiệu quả:"),
            ("list", "h in highlights", "- {{ h.unit|capfirst }}: {{ h.text }}", None),
            ("endif",)]


# --------------------------------------------------------------------------- periodic report

GEP_FLAGS = [
    (("Kế hoạch năm",), 15, "plan", "{{ plans.done }}"),
    (("Kiện toàn Ban VSTBPN",), 19, "committee", "{{ committees.done }}"),
]
GEP_FIGURES = [
    (("Họp Ban (cuộc)",), 15, "committee_meetings"),
    (("Kinh phí (đồng)",), 27, "budget"),
    (("Truyền thông", "Số hoạt động"), 16, "media_activities"),
    (("Truyền thông", "Nam"), 15, "media_male"),
    (("Truyền thông", "Nữ"), 15, "media_female"),
    (("Tập huấn", "Số lớp"), 12, "training_classes"),
    (("Tập huấn", "Nam"), 14, "training_male"),
    (("Tập huấn", "Nữ"), 14, "training_female"),
    (("Văn bản lồng ghép giới",), 17, "mainstreamed_documents"),
    (("Bạo lực trên cơ sở giới", "Số vụ phát hiện"), 16, "gbv_cases"),
    (("Bạo lực trên cơ sở giới", "Số người được hỗ trợ"), 17, "gbv_supported"),
]

# The next period's tasks: after the first half, the rest of the year; else the next year.
GEP_TASKS = ("PHƯƠNG HƯỚNG, NHIỆM VỤ {% if period.text.endswith(\"H1\") %}6 THÁNG CUỐI NĂM "
             "{{ period.year }}{% else %}NĂM {{ period.year + 1 }}{% endif %}")


def gender_equality_periodic(doc) -> None:
    write_body(doc, [
        ("h1", "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"),
        ("notes", "assessment.direction"),
        ("p", "Đến nay, {{ plans|ratio }} đã ban hành kế hoạch công tác bình đẳng giới và vì sự "
              "tiến bộ của phụ nữ năm {{ period.year }}; {{ committees|ratio }} đã kiện toàn Ban "
              "vì sự tiến bộ của phụ nữ{% if totals.committee_meetings %}, các Ban đã tổ chức "
              "{{ totals.committee_meetings|qty }} cuộc họp{% endif %}."),
        ("h1", "II. KẾT QUẢ THỰC HIỆN"),
        *_province_section("Các sở, ban, ngành, đoàn thể cấp tỉnh đã triển khai các nhiệm vụ "
                           "về bình đẳng giới và vì sự tiến bộ của phụ nữ; kết quả chủ yếu:"),
        ("h2", "2. Tại các địa phương"),
        _local_intro("Các địa phương đã triển khai các nhiệm vụ theo kế hoạch; kết quả chủ "
                     "yếu như sau"),
        ("p", "- Truyền thông nâng cao nhận thức về bình đẳng giới: "
              "{{ totals.media_activities|qty }} hoạt động, tiếp cận "
              "{{ totals.media_male|by_sex(totals.media_female, \"lượt người\") }}."),
        ("p", "- Tập huấn, bồi dưỡng kiến thức về bình đẳng giới, lồng ghép giới: "
              "{{ totals.training_classes|qty }} lớp cho "
              "{{ totals.training_male|by_sex(totals.training_female, \"lượt người\") }}."),
        ("p", "- Lồng ghép vấn đề bình đẳng giới trong xây dựng văn bản, kế hoạch: "
              "{{ totals.mainstreamed_documents|qty }} văn bản."),
        ("p", "- Phòng ngừa, ứng phó với bạo lực trên cơ sở giới: {% if totals.gbv_cases %}phát "
              "hiện {{ totals.gbv_cases|qty }} vụ ({{ gbv_units.text }}){% else %}các đơn vị đã "
              "gửi số liệu không phát hiện vụ bạo lực trên cơ sở giới nào{% endif %}; hỗ trợ "
              "{{ totals.gbv_supported|qty }} người bị bạo lực."),
        ("if", "totals.budget"),
        ("p", "- Kinh phí thực hiện tại các địa phương: {{ totals.budget|money }}."),
        ("endif",),
        *_highlights(),
        *_assessment(GEP_TASKS),
    ])
    build_closing(doc)
    build_signature(doc)
    start_appendix(doc, "Phụ lục", "Số liệu kết quả công tác bình đẳng giới và vì sự tiến bộ "
                                   "của phụ nữ {{ period.label }} theo đơn vị")
    _units_table(doc, 38, GEP_FLAGS, GEP_FIGURES)
    _table_notes(doc, "Ghi chú: “x” là đã có kế hoạch năm, đã kiện toàn Ban vì sự tiến bộ của "
                      "phụ nữ (Ban VSTBPN); các cột Nam, Nữ là số lượt người tham gia hoặc được "
                      "tiếp cận; “-” là chưa có số liệu.")


# --------------------------------------------------------------------------- children

CHM_FLAGS = [(("Kế hoạch",), 14, "plan", "{{ plans.done }}")]
CHM_FIGURES = [
    (("Hoạt động, sự kiện", "Số hoạt động"), 14, "activities"),
    (("Hoạt động, sự kiện", "Nam"), 15, "participants_male"),
    (("Hoạt động, sự kiện", "Nữ"), 15, "participants_female"),
    (("Diễn đàn trẻ em",), 14, "forums"),
    (("Quà tặng", "Số suất"), 14, "gifts"),
    (("Quà tặng", "Trị giá (đồng)"), 27, "gifts_value"),
    (("Học bổng", "Số suất"), 13, "scholarships"),
    (("Học bổng", "Trị giá (đồng)"), 26, "scholarships_value"),
    (("Kinh phí vận động (đồng)",), 28, "mobilised"),
    (("Trẻ em có hoàn cảnh đặc biệt được hỗ trợ", "Trai"), 14, "special_boys"),
    (("Trẻ em có hoàn cảnh đặc biệt được hỗ trợ", "Gái"), 14, "special_girls"),
]


def children_month(doc) -> None:
    write_body(doc, [
        ("h1", "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"),
        ("p", "Ngay sau khi nhận được hướng dẫn, {{ agency.name }} đã tham mưu triển khai Tháng "
              "hành động vì trẻ em năm {{ campaign.year }} trên địa bàn {{ agency.province }}"
              "{% if campaign.theme %} với chủ đề “{{ campaign.theme }}”{% endif %}; đồng thời "
              "hướng dẫn các sở, ban, ngành, đoàn thể và các địa phương xây dựng kế hoạch, tổ "
              "chức các hoạt động thiết thực chăm lo cho trẻ em."),
        ("p", "Đến nay, {{ plans|ratio }} đã xây dựng và ban hành kế hoạch tổ chức Tháng hành "
              "động."),
        ("h1", "II. KẾT QUẢ THỰC HIỆN"),
        *_province_section("Các sở, ban, ngành, đoàn thể cấp tỉnh đã tổ chức các hoạt động "
                           "hưởng ứng Tháng hành động; các hoạt động chính gồm:"),
        ("h2", "2. Tại các địa phương"),
        _local_intro("Các địa phương đã tổ chức các hoạt động hưởng ứng phù hợp với điều kiện "
                     "thực tế; kết quả chủ yếu như sau"),
        ("p", "- Tổ chức {{ totals.activities|qty }} hoạt động, sự kiện hưởng ứng Tháng hành "
              "động, thu hút {{ participants.male|by_sex(participants.female, \"lượt người\") }}"
              " tham gia."),
        ("if", "totals.forums"),
        ("p", "- Tổ chức {{ totals.forums|qty }} diễn đàn trẻ em ({{ forum_units.text }}) để trẻ "
              "em được bày tỏ ý kiến, nguyện vọng về các vấn đề liên quan đến trẻ em."),
        ("endif",),
        ("p", "- Thăm hỏi, tặng {{ totals.gifts|qty }} suất quà cho trẻ em{% if totals.gifts %}, "
              "trị giá {{ totals.gifts_value|money }}{% endif %}; trao "
              "{{ totals.scholarships|qty }} suất học bổng{% if totals.scholarships %}, trị giá "
              "{{ totals.scholarships_value|money }}{% endif %}."),
        ("p", "- Hỗ trợ {{ special_children.total|qty }} trẻ em có hoàn cảnh đặc biệt"
              "{% if special_children.total %} ({{ special_children.male|qty }} trẻ em trai, "
              "{{ special_children.female|qty }} trẻ em gái){% endif %}."),
        ("p", "- Vận động nguồn lực chăm lo cho trẻ em: {{ totals.mobilised|money }}."),
        *_highlights(),
        *_assessment("NHIỆM VỤ THỜI GIAN TỚI"),
    ])
    build_closing(doc)
    build_signature(doc)
    start_appendix(doc, "Phụ lục", "Số liệu kết quả {{ campaign.name }} năm {{ campaign.year }}"
                                   " theo đơn vị")
    _units_table(doc, 42, CHM_FLAGS, CHM_FIGURES)
    _table_notes(doc, "Ghi chú: cột “Kế hoạch” đánh dấu x khi đơn vị đã xây dựng kế hoạch; các "
                      "cột Nam, Nữ là số lượt người tham gia; “-” là chưa có số liệu.")


# --------------------------------------------------------------------------- domestic violence

DVM_FLAGS = [(("Kế hoạch",), 20, "plan", "{{ plans.done }}")]
DVM_ACTIVITY_FIGURES = [
    (("Hoạt động hưởng ứng", "Số hoạt động"), 30, "activities"),
    (("Hoạt động hưởng ứng", "Người tham gia, được tiếp cận", "Nam"), 30, "reached_male"),
    (("Hoạt động hưởng ứng", "Người tham gia, được tiếp cận", "Nữ"), 30, "reached_female"),
    (("Tin, bài, buổi phát thanh",), 40, "media"),
    (("Mô hình, câu lạc bộ",), 40, "models"),
]
DVM_CASE_FIGURES = [
    (("Số vụ phát hiện",), 18, "cases"),
    (("Nạn nhân được hỗ trợ", "Theo giới tính", "Nam"), 16, "victims_male"),
    (("Nạn nhân được hỗ trợ", "Theo giới tính", "Nữ"), 16, "victims_female"),
    (("Nạn nhân được hỗ trợ", "Theo nhóm tuổi", "Dưới 16 tuổi"), 16, "victims_children"),
    (("Nạn nhân được hỗ trợ", "Theo nhóm tuổi", "16 - dưới 60 tuổi"), 16, "victims_adults"),
    (("Nạn nhân được hỗ trợ", "Theo nhóm tuổi", "Từ 60 tuổi"), 16, "victims_elderly"),
    (("Biện pháp", "Tư vấn (lượt)"), 18, "counselling"),
    (("Biện pháp", "Tạm lánh (người)"), 17, "shelter"),
    (("Biện pháp", "Cấm tiếp xúc (quyết định)"), 22, "no_contact"),
    (("Biện pháp", "Xử phạt hành chính", "Số vụ"), 16, "fines"),
    (("Biện pháp", "Xử phạt hành chính", "Số tiền (đồng)"), 29, "fines_amount"),
]


def domestic_violence_month(doc) -> None:
    write_body(doc, [
        ("h1", "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"),
        ("p", "Ngay sau khi nhận được hướng dẫn, {{ agency.name }} đã tham mưu triển khai Tháng "
              "hành động quốc gia về phòng, chống bạo lực gia đình năm {{ campaign.year }} trên "
              "địa bàn {{ agency.province }}{% if campaign.theme %} với chủ đề "
              "“{{ campaign.theme }}”{% endif %}; đồng thời hướng dẫn các sở, ban, ngành, đoàn "
              "thể và các địa phương xây dựng kế hoạch, tổ chức các hoạt động hưởng ứng."),
        ("p", "Đến nay, {{ plans|ratio }} đã xây dựng và ban hành kế hoạch triển khai Tháng hành "
              "động."),
        ("h1", "II. KẾT QUẢ THỰC HIỆN"),
        *_province_section("Các sở, ban, ngành, đoàn thể cấp tỉnh đã tổ chức các hoạt động "
                           "hưởng ứng Tháng hành động; các hoạt động chính gồm:"),
        ("h2", "2. Tại các địa phương"),
        ("p", "Các địa phương đã tổ chức các hoạt động hưởng ứng phù hợp với điều kiện thực tế; "
              "kết quả chủ yếu như sau (số liệu của {{ coverage.reported }}/{{ coverage.total }} "
              "{{ coverage.nouns }} đã gửi báo cáo, chi tiết tại Phụ lục I và Phụ lục II kèm "
              "theo):"),
        ("h3", "a) Hoạt động thông tin, truyền thông, hưởng ứng"),
        ("p", "- Tổ chức {{ totals.activities|qty }} hoạt động hưởng ứng (mít tinh, phát động, "
              "hội nghị, tọa đàm, hội thi…), thu hút "
              "{{ reached.male|by_sex(reached.female, \"lượt người\") }} tham gia, được tiếp "
              "cận."),
        ("p", "- Thực hiện {{ totals.media|qty }} tin, bài, buổi phát thanh tuyên truyền về "
              "phòng, chống bạo lực gia đình."),
        ("p", "- Mô hình, câu lạc bộ phòng, chống bạo lực gia đình: {{ totals.models|qty }} mô "
              "hình, câu lạc bộ."),
        ("h3", "b) Phát hiện, hỗ trợ nạn nhân và xử lý hành vi bạo lực gia đình"),
        ("p", "- {% if totals.cases %}Phát hiện {{ totals.cases|qty }} vụ bạo lực gia đình "
              "({{ case_units.text }}){% else %}Các đơn vị đã gửi số liệu không phát hiện vụ "
              "bạo lực gia đình nào{% endif %}."),
        ("if", "victims.total"),
        ("p", "- Hỗ trợ {{ victims.total|qty }} nạn nhân: theo giới tính, "
              "{{ victims.male|qty }} nam và {{ victims.female|qty }} nữ; theo nhóm tuổi, "
              "{{ totals.victims_children|qty }} trẻ em dưới 16 tuổi, "
              "{{ totals.victims_adults|qty }} người từ 16 đến dưới 60 tuổi và "
              "{{ totals.victims_elderly|qty }} người từ 60 tuổi trở lên."),
        ("endif",),
        ("p", "- Các biện pháp đã áp dụng: tư vấn, hỗ trợ tâm lý, pháp lý "
              "{{ totals.counselling|qty }} lượt; bố trí nơi tạm lánh cho "
              "{{ totals.shelter|qty }} nạn nhân; {{ totals.no_contact|qty }} quyết định cấm "
              "tiếp xúc; xử phạt vi phạm hành chính {{ totals.fines|qty }} vụ"
              "{% if totals.fines_amount %} với tổng số tiền {{ totals.fines_amount|money }}"
              "{% endif %}."),
        *_highlights(),
        *_assessment("NHIỆM VỤ THỜI GIAN TỚI"),
    ])
    build_closing(doc)
    build_signature(doc)
    start_appendix(doc, "Phụ lục I", "Kết quả hoạt động hưởng ứng Tháng hành động năm "
                                     "{{ campaign.year }} theo đơn vị")
    _units_table(doc, 60, DVM_FLAGS, DVM_ACTIVITY_FIGURES)
    _table_notes(doc, "Ghi chú: cột “Kế hoạch” đánh dấu x khi đơn vị đã xây dựng kế hoạch; các "
                      "cột Nam, Nữ là số lượt người tham gia, được tiếp cận; “-” là chưa có số "
                      "liệu.")
    start_appendix(doc, "Phụ lục II", "Vụ bạo lực gia đình, nạn nhân được hỗ trợ và biện pháp "
                                      "xử lý năm {{ campaign.year }} theo đơn vị")
    _units_table(doc, 50, [], DVM_CASE_FIGURES)
    _table_notes(doc, "Ghi chú: nạn nhân được hỗ trợ chia theo giới tính và theo nhóm tuổi, hai "
                      "cách chia có cùng tổng số; “-” là chưa có số liệu.")


# --------------------------------------------------------------------------- targets

# How a target reads, by the indicator's direction (``ItemDef.direction``): in prose, and as
# a sign in the table.
TARGET_WORDS = ('{% set t = "ít nhất" if r.direction == "at_least" else "không quá" '
                'if r.direction == "at_most" else "trên" if r.direction == "above" '
                'else "dưới" %}')
TARGET_SIGN = ('{{ "≥" if r.direction == "at_least" else "≤" if r.direction == "at_most" '
               'else ">" if r.direction == "above" else "<" }}')
# The unit after a value: "%" sticks to the number, other measures follow a space.
MEASURE = '{% set m = "%" if r.measure == "%" else (" " ~ r.measure if r.measure else "") %}'
INDICATOR = (
    MEASURE + TARGET_WORDS + "- {{ r.label }}: {% if r.value is none %}chưa có số liệu{% else %}"
    "{{ r.value|figure }}{{ m }}{% if r.by_sex and r.male is not none and r.female is not none %}"
    " (nam {{ r.male|figure }}{{ m }}, nữ {{ r.female|figure }}{{ m }}){% endif %}"
    "{% if r.previous is not none %}, năm trước {{ r.previous|figure }}{{ m }}{% endif %}"
    "{% if r.target is none %}; chưa có mục tiêu để đánh giá{% else %}; mục tiêu "
    "{{ t }} {{ r.target|figure }}{{ m }}: "
    "{{ r.status|lower }}{% endif %}{% endif %}."
)
OVERVIEW = (
    "Năm {{ period.year }}, trong {{ targets.total|qty }} chỉ tiêu của Chiến lược được theo "
    "dõi, có số liệu của {{ targets.total - targets.missing|length }}/{{ targets.total }} chỉ "
    "tiêu{% if targets.missing %} (chưa có số liệu: chỉ tiêu "
    "{{ targets.missing|join_names }}){% endif %}. {% if targets.evaluated %}Trong "
    "{{ targets.evaluated|qty }} chỉ tiêu có mục tiêu và số liệu để đánh giá, "
    "{{ targets.reached }}/{{ targets.evaluated }} chỉ tiêu đạt"
    "{% if targets.not_reached %}, chưa đạt: chỉ tiêu {{ targets.not_reached|join_names }}"
    "{% endif %}.{% else %}Chưa có chỉ tiêu nào có đủ mục tiêu và số liệu để đánh giá."
    "{% endif %} Kết quả theo từng lĩnh vực như sau (chi tiết tại Phụ lục kèm theo):"
)
TARGETS_COLUMNS = [
    # label path, width (mm), cell style, cell text
    (("Mã",), 14, C, "{{ r.code }}"),
    (("Chỉ tiêu",), 96, T, "{{ r.label }}"),
    (("Đơn vị tính",), 22, C, "{{ r.measure }}"),
    (("Mục tiêu",), 24, C, "{% if r.target is none %}-{% else %}" + TARGET_SIGN
     + " {{ r.target|figure }}{% endif %}"),
    (("Năm trước",), 22, N, "{{ r.previous|figure }}"),
    (("Năm báo cáo", "Chung"), 20, N, "{{ r.value|figure }}"),
    (("Năm báo cáo", "Nam"), 18, N, "{% if r.by_sex %}{{ r.male|figure }}{% endif %}"),
    (("Năm báo cáo", "Nữ"), 18, N, "{% if r.by_sex %}{{ r.female|figure }}{% endif %}"),
    # An indicator with data but no target: "Chưa có mục tiêu" (the target, not the indicator).
    (("Đánh giá",), 28, C, "{% if r.value is not none and r.target is none %}Chưa có mục tiêu"
                           "{% else %}{{ r.status }}{% endif %}"),
]


def _targets_table(doc) -> None:
    """The indicators by area: a row naming each area, then its indicators (two nested
    ``{%tr for %}`` loops), with their target, values and evaluation."""
    paths = [c[0] for c in TARGETS_COLUMNS]
    assert sum(c[1] for c in TARGETS_COLUMNS) == LANDSCAPE_TEXT_MM
    depth = max(len(p) for p in paths)
    table = doc.add_table(rows=depth + 6, cols=len(TARGETS_COLUMNS))
    layout_table(table, [Mm(c[1]) for c in TARGETS_COLUMNS], CELL_MARGIN_TWIPS, borders=True)
    write_header_rows(table, paths)
    rows = table.rows[depth:]
    tags = {0: "{%tr for g in targets.rows|groupby(\"group\") %}", 2: "{%tr for r in g.list %}",
            4: "{%tr endfor %}", 5: "{%tr endfor %}"}
    for index, tag in tags.items():
        fill_cell(rows[index].cells[0].merge(rows[index].cells[-1]), [("RG Logic", tag)])
    area = rows[1].cells[0].merge(rows[1].cells[-1])
    fill_cell(area, [(T, "{{ g.grouper }}")])
    area.paragraphs[0].runs[0].font.bold = True
    for cell, (_path, _width, style, text) in zip(rows[3].cells, TARGETS_COLUMNS):
        fill_cell(cell, [(style, text)])
    for row in (rows[1], rows[3]):
        set_row_flags(row)


def gender_equality_targets(doc) -> None:
    write_body(doc, [
        ("h1", "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI"),
        ("notes", "assessment.direction"),
        ("h1", "II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU"),
        ("p", OVERVIEW),
    ])
    add_par(doc, "RG Logic", "{%p for g in targets.rows|groupby(\"group\") %}")
    add_par(doc, "RG Heading 2", "{{ g.grouper }}")
    add_list(doc, "r in g.list", INDICATOR, None)
    add_par(doc, "RG Logic", "{%p endfor %}")
    write_body(doc, _assessment("NHIỆM VỤ, GIẢI PHÁP NĂM {{ period.year + 1 }}"))
    build_closing(doc)
    build_signature(doc)
    start_appendix(doc, "Phụ lục", "Kết quả thực hiện các chỉ tiêu của Chiến lược quốc gia về "
                                   "bình đẳng giới {{ period.label }}")
    _targets_table(doc)
    add_par(doc, "RG Table Note", "Ghi chú: mục tiêu “≥” là ít nhất, “≤” là không quá, “<” là "
                                  "dưới, “>” là trên; mục tiêu của Nghị quyết số 28/NQ-CP ngày "
                                  "03/3/2021 (đến năm 2025) hoặc do đơn vị ghi trong bảng số "
                                  "liệu; “-” là chưa có số liệu hoặc chưa có mục tiêu.")


KINDS = {
    "gender-equality-month": gender_equality_month,
    "gender-equality-periodic": gender_equality_periodic,
    "children-month": children_month,
    "domestic-violence-month": domestic_violence_month,
    "gender-equality-targets": gender_equality_targets,
}


def build(slug: str) -> Path:
    """Write the template of ``slug``; returns its path."""
    doc = new_document()
    first_page(doc)
    build_opening(doc)
    KINDS[slug](doc)
    output = ROOT / slug / "template.docx"
    finish(doc, output)
    return output


if __name__ == "__main__":
    for slug in sys.argv[1:] or KINDS:
        print(build(slug))
