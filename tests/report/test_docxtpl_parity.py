"""The compiled engine beside plain docxtpl 0.20.2 (issue 14 item 7), on templates built here
that exercise the features of docxtpl's own test templates: row, cell and paragraph loops,
``{%p``/``{%tr``/``{%tc``/``{%r`` tags, comments of each kind, ``{%-``/``-%}`` merges,
``colspan``, ``cellbg``, ``hm``, ``vm`` (nested too), tags split over runs, escapes, listing
characters, headers and footers of each type, a footnote, document properties, repeated
images, and one compiled template rendered with several contexts.

``word/document.xml``, the headers, footers and the footnotes must be byte-identical or equal
after XML canonicalisation (``docxtpl_steps`` says why bytes may differ). The deliberate
differences have tests of their own at the end.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from docxtpl import DocxTemplate
from lxml import etree

from tasks.report import docxtpl_steps
from tasks.report.render import render_docx, sanitize
from tasks.report.table_grid import grid_may_change
from tasks.report.template_engine import compile_template
from tests.conftest import docx_text
from tests.report.docx_build import image, p, package, tbl, tc, tr

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ITEMS = [{"desc": "Máy tính", "qty": 2, "price": "FREE"},
         {"desc": "Bàn ghế", "qty": 5403, "price": "12.000.000"},
         {"desc": "Tủ", "qty": 1, "price": "100"}]


def _order():
    body = (p("Khách hàng: {{ customer|upper }}")
            + tbl(3, tr(tc(p("Mô tả")), tc(p("SL")), tc(p("Giá"))),
                  tr(tc(p("{%tr for item in items %}")), tc(), tc()),
                  tr(tc(p("{{ item.desc }}")), tc(p("{{ item.qty }}")),
                     tc(p("{{ item.price }}"))),
                  tr(tc(p("{%tr endfor %}")), tc(), tc()))
            + p("{%p if in_town %}") + p("Giao trong thành phố.") + p("{%p else %}")
            + p("Giao ngoài thành phố.") + p("{%p endif %}")
            + p("Tổng: {{ total|default('0') }} – {{ items|length }} dòng"))
    return package(body), {"customer": "Lan", "items": ITEMS, "in_town": True,
                           "total": "12.000.200"}


def _cellbg():
    body = tbl(2, tr(tc(p("Loại")), tc(p("Ngày"))),
               tr(tc(p("{%tr for a in alerts %}")), tc()),
               tr(tc(p("{% cellbg a.bg %}{{ a.kind }}"), shade=True), tc(p("{{ a.date }}"))),
               tr(tc(p("{%tr endfor %}")), tc()))
    return package(body), {"alerts": [{"kind": "LỖI", "bg": "FF0000", "date": "10/3"},
                                      {"kind": "CẢNH BÁO", "bg": "FFDD00", "date": "11/3"}]}


def _comments():
    body = (p("Chú thích {# trong dòng #}ở giữa.") + p("{#p cả đoạn này biến mất #}")
            + p("Đoạn sau chú thích.")
            + tbl(3, tr(tc(p("{#tr cả hàng này biến mất #}")), tc(p("ô")), tc(p("ô"))),
                  tr(tc(p("Ô còn lại")), tc(p("Ô thứ hai")), tc(p("{#tc ô này biến mất #}")))))
    return package(body, headers={"default": p("Đầu trang {# ẩn #}")},
                   footers={"default": p("Chân trang {# ẩn #}")},
                   footnote=p("Chú thích cuối {# ẩn #}trang.")), {}


def _properties():
    return package(p("Thân: {{ test }}"), core={
        "dc:title": "Tiêu đề {{ test }}", "dc:subject": "{{ test|lower }}",
        "dc:creator": "Tác giả {{ test }}"}), {"test": "XinChao"}


def _dynamic_table():
    body = tbl(2, tr(tc(p("Màu")), tc(p("{% colspan labels|count %}Loại"))),
               tr(tc(), tc(p("{%tc for col in labels %}")), tc(p("{{ col }}")),
                  tc(p("{%tc endfor %}"))),
               tr(tc(p("{%tr for row in rows %}")), tc()),
               tr(tc(p("{{ row.label }}")), tc(p("{%tc for col in row.cols %}")),
                  tc(p("{{ col }}")), tc(p("{%tc endfor %}"))),
               tr(tc(p("{%tr endfor %}")), tc()))
    return package(body), {"labels": ["quả", "rau", "đá", "vật"], "rows": [
        {"label": "vàng", "cols": ["chuối", "ớt", "pyrit", "taxi"]},
        {"label": "đỏ", "cols": ["táo", "cà chua", "thần sa", "xe buýt"]}]}


def _escapes():
    body = (p("{{ text|e }}") + p("Thẻ in ra: {_{ tên }_} và {_% if %_}")
            + p("Nhiều dòng: {{ listing }}") + p("Mã: {{ code|e }}"))
    return package(body), {"text": 'Có "ngoặc" và \'nháy\'',
                           "listing": "dòng một\ndòng hai\tcột", "code": "a\nb\n\tc"}


def _autoescape():
    body = p("{% for k, v in d|dictsort %}{{ k }}={{ v }}; {% endfor %}") + p("{{ s }}")
    return package(body), {"d": {"lt": "<", "amp": "&", "gt": ">", "q": '"'},
                           "s": 'Thoát "chuỗi & ký tự" <unicode> 你 & 我'}


def _footnote():
    return package(p("Thân.") , footnote=p("Chú thích: {{ note }}")), {"note": "Một biến"}


def _headers_and_footers():
    return package(p("Tiêu đề: {{ title }}"),
                   headers={"default": p("{{ company }}"), "first": p("Trang đầu {{ date }}"),
                            "even": p("Trang chẵn {{ title }}")},
                   footers={"default": p("Chân {{ company }}"), "first": p("Chân đầu"),
                            "even": p("Chân chẵn {{ date }}")}), \
        {"title": "헤더와 푸터", "company": "Công ty Thế giới", "date": "17/3/2016"}


def _literal_with_ampersand():
    return package(p('{{ missing|default("Tom & Jerry") }}'),
                   footers={"default": p('{{ missing|default("Testé & xx") }}')}), {}


def _horizontal_merge():
    body = tbl(3, tr(tc(p("Đầu 1")), tc(p("{%tc for x in [1, 2, 3, 4] %}")),
                     tc(p("{% hm %}Đầu 2")), tc(p("{%tc endfor %}")), tc(p("Đầu 3"))),
               tr(tc(), tc(p("{%tc for x in [1, 2, 3, 4] %}")), tc(p("Phụ {{ x }}")),
                  tc(p("{%tc endfor %}")), tc()))
    return package(body), {}


def _fewer_cells_after_loop():
    body = tbl(4, tr(tc(p("Đầu 1")), tc(p("Đầu 2")), tc(p("Đầu 3")), tc(p("Đầu 4"))),
               tr(tc(p("Có")), tc(p("{%tc for x in values %}")), tc(p("{{ x }}")),
                  tc(p("{%tc endfor %}")), tc(p("đây"))))
    return package(body), {"values": []}


def _merged_paragraphs():
    body = (p("trước{% if True -%}{%- endif %} và sau")
            + p("Nhà ở {% if town %} thành phố {% else %} nông thôn {% endif %} và tôi thích.")
            + p("Nhà ở") + p("{%- if town -%}") + p(" thành phố") + p("{%- else -%}")
            + p(" nông thôn") + p("{%- endif -%}") + p(" và tôi thích."))
    return package(body), {"town": True}


def _nested_loops():
    body = (p("{%p for dish in dishes %}") + p("Món {{ dish.name }}:")
            + p("{%p for i in dish.ingredients %}") + p("- {{ i }}") + p("{%p endfor %}")
            + p("{%p endfor %}")
            + tbl(2, tr(tc(p("{%tr for a in authors %}")), tc()),
                  tr(tc(p("{{ a.name }}")),
                     tc(p("{%p for b in a.books %}"), p("{{ b }}"), p("{%p endfor %}"))),
                  tr(tc(p("{%tr endfor %}")), tc())))
    return package(body), {
        "dishes": [{"name": "Phở", "ingredients": ["bánh", "bò"]},
                   {"name": "Bún", "ingredients": ["bún", "chả", "rau"]}],
        "authors": [{"name": "Tô Hoài", "books": ["Dế Mèn", "Vợ chồng A Phủ"]},
                    {"name": "Nam Cao", "books": ["Chí Phèo"]}]}


def _spaces_and_split_tags():
    body = (p("Tôi đang ", "{{ tag_1 }}", " nó ", "{{ tag_2 }}", " đấy.")
            + p("Thẻ tách: {{ ", "tag_1", " }} và {%", " if tag_2 %}có{% endif ", "%}")
            + p("Chữ {%r if tag_1 %}", "đậm", "{%r endif %} xong")
            + p("{{ spaces }}|{{ tabs }}|"))
    return package(body), {"tag_1": "nhìn", "tag_2": "nữa", "spaces": "     ",
                           "tabs": "\t\t\t"}


def _vertical_merge():
    body = tbl(3, tr(tc(p("Nhóm")), tc(p("Mục")), tc(p("Giá"))),
               tr(tc(p("{%tr for item in items %}")), tc(), tc()),
               tr(tc(p("{{ category }}{% vm %}")), tc(p("{{ item.desc }}")),
                  tc(p("{{ item.price }}"))),
               tr(tc(p("{%tr endfor %}")), tc(), tc()))
    return package(body), {"items": ITEMS, "category": "Sách"}


def _vertical_merge_nested():
    inner = tbl(2, tr(tc(p("{%tr for x in [1, 2] %}")), tc()),
                tr(tc(p("Nhóm{% vm %}")), tc(p("Mục {{ x }}"))),
                tr(tc(p("{%tr endfor %}")), tc()))
    body = tbl(2, tr(tc(p("Ngoài")), tc(inner, p(""))))
    return package(body), {}


def _repeated_images():
    body = (p("{%p for n in names %}") + f"<w:p>{image(5, 'logo')}</w:p>" + p("{{ n }}")
            + p("{%p endfor %}") + f"<w:p>{image(5, 'cuối')}</w:p>")
    return package(body), {"names": ["một", "hai", "ba"]}


def _properties_and_body_with_quotes():
    return package(p("Tên: {{ name }}"), core={"dc:title": "{{ name }}"}), \
        {"name": "Sở \"Lao động\" & 'Xã hội'"}


CASES = {
    "order: row loop, paragraph if/else, filters": (_order, False),
    "cellbg in a row loop": (_cellbg, False),
    "comments: inline, {#p, {#tr, {#tc, header, footer, footnote": (_comments, False),
    "document properties": (_properties, False),
    "dynamic table: colspan labels|count, cell loops": (_dynamic_table, False),
    "escapes, |e, listing characters": (_escapes, True),
    "autoescape: XML specials in data": (_autoescape, True),
    "footnote": (_footnote, False),
    "headers and footers: default, first, even": (_headers_and_footers, False),
    "& in a tag's own string literal": (_literal_with_ampersand, False),
    "horizontal merge": (_horizontal_merge, False),
    "fewer cells after a cell loop": (_fewer_cells_after_loop, False),
    "merged paragraphs {%- -%}": (_merged_paragraphs, False),
    "nested loops": (_nested_loops, False),
    "spaces, split tags, {%r": (_spaces_and_split_tags, False),
    "vertical merge": (_vertical_merge, False),
    "vertical merge in a nested table": (_vertical_merge_nested, False),
    "repeated images renumbered": (_repeated_images, False),
    "quotes in body and properties": (_properties_and_body_with_quotes, True),
}
STORIES = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml")


def docxtpl_render(data: bytes, context: dict, autoescape: bool) -> dict[str, bytes]:
    """Plain docxtpl: a fresh DocxTemplate, its default Jinja environment."""
    template = DocxTemplate(io.BytesIO(data))
    template.render(context, autoescape=autoescape)
    out = io.BytesIO()
    template.save(out)
    return _parts(out.getvalue())


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def c14n(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def compare(ours: dict[str, bytes], theirs: dict[str, bytes]) -> dict[str, str]:
    """For each story part: "bytes" or "c14n" when equal that way, else "DIFFERENT"."""
    verdict = {}
    for name in sorted(theirs):
        if name.startswith(STORIES):
            verdict[name] = ("bytes" if ours.get(name) == theirs[name] else
                             "c14n" if name in ours and c14n(ours[name]) == c14n(theirs[name])
                             else "DIFFERENT")
    return verdict


@pytest.mark.parametrize("case", CASES)
def test_the_engine_writes_what_docxtpl_writes(case):
    build, autoescape = CASES[case]
    data, context = build()
    ours = _parts(render_docx(data, context))
    verdict = compare(ours, docxtpl_render(data, context, autoescape))
    assert "word/document.xml" in verdict
    assert "DIFFERENT" not in verdict.values(), verdict


def test_one_compiled_template_renders_several_contexts_as_docxtpl_does():
    data, _ = _order()
    compiled = compile_template(data)
    for n, customer in enumerate(["Một", "Hai", "Ba"], 1):
        context = {"customer": customer, "items": ITEMS[:n], "in_town": n % 2 == 0,
                   "total": str(n)}
        ours = _parts(compiled.render(sanitize(context)))
        verdict = compare(ours, docxtpl_render(data, context, False))
        assert set(verdict.values()) <= {"bytes", "c14n"}, verdict


def test_most_parts_are_byte_identical():
    identical = total = 0
    for build, autoescape in CASES.values():
        data, context = build()
        verdict = compare(_parts(render_docx(data, context)),
                          docxtpl_render(data, context, autoescape))
        identical += list(verdict.values()).count("bytes")
        total += len(verdict)
    assert identical >= total // 2, f"{identical} of {total} byte-identical"


# --- what the engine fixes on the way ----------------------------------------------------------

def test_a_cell_comment_shrinks_the_grid_as_docxtpl_does():
    data, context = _comments()
    document = etree.fromstring(_parts(render_docx(data, context))["word/document.xml"])
    table = document.find(f".//{W}tbl")
    assert len(table.find(f"{W}tblGrid")) == 2 == len(table.find(f"{W}tr"))


def test_colspan_with_jinjas_count_spans_the_labels():
    data, context = _dynamic_table()
    document = etree.fromstring(_parts(render_docx(data, context))["word/document.xml"])
    span = document.find(f".//{W}gridSpan")
    assert span.get(f"{W}val") == "4"


def test_an_ampersand_in_a_literal_prints_once():
    data, context = _literal_with_ampersand()
    rendered = render_docx(data, context)
    assert "Tom & Jerry" in docx_text(rendered)
    assert b"&amp;amp;" not in _parts(rendered)["word/footer1.xml"]


# --- where the engine deliberately differs -------------------------------------------------------

def test_data_never_becomes_tag_braces():
    data = package(p("{{ name }}"))
    context = {"name": "{_{ 7*7 }_}"}
    assert "{_{ 7*7 }_}" in docx_text(render_docx(data, context))
    theirs = docxtpl_render(data, context, False)["word/document.xml"].decode()
    assert "{{ 7*7 }}" in theirs  # what docxtpl makes of it


def test_data_cannot_add_paragraphs_or_page_breaks():
    data = package(p("{{ text }}"))
    context = {"text": "một\ahai\fba"}
    assert "mộthaiba" in docx_text(render_docx(data, context))
    theirs = docxtpl_render(data, context, False)["word/document.xml"]
    assert b'w:type="page"' in theirs  # docxtpl turns \f into a page break


def test_output_that_is_not_xml_is_refused_not_repaired():
    from tasks.report.errors import TemplateError

    # The block opens in a paragraph and ends in a table cell: skipping it leaves the cell's
    # closing tags without their openings.
    data = package(p("{% if whole %}a") + tbl(1, tr(tc(p("b{% endif %}")))))
    assert "b" in docx_text(render_docx(data, {"whole": True}))
    with pytest.raises(TemplateError) as caught:
        render_docx(data, {"whole": False})
    assert caught.value.code == "template_xml"


# --- the seam's proofs ----------------------------------------------------------------------------

def _body_source(data: bytes) -> str:
    from tasks.report import ooxml
    from tasks.report.template_engine import template_sources
    return template_sources(ooxml.read_package(data))["word/document.xml"].source


@pytest.mark.parametrize("case, expected", [
    ("order: row loop, paragraph if/else, filters", False),
    ("cellbg in a row loop", False),
    ("vertical merge", False),
    ("nested loops", True),  # every row is in the loop: with no author, no row is left
    ("comments: inline, {#p, {#tr, {#tc, header, footer, footnote", True),
    ("dynamic table: colspan labels|count, cell loops", True),
    ("horizontal merge", True),
    ("fewer cells after a cell loop", True),
])
def test_grid_may_change_only_when_cells_can_vary(case, expected):
    data, _ = CASES[case][0]()
    assert grid_may_change(_body_source(data)) is expected


def test_a_table_whose_rows_may_all_vanish_is_fixed():
    data = package(tbl(2, tr(tc(p("{%tr for x in xs %}")), tc()), tr(tc(p("{{ x }}")), tc()),
                       tr(tc(p("{%tr endfor %}")), tc())))
    assert grid_may_change(_body_source(data))
    ours = _parts(render_docx(data, {"xs": []}))
    assert compare(ours, docxtpl_render(data, {"xs": []}, False))["word/document.xml"] != \
        "DIFFERENT"


def test_a_template_grid_wider_than_its_rows_is_fixed():
    data = package(tbl(3, tr(tc(p("a")), tc(p("{{ b }}")))))
    assert grid_may_change(_body_source(data))
    verdict = compare(_parts(render_docx(data, {"b": "x"})), docxtpl_render(data, {"b": "x"},
                                                                            False))
    assert verdict["word/document.xml"] != "DIFFERENT"


def test_the_shipped_template_takes_the_fast_path():
    from tasks.settings import REPO_ROOT
    data = (REPO_ROOT / "doc_templates" / "gender-equality-month" / "template.docx").read_bytes()
    assert grid_may_change(_body_source(data)) is False


def test_prepare_unescapes_ampersands_inside_tags_only():
    xml = ('<w:p><w:r><w:t>A &amp; B {{ x|default("C &amp; D") }}</w:t></w:r></w:p>')
    assert docxtpl_steps.prepare(xml, "body") == \
        '\n<w:p><w:r><w:t xml:space="preserve">A &amp; B {{ x|default("C & D") }}</w:t></w:r></w:p>'
