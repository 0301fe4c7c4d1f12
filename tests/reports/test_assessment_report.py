"""The carbon assessment report of T/CSES 6.3.1 c) (issue 15 item 2): opportunities ranked by abatement cost, the
emission trend over the statements of record, the peak and neutrality pathway of the scenarios; for a park and for
an enterprise; a clear refusal without an approved statement; downloads through the statement's access; filing."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from carbonms.abatement.models import Opportunity
from carbonms.cli import main
from carbonms.management.documents import DocumentVersion
from carbonms.reports import assessment, registry, services
from carbonms.reports.document import MissingData, fmt_t
from carbonms.reports.render import to_html

from .planning_data import make_statement, opportunity, park_years, scenario


@pytest.fixture
def park_statement(world):
    years = park_years(world)
    opportunity(world, "OPP-CHEAP", "余热回收", after=800, capex="100000", opex="-90000")
    opportunity(world, "OPP-DEAR", "光伏替代", after=950, capex="900000", opex="0")
    opportunity(world, "OPP-E1", "电机变频", after=900, capex="50000", opex="-1000", enterprise=world.e1.enterprise)
    scenario(world, "基准情景", "bau", "2", "-1")
    scenario(world, "强化情景", "enhanced", "1", "-6")
    return years[2025]


def test_park_report_ranks_opportunities_shows_the_trend_and_the_pathway(world, park_statement):
    with translation.override("zh-hans"):
        report = assessment.build(park_statement)
        html = to_html(report)
    assert report.outline() == ["一、评估依据", "二、按减排成本排序的减排机会", "三、碳排放趋势", "四、碳达峰与碳中和路径",
                                "五、评估结论"]
    ranked = [o.code for o in Opportunity.objects.order_by("cost_per_t")]
    positions = [html.index(code) for code in ranked]
    assert positions == sorted(positions) and "OPP-E1" in html  # the park's assessment ranks its enterprises' too
    assert fmt_t(1500.0) in html and fmt_t(1450.0) in html and "-3.3 %" in html  # 2024 → 2025 in the trend
    assert "基准情景" in html and "强化情景" in html and "达峰" in html


def test_the_pathway_gives_each_scenarios_peak_year(world, park_statement):
    from carbonms.abatement.selectors import record_pathway
    from carbonms.management.system import System

    with translation.override("en"):
        report = assessment.build(park_statement)
    data = record_pathway(System(world.park_a, None))
    table = next(b for b in report.sections[3].blocks if hasattr(b, "rows"))
    by_name = {row[0]: row for row in table.rows}
    for r in data["scenarios"]:
        assert by_name[r["scenario"].name][4] == r["peak"]["year"]
    assert by_name["强化情景"][4] == 2024  # falling already: the peak is the highest year of record
    assert by_name["基准情景"][4] > 2025  # still growing under business as usual


def test_enterprise_report_reads_its_own_records_only(world, park_statement):
    from carbonms.inventory.statements import official_statement

    st = official_statement(park=world.park_a, year=2025, enterprise=world.e1.enterprise)
    with translation.override("en"):
        report = assessment.build(st)
        html = to_html(report)
    assert "OPP-E1" in html and "OPP-CHEAP" not in html
    assert "No pathway scenario is defined" in html  # said, not left blank
    assert fmt_t(1050.0) in html and "5.0 %" in html  # 1,000 → 1,050


def test_a_draft_statement_has_no_assessment(world):
    st = make_statement(world, year=2025, gross=10.0, status="draft")
    with pytest.raises(MissingData) as exc:
        assessment.build(st)
    assert exc.value.name == "statement.status"


def test_command_exit_codes(world, park_statement, tmp_path, capsys):
    out = tmp_path / "a.pdf"
    assert main(["report", "assessment", "--park", world.park_a.name, "--year", "2025", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    code = world.e1.enterprise.credit_code
    docx = tmp_path / "a.docx"
    assert main(["report", "assessment", "--enterprise", code, "--year", "2025", "-o", str(docx)]) == 0
    assert docx.read_bytes().startswith(b"PK")
    capsys.readouterr()
    assert main(["report", "assessment", "--enterprise", code, "--year", "2023", "-o", str(docx)]) == 1
    assert "没有 2023 年度已批准的清单声明" in capsys.readouterr().err
    assert main(["report", "assessment", "--park", world.park_a.name, "--year", "2025", "-o", str(tmp_path / "a.xlsx")]) == 2


def test_download_only_within_scope_buttons_and_filing(world, park_statement, client):
    from carbonms.inventory.statements import official_statement

    st = official_statement(park=world.park_a, year=2025, enterprise=world.e1.enterprise)
    client.force_login(world.users["data_clerk"])
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        r = client.get(reverse("reports:download", args=["assessment", st.pk, fmt]))
        assert r.status_code == 200 and r.content.startswith(magic)
    page = client.get(st.get_absolute_url()).content.decode()
    assert 'data-testid="assessment-report"' in page
    client.force_login(world.users["enterprise_admin"])
    assert 'data-testid="assessment-report-file"' in client.get(st.get_absolute_url()).content.decode()
    from tests.factories import RoleAssignmentFactory, UserFactory

    stranger = UserFactory(username="e2_clerk")
    RoleAssignmentFactory(user=stranger, role="data_clerk", park=world.park_a, enterprise=world.e2.enterprise)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=["assessment", st.pk, "pdf"])).status_code == 404
    assert client.post(reverse("reports:file", args=["assessment", st.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=["assessment", park_statement.pk, "pdf"])).status_code == 404
    kind = registry.get("assessment")
    v = services.file_report(actor=world.users["enterprise_admin"], kind=kind, obj=st)
    assert v.status == DocumentVersion.Status.DRAFT and v.document.identifier == "RPT-ASM-2025"
    assert v.document.enterprise_id == world.e1.enterprise.pk
    with pytest.raises(PermissionDenied):
        services.file_report(actor=world.users["viewer"], kind=kind, obj=st)
