"""Every shipped report kind, tested the same way: its sample submitted over HTTP to a real
server and worker, the document read back for the sample's own totals and checked against
Decree 30; its blank workbook round-trips through validation."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import pytest
import requests
from click.testing import CliRunner
from openpyxl import load_workbook

from service.cli import main
from tasks.report.formatting import num
from tasks.report.kinds import Catalog, ReportKind
from tasks.report.request import ReportRequest, resolve
from tasks.settings import REPO_ROOT
from tests.conftest import docx_text

CATALOG = Catalog(REPO_ROOT / "doc_templates")
KINDS = sorted(CATALOG.kinds)


def sample_totals(kind: ReportKind) -> dict[str, str]:
    """The sample's column sums of its units sheet, read with openpyxl (not our reader), as
    the appendix prints them: {column code: "1.090"}. Columns an activity log also feeds are
    left out (their totals hold the log's rows too)."""
    spec = next((s for s in kind.sheets if s.layout == "units"), None)
    if spec is None:
        return {}
    fed = {code for log in kind.sheets if log.layout == "log" and log.into == spec.key
           for c in log.categories
           for code in (*c.count, c.amount, c.male, c.female, c.flag) if code}
    book = load_workbook(kind.sample_path, data_only=True)
    sheet = book[spec.name]
    codes = [c.value for c in sheet[2]]
    totals = {}
    for column in spec.columns:
        if column.type not in ("count", "money") or column.code not in codes \
                or column.code in fed:
            continue
        values = [row[codes.index(column.code)] for row in sheet.iter_rows(min_row=3,
                                                                           values_only=True)]
        totals[column.code] = num(sum(Decimal(str(v)) for v in values if v not in (None, "")))
    return totals


def item_values(kind: ReportKind) -> list[str]:
    """The values of the sample's indicators, as a table prints them."""
    spec = next((s for s in kind.sheets if s.layout == "items"), None)
    if spec is None:
        return []
    sheet = load_workbook(kind.sample_path, data_only=True)[spec.name]
    codes = [c.value for c in sheet[2]]
    return [num(Decimal(str(row[codes.index("value")])))
            for row in sheet.iter_rows(min_row=3, values_only=True)
            if row[codes.index("value")] not in (None, "")]


@pytest.mark.slow
@pytest.mark.parametrize("slug", KINDS)
def test_every_kind_renders_its_sample_through_the_real_server(slug, web_server, tmp_path):
    kind = CATALOG.kind(slug)
    period = resolve(CATALOG, ReportRequest(slug, kind.sample_province,
                                            kind.sample_period)).period
    day = period.end  # signed the day the window closes: the whole window, no warning
    response = requests.post(f"{web_server}/api/v1/jobs", data={
        "template": slug, "province": kind.sample_province, "period": kind.sample_period,
        "report_date": day.isoformat(), "report_number": "7"},
        files={"data": ("sample.xlsx", kind.sample_path.read_bytes())}, timeout=60)
    assert response.status_code == 202, response.text
    for _ in range(12):
        job = requests.get(f"{web_server}{response.json()['status_url']}?wait=10",
                           timeout=30).json()
        if job["status"] in ("succeeded", "failed", "rejected"):
            break
    assert job["status"] == "succeeded", job["errors"]
    data = requests.get(f"{web_server}{job['document']['url']}", timeout=30).content
    text = docx_text(data)
    assert f"{day.day:02d} tháng" in text and "./." in text
    totals = sample_totals(kind)
    if totals:  # the appendix's totals row carries the sample's column sums
        table = next(t for t in docx.Document(io.BytesIO(data)).tables
                     if t.rows[-1].cells[0].text == "Tổng cộng")
        last = [c.text for c in table.rows[-1].cells]
        shown = set(totals.values()) & set(last)
        assert len(shown) >= min(3, len(totals)), (totals, last)
    for value in item_values(kind):
        assert value in text
    path = tmp_path / "report.docx"
    path.write_bytes(data)
    checked = CliRunner().invoke(main, ["check", str(path), "--period", kind.sample_period,
                                        "--template", slug])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("slug", KINDS)
def test_every_kinds_blank_workbook_round_trips_through_validation(slug, client):
    kind = CATALOG.kind(slug)
    blank = client.get(f"/api/v1/templates/{slug}/workbook?province={kind.sample_province}"
                       f"&period={kind.sample_period}")
    assert blank.status_code == 200

    def validate(data: bytes) -> dict:
        return client.post("/api/v1/validate", data={
            "template": slug, "province": kind.sample_province, "period": kind.sample_period,
            "data": (io.BytesIO(data), "blank.xlsx")},
            content_type="multipart/form-data").get_json()

    empty = validate(blank.data)
    assert [e["code"] for e in empty["errors"]] == ["no_data"]
    book = load_workbook(io.BytesIO(blank.data))
    filled = 0
    for spec in kind.sheets:
        if spec.layout not in ("units", "items"):
            continue
        sheet = book[spec.name]
        codes = [c.value for c in sheet[2]]
        numbers = [c.code for c in spec.columns if c.type in ("count", "money", "number")
                   and c.code not in ("target", "previous", "male", "female")]
        for row in sheet.iter_rows(min_row=3):
            if row[0].value is not None:
                row[codes.index(numbers[0])].value = 3
                filled += 1
    out = io.BytesIO()
    book.save(out)
    result = validate(out.getvalue())
    assert filled and result["valid"], result["errors"]
