"""Which runs make a paragraph's visible text, as every checker rule reads it."""

from __future__ import annotations

from lxml import etree

from tasks.report.conformance.text import forget_runs, paragraph_text, runs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def paragraph(inner: str):
    body = etree.fromstring(f'<w:body xmlns:w="{W}" xmlns:wps="{WPS}"><w:p>{inner}</w:p></w:body>')
    return body[0]


def test_runs_in_links_insertions_and_controls_count_deleted_and_boxed_ones_do_not():
    forget_runs()
    p = paragraph(
        '<w:r><w:t>Số: </w:t></w:r>'
        '<w:hyperlink><w:r><w:t>05</w:t></w:r></w:hyperlink>'
        '<w:ins><w:r><w:t>/BC</w:t></w:r></w:ins>'
        '<w:del><w:r><w:delText>xóa</w:delText></w:r></w:del>'
        '<w:sdt><w:sdtContent><w:r><w:t>-SNV</w:t></w:r></w:sdtContent></w:sdt>'
        '<w:r><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>hộp</w:t></w:r></w:p>'
        '</w:txbxContent></wps:txbx></w:drawing></w:r>'
        '<w:moveFrom><w:r><w:t>cũ</w:t></w:r></w:moveFrom>')
    assert paragraph_text(p) == "Số: 05/BC-SNV"
    assert len(runs(p)) == 5  # the drawing's own run is one; its box's run is not
    boxed = p.find(f".//{{{W}}}txbxContent/{{{W}}}p")
    assert runs(boxed) == []  # a paragraph inside a text box prints nothing of the page's


def test_the_remembered_runs_are_dropped_between_checks():
    forget_runs()
    p = paragraph('<w:r><w:t>a</w:t></w:r>')
    assert paragraph_text(p) == "a"
    p.append(p[0].__copy__())
    assert paragraph_text(p) == "a"  # remembered within one check (the document is read only)
    forget_runs()
    assert paragraph_text(p) == "aa"
