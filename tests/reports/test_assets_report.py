"""The carbon asset statement as a report (T/CPQS 9.2.4 a); issue 15 item 2): the roll-forward of 财会〔2019〕22号,
book and market value, restricted lots and the compliance position laid out in DOCX and PDF from the ledger's
statement, the XLSX through the same kind, downloads and filing with the statement page's access, the command."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from carbonms.cli import main
from carbonms.ledger.report import AssetStatementRecord, build, resolve
from carbonms.management.documents import DocumentVersion
from carbonms.reports import registry, services
from carbonms.reports.document import MissingData
from carbonms.reports.render import pdf_pages, to_html
from tests.compliance.conftest import statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(book):
    """E1 of the ledger tests with a verified 2025 statement: obligation 4,000 t (direct emissions)."""
    statement(book, book.e1, direct=4000.0, gross=5000.0)
    return book


def _record(w):
    return resolve(w.park_a, w.e1.enterprise, 2025)


def test_report_has_its_sections_and_the_statement_figures(holder):
    with translation.override("zh-hans"):
        report = build(_record(holder))
        html = to_html(report)
    assert report.outline() == ["一、概要", "二、变动表（财会〔2019〕22号附注（5））", "三、年末持有批次", "四、2025 年度履约情况"]
    # roll-forward: opening 100 t at 9,000; purchased 1,000 t at 71,100; sold 150 t at 3,610; closing 1,950 t at 76,490
    for figure in ("9,000.00", "71,100.00", "3,610.00", "1,950.00", "76,490.00"):
        assert figure in html, figure
    assert "与年末持有批次一致" in html  # reconciles
    # the 2023 lot is never carried over: restricted, valued at nil; the CCER lot's serials are listed
    assert "受限" in html and "CN-CCER-2024-0009-000001–CN-CCER-2024-0009-000500" in html
    # the position of compliance.compliance: obligation 4,000, CCER cap 200, 1,350 eligible allowances: deficit 2,450
    for figure in ("4,000.00", "200.00", "1,350.00", "-2,450.00", f"{2450 * 74.6:,.2f}"):
        assert figure in html, figure


def test_an_enterprise_not_covered_has_no_obligation_in_its_report(holder):
    ent = holder.e1.enterprise
    ent.carbon_market_covered = False
    ent.save()
    with translation.override("en"):
        report = build(_record(holder))
    assert report.outline()[-1] == "4. Compliance position 2025"
    assert "not a covered entity" in to_html(report)


def test_three_formats_from_one_kind(holder):
    from openpyxl import load_workbook

    kind = registry.get("assets")
    assert kind.formats == ("docx", "pdf", "xlsx") and kind.model is None
    record = _record(holder)
    assert kind.render(record, "docx").startswith(b"PK")
    assert kind.render(record, "pdf").startswith(b"%PDF") and pdf_pages(build(record)) >= 2
    wb = load_workbook(io.BytesIO(kind.render(record, "xlsx")))
    closing = next(r for r in wb.worksheets[1].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("4 "))
    assert closing[1] == 1950


def test_download_with_the_statement_page_access(holder, client):
    ent = holder.e1.enterprise
    client.force_login(holder.users["viewer"])
    page = client.get(reverse("ledger:statement_ent", args=[ent.pk]), {"year": 2025}).content.decode()
    assert reverse("ledger:statement_report_ent", args=[ent.pk, "pdf"]) in page
    assert reverse("ledger:statement_file_ent", args=[ent.pk]) not in page  # a viewer may not file
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF"), ("xlsx", b"PK")):
        r = client.get(reverse("ledger:statement_report_ent", args=[ent.pk, fmt]), {"year": 2025, "price_ccer": "80"})
        assert r.status_code == 200 and r.content.startswith(magic), fmt
        assert f"asset-statement-{ent.credit_code}-2025.{fmt}" in r["Content-Disposition"]
    assert client.get(reverse("ledger:statement_report_ent", args=[ent.pk, "odt"])).status_code == 404
    assert client.get(reverse("ledger:statement_report_ent", args=[ent.pk, "pdf"]), {"year": "x"}).status_code == 400
    # the park's own statement is park staff's; another enterprise's is not found; no download by pk
    assert client.get(reverse("ledger:statement_report_park", args=[holder.park_a.pk, "pdf"])).status_code == 404
    assert client.get(reverse("reports:download", args=["assets", ent.pk, "pdf"])).status_code == 404
    from tests.factories import RoleAssignmentFactory, UserFactory

    stranger = UserFactory(username="other_clerk")
    RoleAssignmentFactory(user=stranger, role="data_clerk", park=holder.park_a, enterprise=holder.e2.enterprise)
    client.force_login(stranger)
    assert client.get(reverse("ledger:statement_report_ent", args=[ent.pk, "pdf"])).status_code == 404
    assert client.post(reverse("ledger:statement_file_ent", args=[ent.pk]), {"year": 2025}).status_code == 404
    with pytest.raises(Http404):  # the service checks too
        services.render_report(actor=stranger, kind=registry.get("assets"), obj=_record(holder), fmt="pdf")


def test_filing_makes_a_draft_version_of_the_holders_document(holder, client):
    ent = holder.e1.enterprise
    client.force_login(holder.users["enterprise_admin"])
    assert reverse("ledger:statement_file_ent", args=[ent.pk]) in client.get(
        reverse("ledger:statement_ent", args=[ent.pk]), {"year": 2025}).content.decode()
    # filed at the page's valuation: the query of the page comes with the form
    r = client.post(reverse("ledger:statement_file_ent", args=[ent.pk]) + "?year=2025&price_ccer=80", {"year": 2025})
    assert r.status_code == 302
    v = DocumentVersion.objects.get(document__identifier="RPT-AST-2025")
    assert v.status == DocumentVersion.Status.DRAFT and v.document.enterprise_id == ent.pk and r.url == v.document.get_absolute_url()
    v.file.open("rb")
    data = v.file.read()
    assert hashlib.sha256(data).hexdigest() == v.sha256
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "CCER 80.00 CNY/t" in z.read("word/document.xml").decode()
    kind = registry.get("assets")
    v2 = services.file_report(actor=holder.users["enterprise_admin"], kind=kind, obj=_record(holder), fmt="pdf")
    assert v2.version == "2" and v2.document_id == v.document_id
    with pytest.raises(PermissionDenied):
        services.file_report(actor=holder.users["viewer"], kind=kind, obj=_record(holder))
    client.force_login(holder.users["viewer"])
    assert client.post(reverse("ledger:statement_file_ent", args=[ent.pk]), {"year": 2025}).status_code == 403


def test_command_writes_the_statement_and_refuses_a_holder_without_a_ledger(holder, tmp_path, capsys):
    code = holder.e1.enterprise.credit_code
    for fmt in ("docx", "pdf", "xlsx"):
        out = tmp_path / f"assets.{fmt}"
        assert main(["report", "assets", "--enterprise", code, "--year", "2025", "-o", str(out)]) == 0
        assert out.stat().st_size > 1000
    capsys.readouterr()
    # a year before any movement, another enterprise, the park's own ledger: no ledger data
    assert main(["report", "assets", "--enterprise", code, "--year", "2023", "-o", str(tmp_path / "a.pdf")]) == 1
    assert "没有已批准的变动" in capsys.readouterr().err
    assert main(["report", "assets", "--enterprise", holder.e2.enterprise.credit_code, "--year", "2025",
                 "-o", str(tmp_path / "b.pdf")]) == 1
    assert main(["report", "assets", "--park", holder.park_a.name, "--year", "2025", "-o", str(tmp_path / "c.pdf")]) == 1
    assert main(["report", "assets", "--enterprise", code, "--year", "2025", "-o", str(tmp_path / "a.odt")]) == 2
    with pytest.raises(MissingData):
        resolve(holder.park_a, holder.e2.enterprise, 2025)


def test_the_park_ledger_is_its_own_holder(holder):
    """The park's own ledger (enterprise None) has its statement too; only park staff read it."""
    from tests.ledger.conftest import cea, enter_approved

    park, officer = holder.park_a, holder.users["park_carbon_officer"]
    lot = cea(officer, park, None, 2025)
    enter_approved(officer, holder.users["park_admin"], park, None, kind="purchase", instrument=lot, date="2025-03-01",
                   quantity_t=10, price_yuan_per_t=70, counterparty="甲", trade_method="listed_agreement")
    record = resolve(park, None, 2025)
    assert isinstance(record, AssetStatementRecord) and record.scope_ids() == (park.pk, None)
    with translation.override("en"):
        html = to_html(build(record))
    assert "700.00" in html and "not a covered entity" in html
    kind = registry.get("assets")
    kind.check_access(officer, record)
    with pytest.raises(Http404):
        kind.check_access(holder.users["viewer"], record)
