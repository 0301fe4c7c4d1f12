"""Reports of park governance: the assessment checklist of an enterprise in an annual assessment round (report kind
``assessment_checklist``) and the admission screening report of a project application (kind ``screening``), in
DOCX and PDF, with the record's access, filing as a controlled document, and ``carbonms report``."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from carbonms.cli import main
from carbonms.governance import assessment, services, targets_link
from carbonms.governance import report as gov_report
from carbonms.management.documents import DocumentVersion
from carbonms.reports import registry
from carbonms.reports import services as report_services
from carbonms.reports.document import MissingData
from carbonms.reports.render import to_html
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.governance.test_admission import COAL, _budget, _data
from tests.governance.test_assessment import leading_group, officer, scheme  # noqa: F401  (fixtures)


@pytest.fixture
def published(world, officer, scheme, leading_group):  # noqa: F811
    """The 2025 round: E1 full points but B4 8 of 10 (note), E2 loses B1, B3 and B6; published."""
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    for a in rnd.assessments.select_related("enterprise"):
        scores, notes = {}, {}
        for s in a.scores.select_related("criterion"):
            c = s.criterion
            value = c.max_points
            if a.enterprise_id == world.e2.enterprise.pk and c.code in ("B1", "B3", "B6"):
                value = Decimal("0")
            if a.enterprise_id == world.e1.enterprise.pk and c.code == "B4":
                value, notes[str(c.pk)] = Decimal("8"), "履约迟交两天"
            scores[str(c.pk)] = value
        assessment.park_score(actor=officer, assessment=a, scores=scores, notes=notes)
    assessment.round_submit(actor=officer, round=rnd)
    return assessment.round_approve(actor=officer, round=rnd, approved_on=dt.date(2026, 1, 20))


def _rows(report):
    return [row for s in report.sections for b in s.blocks if hasattr(b, "rows") for row in b.rows]


def test_assessment_checklist_has_criteria_weights_scores_and_grade(world, published):
    a1 = published.assessments.get(enterprise=world.e1.enterprise)
    with translation.override("zh-hans"):
        report = gov_report.build_assessment(a1)
        html = to_html(report)
    assert report.outline() == ["一、企业与考核", "二、考核指标与得分", "三、评分规则", "四、考核结果"]
    assert report.draft_mark == ""
    rows = _rows(report)
    b4 = next(r for r in rows if r[0] == "B4")
    assert b4[3] == "10.0" and b4[-1] == "8.0"  # points (weight) and the score that counts
    total = next(r for r in rows if r[1] == "合计" or r[1] == "总分")
    assert total[3] == "100.0" and total[-1] == "98.0"
    assert "优秀" in html and "履约迟交两天" in html and world.e1.enterprise.credit_code in html
    a2 = published.assessments.get(enterprise=world.e2.enterprise)
    with translation.override("en"):
        html2 = to_html(gov_report.build_assessment(a2))
    assert "65.0 of 100.0 points" in html2 and "Pass" in html2


def test_an_unpublished_round_gives_a_draft_checklist(world, officer, scheme):  # noqa: F811
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    with translation.override("en"):
        report = gov_report.build_assessment(rnd.assessments.get(enterprise=world.e1.enterprise))
    assert report.draft_mark.startswith("Draft: the assessment is not published")


def test_checklist_download_and_filing_within_scope(world, published, client):
    a1 = published.assessments.get(enterprise=world.e1.enterprise)
    client.force_login(world.users["viewer"])
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        r = client.get(reverse("reports:download", args=["assessment_checklist", a1.pk, fmt]))
        assert r.status_code == 200 and r.content.startswith(magic)
    page = client.get(reverse("governance:assessment", args=[a1.pk])).content.decode()
    assert 'data-testid="report-assessment_checklist"' in page and 'data-testid="file-assessment_checklist"' not in page
    # E2's users and park B's officer: not found, reading or filing E1's checklist
    e2_admin = UserFactory(username="e2_admin")
    RoleAssignmentFactory(user=e2_admin, role="enterprise_admin", park=world.park_a, enterprise=world.e2.enterprise)
    other_park = UserFactory(username="b_officer")
    RoleAssignmentFactory(user=other_park, role="park_carbon_officer", park=world.park_b)
    for user in (e2_admin, other_park):
        client.force_login(user)
        assert client.get(reverse("reports:download", args=["assessment_checklist", a1.pk, "pdf"])).status_code == 404
        assert client.post(reverse("reports:file", args=["assessment_checklist", a1.pk])).status_code == 404
    assert not DocumentVersion.objects.exists()
    v = report_services.file_report(actor=world.users["enterprise_admin"], kind=registry.get("assessment_checklist"),
                                    obj=a1)
    assert v.document.identifier == "RPT-ASM-2025" and v.document.enterprise_id == world.e1.enterprise.pk


def test_checklist_command(world, published, tmp_path, capsys):
    out = tmp_path / "checklist.docx"
    code = world.e1.enterprise.credit_code
    assert main(["report", "assessment_checklist", "--enterprise", code, "--year", "2025", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"PK")
    assert main(["report", "assessment_checklist", "--enterprise", code, "--year", "2024", "-o", str(out)]) == 1
    assert "2024" in capsys.readouterr().err
    assert main(["report", "assessment_checklist", "--park", world.park_a.name, "--year", "2025", "-o", str(out)]) == 1


@pytest.fixture
def screened(world, officer, monkeypatch):  # noqa: F811
    monkeypatch.setattr(targets_link, "park_target", _budget("500000", allocated="400000", reserve="20000"))
    app = services.application_save(actor=officer, park=world.park_a, data=_data(
        industry_code="3011", products="水泥熟料", planned_activity=COAL, planned_output=Decimal("1200000"),
        benchmark="cement_clinker", renewable_share_pct=Decimal("0")))
    return services.application_screen(actor=officer, application=app)


def test_screening_report_holds_the_checklist_and_the_recommendation(world, screened):
    with translation.override("zh-hans"):
        report = gov_report.build_screening(screened)
        html = to_html(report)
    assert report.outline() == ["一、项目申请", "二、计划能耗与排放", "三、预审检查表", "四、委员会决定"]
    assert report.draft_mark  # the committee has not decided
    checks = {r[0]: r[1] for r in _rows(report) if len(r) == 3}
    assert checks["“两高”标识"] == "需关注" and checks["园区目标剩余空间和预留"] == "未通过"
    assert "100,000.0" in html and "预审建议：不予准入" in html and "水泥熟料" in html


def test_an_unscreened_application_has_no_report(world, officer):  # noqa: F811
    app = services.application_save(actor=officer, park=world.park_a, data=_data())
    with pytest.raises(MissingData) as exc:
        gov_report.build_screening(app)
    assert exc.value.name == "application.screening"


def test_screening_report_is_the_park_staffs(world, screened, client):
    url = reverse("reports:download", args=["screening", screened.pk, "pdf"])
    client.force_login(world.users["park_viewer"])
    r = client.get(url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    page = client.get(reverse("governance:application", args=[screened.pk])).content.decode()
    assert 'data-testid="report-screening"' in page
    client.force_login(world.users["enterprise_admin"])  # an enterprise of the park: applications are not its own
    assert client.get(url).status_code == 404
    other_park = UserFactory(username="b_officer")
    RoleAssignmentFactory(user=other_park, role="park_carbon_officer", park=world.park_b)
    client.force_login(other_park)
    assert client.get(url).status_code == 404
    assert client.post(reverse("reports:file", args=["screening", screened.pk])).status_code == 404
    v = report_services.file_report(actor=world.users["park_carbon_officer"], kind=registry.get("screening"),
                                    obj=screened)
    assert v.document.park_id == world.park_a.pk and v.document.enterprise_id is None
