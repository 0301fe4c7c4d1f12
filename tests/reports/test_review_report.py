"""The carbon emission management system review report of T/CPQS Annex B (issue 15 item 2): six chapters filled
from the data for a park and for an enterprise, a clear refusal without the year's statement, downloads through the
carbon review's access, filing as a controlled document, the ``carbonms report review`` command."""
from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from carbonms.carbonreview import services as review_services
from carbonms.carbonreview.models import CarbonReview
from carbonms.cli import main
from carbonms.management.documents import DocumentVersion
from carbonms.management.system import System
from carbonms.reports import registry, review, services
from carbonms.reports.document import MissingData, fmt_t
from carbonms.reports.render import to_html

from .planning_data import make_statement, off_track_target, opportunity, park_years

ANNEX_B = ["第一章 评审事项说明", "第二章 产业园区基本情况", "第三章 产业园区碳排放管理情况", "第四章 产业园区碳排放状况分析",
           "第五章 碳排放目标指标完成情况", "第六章 评审建议"]


@pytest.fixture
def park_review(world):
    years = park_years(world)
    officer = world.users["park_carbon_officer"]
    r = review_services.review_create(actor=officer, system=System(world.park_a, None), year=2025,
                                      criteria="对照 T/CPQS 7.3.2 逐项评审")
    section = r.sections.get(key="g_drivers")
    review_services.section_save(actor=officer, section=section, findings="单位增加值排放高于预期，需加强能效分析",
                                 conclusion="improve")
    opportunity(world, "OPP-CHEAP", "余热回收", after=800, capex="100000", opex="-90000")
    opportunity(world, "OPP-DEAR", "光伏替代", after=950, capex="900000", opex="0")
    off_track_target(world, years[2025])
    return r


def _text(report) -> str:
    return to_html(report)


def test_park_report_has_the_six_chapters_of_annex_b_filled_from_the_data(world, park_review):
    with translation.override("zh-hans"):
        report = review.build(park_review)
        html = _text(report)
    assert report.outline() == ANNEX_B
    assert "一、评审目的" in html and "四、评审范围和内容" in html and "三、能源消耗情况" in html  # parts as in Annex B
    assert fmt_t(1500.0) in html and "2024" in html  # the statement of record and the trend
    assert world.e1.enterprise.name in html  # main enterprises by emissions
    assert "单位增加值排放高于预期" in html  # an item concluded "needs improvement" is a problem
    assert "P-1 园区2030年排放下降" in html  # the target against its milestone (chapter 5)
    assert html.index("OPP-CHEAP") < html.index("OPP-DEAR")  # recommendations: the cheapest opportunity first
    assert "对照 T/CPQS 7.3.2 逐项评审" in html  # the review's criteria in chapter 1
    assert report.draft_mark  # the review is a draft: the report says so on every page


def test_chapter_six_lists_the_off_track_target_and_open_nonconformities(world, park_review):
    from carbonms.audits.models import Nonconformity

    Nonconformity.objects.create(park=world.park_a, number="NC-7", title="计量器具未按期检定", source="audit",
                                 description="x")
    with translation.override("en"):
        report = review.build(park_review)
    problems = [str(c) for b in report.sections[5].blocks if hasattr(b, "rows") for row in b.rows for c in row]
    assert any("Target P-1" in p and "1,500.00" in p for p in problems)
    assert any("NC-7" in p for p in problems)
    assert report.outline()[0] == "Chapter 1 About this review"


def test_enterprise_variant_adapts_the_chapters(world, park_review):
    ent = world.e1.enterprise
    r = review_services.review_create(actor=world.users["enterprise_admin"], system=System(world.park_a, ent), year=2025)
    with translation.override("zh-hans"):
        report = review.build(r)
        html = _text(report)
    assert report.outline() == ["第一章 评审事项说明", "第二章 企业基本情况", "第三章 企业碳排放管理情况",
                                "第四章 企业碳排放状况分析", "第五章 碳排放目标指标完成情况", "第六章 评审建议"]
    assert ent.credit_code in html and fmt_t(1050.0) in html
    assert "OPP-CHEAP" not in html  # the park's opportunities are not the enterprise's


def test_no_statement_of_the_year_is_refused_by_name(world):
    make_statement(world, year=2024, gross=100.0)
    r = review_services.review_create(actor=world.users["park_carbon_officer"], system=System(world.park_a, None),
                                      year=2025)
    with pytest.raises(MissingData) as exc:
        review.build(r)
    assert exc.value.name == "statement"


def test_command_exit_codes(world, park_review, tmp_path, capsys):
    out = tmp_path / "review.pdf"
    assert main(["report", "review", "--park", world.park_a.name, "--year", "2025", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    docx = tmp_path / "review.docx"
    assert main(["report", "review", "--park", world.park_a.name, "--year", "2025", "-o", str(docx), "--lang", "en"]) == 0
    assert docx.read_bytes().startswith(b"PK")
    capsys.readouterr()
    assert main(["report", "review", "--park", world.park_a.name, "--year", "2023", "-o", str(out)]) == 1
    assert "没有 2023 年度的碳评审" in capsys.readouterr().err
    review_services.review_create(actor=world.users["park_carbon_officer"], system=System(world.park_a, None), year=2023)
    assert main(["report", "review", "--park", world.park_a.name, "--year", "2023", "-o", str(out)]) == 1
    assert "没有 2023 年度已批准的清单声明" in capsys.readouterr().err
    assert main(["report", "review", "--park", "不存在的园区", "--year", "2025", "-o", str(out)]) == 2


def test_resolve_prefers_the_approved_version(world, park_review):
    assert review.resolve(world.park_a, None, 2025) == park_review
    CarbonReview.objects.filter(pk=park_review.pk).update(status="approved")
    approved = CarbonReview.objects.get(pk=park_review.pk)
    assert not review.build(approved).draft_mark


def test_download_in_both_formats_only_within_scope_and_buttons_on_the_review_page(world, park_review, client):
    client.force_login(world.users["park_carbon_officer"])
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        r = client.get(reverse("reports:download", args=["review", park_review.pk, fmt]))
        assert r.status_code == 200 and r.content.startswith(magic)
    page = client.get(park_review.get_absolute_url()).content.decode()
    assert 'data-testid="review-report"' in page and 'data-testid="review-report-file"' in page
    client.force_login(world.users["park_viewer"])
    page = client.get(park_review.get_absolute_url()).content.decode()
    assert 'data-testid="review-report"' in page and 'data-testid="review-report-file"' not in page
    from tests.factories import RoleAssignmentFactory, UserFactory

    stranger = UserFactory(username="park_b_officer")
    RoleAssignmentFactory(user=stranger, role="park_carbon_officer", park=world.park_b)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=["review", park_review.pk, "pdf"])).status_code == 404
    assert client.post(reverse("reports:file", args=["review", park_review.pk])).status_code == 404
    client.force_login(world.users["enterprise_admin"])  # an enterprise's user does not read the park's own review
    assert client.get(reverse("reports:download", args=["review", park_review.pk, "docx"])).status_code == 404


def test_filing_makes_a_draft_version_with_its_hash(world, park_review):
    kind = registry.get("review")
    v = services.file_report(actor=world.users["park_carbon_officer"], kind=kind, obj=park_review, fmt="pdf")
    assert v.status == DocumentVersion.Status.DRAFT and v.document.identifier == "RPT-REV-2025"
    assert v.document.enterprise_id is None and v.document.park_id == world.park_a.pk
    v.file.open("rb")
    assert hashlib.sha256(v.file.read()).hexdigest() == v.sha256
    with pytest.raises(PermissionDenied):
        services.file_report(actor=world.users["park_viewer"], kind=kind, obj=park_review)
