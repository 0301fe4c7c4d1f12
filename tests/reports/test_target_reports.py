"""The target responsibility letter with the completion checklist (report kind ``targets``, Annex A of T/CSES and
T/CPQS): made from the enterprise's allocation of the park target and a year, in DOCX and PDF, downloaded with the
allocation's access, filed as a controlled document, and by ``carbonms report targets``."""
from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse
from django.utils import translation

from carbonms.cli import main
from carbonms.management.documents import DocumentVersion
from carbonms.performance import report as targets_report
from carbonms.performance import services
from carbonms.reports import registry
from carbonms.reports import services as report_services
from carbonms.reports.document import MissingData
from carbonms.reports.render import to_html
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.performance.conftest import enterprise_baseline, park, published_park_target  # noqa: F401  (fixture)


@pytest.fixture
def allocations(park):  # noqa: F811
    """P1 (1000 t → 800 t by 2030, reserve 40) allocated to E1 (accepted, letter ZR-7) and E2 (issued only)."""
    w = park
    officer = w.users["park_carbon_officer"]
    pt = published_park_target(w)
    a1 = services.allocation_save(actor=officer, park_target=pt, enterprise=w.e1.enterprise,
                                  data={"method": "uniform", "baseline": enterprise_baseline(w, w.e1.enterprise, 600),
                                        "note": "统一降幅分解"})
    a2 = services.allocation_save(actor=officer, park_target=pt, enterprise=w.e2.enterprise,
                                  data={"method": "uniform", "baseline": enterprise_baseline(w, w.e2.enterprise, 400)})
    services.allocation_issue(actor=officer, allocation=a1)
    services.allocation_issue(actor=officer, allocation=a2)
    a1.refresh_from_db()
    services.allocation_accept(actor=w.ent_top, allocation=a1, letter_number="ZR-7")
    a1.refresh_from_db()
    a2.refresh_from_db()
    return a1, a2


def _text(report) -> str:
    return to_html(report)


def test_letter_and_checklist_of_the_accepted_allocation(park, allocations):  # noqa: F811
    a1, _a2 = allocations
    with translation.override("zh-hans"):
        report = targets_report.build(targets_report.resolve(park.park_a, park.e1.enterprise, 2025))
        html = _text(report)
    assert report.outline() == ["一、双方与依据", "二、企业目标", "三、双方责任", "四、考核与奖惩", "五、签署",
                                "附表：2025年目标和指标完成情况检查表"]
    assert report.draft_mark == ""
    assert "ZR-7" in html and park.e1.enterprise.credit_code in html and "P1" in html
    assert "456.00 tCO2e" in html  # allocated: 600 × 760 / 1000
    # the checklist of 2025: E1's park-counted 580 t against the milestone 576 t (600 → 456 linear from 2024)
    rows = targets_report.checklist_rows(park.e1.enterprise.pk, 2025)
    assert len(rows) == 1
    code, _title, _level, base, milestone, actual, progress, status = rows[0]
    assert code == a1.target.code and base == "2024: 600.00 tCO2e"
    assert milestone == "576.00 tCO2e" and actual == "580.00 tCO2e" and progress == "13.9 %"
    assert status == a1.target.progress.get(year=2025).get_status_display()


def test_an_issued_letter_is_a_draft_and_its_checklist_waits_for_acceptance(park, allocations):  # noqa: F811
    _a1, a2 = allocations
    with translation.override("en"):
        report = targets_report.build(targets_report.resolve(park.park_a, park.e2.enterprise, 2025))
        html = _text(report)
    assert report.draft_mark.startswith("Draft")
    assert "no published target for 2025 yet" in html


def test_missing_data_is_named(park, allocations):  # noqa: F811
    a1, _a2 = allocations
    with pytest.raises(MissingData) as exc:
        targets_report.resolve(park.park_a, None, 2025)
    assert exc.value.name == "enterprise"
    with pytest.raises(MissingData) as exc:
        targets_report.resolve(park.park_a, park.e1.enterprise, 2040)  # outside 2025–2030
    assert exc.value.name == "allocation"
    a1.report_year = 2019
    with pytest.raises(MissingData) as exc:
        targets_report.build(a1)
    assert exc.value.name == "year"


def test_download_in_both_formats_for_a_year_and_only_within_scope(park, allocations, client):  # noqa: F811
    a1, _a2 = allocations
    client.force_login(park.users["enterprise_admin"])
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        r = client.get(reverse("reports:download", args=["targets", a1.pk, fmt]) + "?year=2025")
        assert r.status_code == 200 and r.content.startswith(magic), r.content[:200]
        assert f"targets-{park.e1.enterprise.credit_code}-P1-2025.{fmt}" in r["Content-Disposition"]
    r = client.get(reverse("reports:download", args=["targets", a1.pk, "pdf"]) + "?year=2019")
    assert r.status_code == 409 and "year" in r.content.decode()
    # another enterprise's user: not found, for the download and for filing (a write with a foreign id)
    stranger = UserFactory(username="e2_admin")
    RoleAssignmentFactory(user=stranger, role="enterprise_admin", park=park.park_a, enterprise=park.e2.enterprise)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=["targets", a1.pk, "pdf"])).status_code == 404
    assert client.post(reverse("reports:file", args=["targets", a1.pk])).status_code == 404
    assert not DocumentVersion.objects.exists()


def test_filing_makes_a_draft_version_in_the_enterprise_system(park, allocations):  # noqa: F811
    a1, _a2 = allocations
    kind = registry.get("targets")
    v = report_services.file_report(actor=park.users["enterprise_admin"], kind=kind, obj=a1, fmt="pdf")
    assert v.status == DocumentVersion.Status.DRAFT and v.document.identifier == "RPT-TGT-P1"
    assert v.document.enterprise_id == park.e1.enterprise.pk
    v.file.open("rb")
    assert hashlib.sha256(v.file.read()).hexdigest() == v.sha256


def test_the_allocation_and_target_pages_offer_the_report(park, allocations, client):  # noqa: F811
    a1, _a2 = allocations
    client.force_login(park.users["enterprise_admin"])
    for url in (reverse("performance:allocation", args=[a1.pk]), reverse("performance:target", args=[a1.target_id])):
        html = client.get(url).content.decode()
        assert reverse("reports:download", args=["targets", a1.pk, "pdf"]) + "?year=2025" in html, url
        assert 'data-testid="file-targets"' in html
    client.force_login(park.users["viewer"])  # reads the letter, may not file it
    html = client.get(reverse("performance:allocation", args=[a1.pk])).content.decode()
    assert 'data-testid="report-targets"' in html and 'data-testid="file-targets"' not in html


def test_command_writes_the_letter_and_exits_1_without_an_allocation(park, allocations, tmp_path, capsys):  # noqa: F811
    code = park.e1.enterprise.credit_code
    out = tmp_path / "letter.pdf"
    assert main(["report", "targets", "--enterprise", code, "--year", "2025", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["report", "targets", "--enterprise", code, "--year", "2040", "-o", str(out)]) == 1
    assert "2040" in capsys.readouterr().err
    assert main(["report", "targets", "--park", park.park_a.name, "--year", "2025", "-o", str(out)]) == 1
    assert main(["report", "targets", "--enterprise", "X" * 18, "--year", "2025", "-o", str(out)]) == 2
