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

from docx_parts import (
    LANDSCAPE_TEXT_MM,
    add_par,
    build_closing,
    build_opening,
    build_signature,
    finish,
    first_page,
    new_document,
    start_appendix,
    write_body,
    write_table,
)

ROOT = Path(__file__).resolve().parents[1]
N, C, T = "RG Table Number", "RG Table Center", "RG Table Text"


def _num(expr: str) -> str:
    return "{{ " + expr + "|figure }}"


def _unit_columns(figures: list[tuple[tuple[str, ...], int, str]]) -> list:
    """STT, unit name, then (label path, width, code) number columns of the ``u`` row."""
    return [(("STT",), 10, C, "{{ u.no }}"), (("Đơn vị",), 42, T, "{{ u.name|capfirst }}"),
            *[(path, width, N, _num(f"u.{code}")) for path, width, code in figures]]


def _totals(figures: list[tuple[tuple[str, ...], int, str]], name: str = "totals") -> list[str]:
    return ["Tổng cộng", "", *[_num(f"{name}.{code}") for _p, _w, code in figures]]


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
    columns = _unit_columns(GEM_FIGURES)
    columns.insert(2, (("Kế hoạch",), 15, C,
                       "{% if not u.reported %}Chưa báo cáo{% elif u.plan %}x{% endif %}"))
    totals = _totals(GEM_FIGURES)
    totals.insert(2, "{{ plans.done }}")
    write_table(doc, columns, "u in units", totals, LANDSCAPE_TEXT_MM)
    add_par(doc, "RG Table Note", "Ghi chú: cột “Kế hoạch” đánh dấu x khi đơn vị đã xây dựng "
                                  "kế hoạch; các cột Nam, Nữ là số lượt người tham gia hoặc được "
                                  "tiếp cận; “-” là chưa có số liệu.")
    _coverage_note(doc)


KINDS = {
    "gender-equality-month": gender_equality_month,
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
