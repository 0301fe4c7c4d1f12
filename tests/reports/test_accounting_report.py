"""The carbon accounting report of a statement (issue 15 item 2): its chapters from the statement, a clear refusal
without an approved statement, downloads through the statement's access, filing as a controlled document, the
``carbonms report`` command."""
from __future__ import annotations

import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from carbonms.cli import main
from carbonms.inventory import statements
from carbonms.management.documents import DocumentVersion
from carbonms.reports import accounting, registry, services
from carbonms.reports.document import MissingData, fmt_t
from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory, SourceFactory
from tests.inventory.test_statements import make_run


@pytest.fixture
def statement(world):
    e1 = world.e1.enterprise
    coal = SourceFactory(enterprise=e1, code="B01")
    power = ElectricitySourceFactory(enterprise=e1, code="E01")
    for m in range(1, 13):
        ActivityRecordFactory(source=coal, year=2025, month=m, amount=Decimal("100.125") + m)
        ActivityRecordFactory(source=power, year=2025, month=m, amount=Decimal("1000.3"))
    st = statements.statement_create(actor=world.users["park_carbon_officer"], run=make_run(world, e1))
    return st


def approve(world, st):
    return statements.statement_approve(actor=world.users["reviewer"], statement=st)


def test_report_has_the_guideline_chapters_and_the_statement_figures(world, statement):
    st = approve(world, statement)
    with translation.override("zh-hans"):
        report = accounting.build(st)
    assert report.outline() == ["一、基本情况", "二、核算边界", "三、温室气体排放量", "四、活动数据及来源", "五、排放因子及来源",
                                "六、核算方法及选择理由", "七、边界变化与重新计算", "八、数据质量与不确定性"]
    from carbonms.reports.render import to_html

    html = to_html(report)
    assert fmt_t(st.totals["gross"]) in html and st.enterprise.credit_code in html
    assert "B01" in html and "E01" in html  # activity data by source
    name, sha = report.attachments[0]
    _name, data = accounting.reperformance_file(st)
    assert sha == hashlib.sha256(data).hexdigest() and name.endswith("-2025.csv")


def test_a_draft_statement_has_no_report(world, statement):
    with pytest.raises(MissingData) as exc:
        accounting.build(statement)
    assert exc.value.name == "statement.status"


def test_download_in_both_formats_and_only_within_scope(world, statement, client):
    st = approve(world, statement)
    client.force_login(world.users["data_clerk"])
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        r = client.get(reverse("reports:download", args=["accounting", st.pk, fmt]))
        assert r.status_code == 200 and r.content.startswith(magic)
        assert "attachment" in r["Content-Disposition"]
    r = client.get(reverse("reports:download", args=["accounting", st.pk, "pdf+zip"]))
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(n.rsplit(".", 1)[1] for n in z.namelist()) == ["csv", "pdf"]
    other = world.e2.enterprise
    from tests.factories import RoleAssignmentFactory, UserFactory

    stranger = UserFactory(username="other_clerk")
    RoleAssignmentFactory(user=stranger, role="data_clerk", park=world.park_a, enterprise=other)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=["accounting", st.pk, "pdf"])).status_code == 404
    assert client.post(reverse("reports:file", args=["accounting", st.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=["nonsense", st.pk, "pdf"])).status_code == 404


def test_draft_download_answers_409_with_the_reason(world, statement, client):
    client.force_login(world.users["enterprise_admin"])
    r = client.get(reverse("reports:download", args=["accounting", statement.pk, "pdf"]))
    assert r.status_code == 409 and "statement.status" in r.content.decode()


def test_filing_makes_a_draft_version_with_its_hash(world, statement):
    st = approve(world, statement)
    kind = registry.get("accounting")
    v1 = services.file_report(actor=world.users["enterprise_admin"], kind=kind, obj=st)
    v2 = services.file_report(actor=world.users["enterprise_admin"], kind=kind, obj=st, fmt="pdf")
    assert (v1.version, v2.version) == ("1", "2") and v1.document_id == v2.document_id
    assert v1.status == DocumentVersion.Status.DRAFT and v1.document.identifier == "RPT-ACC-2025"
    assert v1.document.enterprise_id == st.enterprise_id
    v2.file.open("rb")
    assert hashlib.sha256(v2.file.read()).hexdigest() == v2.sha256
    with pytest.raises(PermissionDenied):  # a viewer may download but not file
        services.file_report(actor=world.users["viewer"], kind=kind, obj=st)
    with pytest.raises(ValidationError):
        services.render_report(actor=world.users["viewer"], kind=kind, obj=st, fmt="xlsx")


def test_command_writes_the_report_and_its_reperformance_file(world, statement, tmp_path, capsys):
    code = statement.enterprise.credit_code
    out = tmp_path / "acc.docx"
    assert main(["report", "accounting", "--enterprise", code, "--year", "2025", "-o", str(out)]) == 1  # draft only
    assert "没有 2025 年度已批准的清单声明" in capsys.readouterr().err
    approve(world, statement)
    assert main(["report", "accounting", "--enterprise", code, "--year", "2025", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"PK") and (tmp_path / f"reperform-{code}-2025.csv").exists()
    assert main(["report", "accounting", "--enterprise", code, "--year", "2025", "-o", str(tmp_path / "a.odt")]) == 2
    assert main(["report", "accounting", "--enterprise", "X" * 18, "--year", "2025", "-o", str(out)]) == 2


def test_boundary_changes_are_explained_in_the_report(world, statement):
    """T/CIECCPA 8.2.2.8: a change of the accounting boundary is explained in the accounting report."""
    import datetime as dt

    from carbonms.organizations.models import Boundary

    st = approve(world, statement)
    Boundary.objects.create(park=world.park_a, enterprise=st.enterprise, kind=Boundary.Kind.ACCOUNTING,
                            approach=Boundary.Approach.OPERATIONAL, description="东区厂区纳入核算边界",
                            effective_from=dt.date(2026, 1, 1), change_reason="东区厂区投产")
    with translation.override("zh-hans"):
        report = accounting.build(st)
    chapter = report.sections[6]
    rows = [row for block in chapter.blocks if hasattr(block, "rows") for row in block.rows]
    assert any("东区厂区投产" in str(cell) for row in rows for cell in row)


def test_evidence_pack_holds_the_statement_its_reperformance_file_and_its_evidence(world, statement):
    from django.core.files.base import ContentFile
    from openpyxl import load_workbook

    from carbonms.carbondata.models import ActivityRecord, Evidence
    from carbonms.conformity.pack import build_pack
    from carbonms.management.system import System

    st = approve(world, statement)
    record = ActivityRecord.objects.filter(enterprise=st.enterprise, year=2025, month=3, is_current=True).first()
    data = b"%PDF-1.4 invoice of March"
    ev = Evidence(enterprise=st.enterprise, activity=record, kind="invoice", original_name="发票-2025-03.pdf",
                  sha256=hashlib.sha256(data).hexdigest(), uploaded_by=world.users["data_clerk"])
    ev.file.save("x.pdf", ContentFile(data), save=False)
    ev.save()
    z = zipfile.ZipFile(io.BytesIO(build_pack(System(st.park, st.enterprise), "t-cieccpa-061-2023")))
    names = z.namelist()
    assert "statement-2025/statement.json" in names and "statement-2025/accounting-report-2025.docx" in names
    assert z.read("statement-2025/reperform-2025.csv") == accounting.reperformance_file(st)[1]
    entry = next(n for n in names if n.startswith("statement-2025-evidence/"))
    assert z.read(entry) == data
    sheet = load_workbook(io.BytesIO(z.read("conformity.xlsx")))["证据文件"]
    assert [entry, ev.sha256] in [[c.value for c in row] for row in sheet.iter_rows()]
