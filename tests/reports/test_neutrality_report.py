"""The carbon-neutrality evaluation report (T/CIECCPA 061 8.4.6 a)–j); issue 15 item 2): the ten sections and the
declaration from a claim, a claim the third party has not determined only as a draft marked on every page,
downloads with the claim's access, filing as a controlled document, the command."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from carbonms.cli import main
from carbonms.compliance import report, services
from carbonms.management import models as m
from carbonms.management.documents import DocumentVersion
from carbonms.reports import registry
from carbonms.reports import services as reports
from carbonms.reports.document import MissingData
from carbonms.reports.render import to_docx, to_html
from tests.compliance.test_neutrality import _cancel

pytestmark = pytest.mark.django_db

SECTIONS = ["a) 评价目的、范围及准则", "b) 审核过程和方法（核查组安排、文件审核、现场访问）", "c) 组织基本信息",
            "d) 组织边界、核算边界和碳排放单元与排放设备", "e) 碳排放量方法核算符合性", "f) 测量设备校准的符合性",
            "g) 碳排放量计算过程及数据", "h) 监测计划的核查", "i) 碳资产的核查", "j) 碳中和核查结论", "声明"]


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode() + "".join(
            z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))


def _determine_and_declare(cw):
    w = cw["w"]
    _cancel(cw, cw["bought"], 400)
    _cancel(cw, cw["sink"], 600, "CN-F-000001", "CN-F-000600")
    claim = services.claim_assess(actor=w.users["enterprise_admin"], claim=cw["claim"])
    claim = services.claim_determine(actor=w.users["external_verifier"], claim=claim, conclusion="achieved",
                                     determined_on=dt.date(2026, 4, 1), body="中质协认证中心", notes="文件评审与现场访问")
    m.Appointment.objects.create(park=w.park_a, enterprise=cw["org"].enterprise, role="top_management", person=w.users["reviewer"])
    return services.claim_declare(actor=w.users["reviewer"], claim=claim, maintained_until=dt.date(2026, 12, 31))


def test_a_claim_not_determined_is_only_a_draft_marked_on_every_page(claim_world):
    cw = claim_world
    _cancel(cw, cw["bought"], 400)
    with translation.override("zh-hans"):
        doc = report.build(cw["claim"])
        html = to_html(doc)
        docx = _docx_text(to_docx(doc))
    assert doc.outline() == SECTIONS
    mark = "草稿 · 尚未经第三方判定（T/CIECCPA 8.4.4–8.4.5）"
    assert doc.draft_mark == mark
    assert f'@top-center {{ content: "{mark}"' in html and html.count(mark) >= 2  # every PDF page and the cover
    assert mark in docx  # the footer of every DOCX page
    assert "尚未自评" in html and "声明尚未经最高管理者批准" in html
    # i): the cancellation with its lot counted in tier 1; g): emissions of the statement of record
    assert "400.00" in html and "1,000.00" in html


def test_a_determined_and_declared_claim_has_every_section_and_the_declaration(claim_world):
    claim = _determine_and_declare(claim_world)
    with translation.override("zh-hans"):
        doc = report.build(claim)
        html = to_html(doc)
    assert doc.draft_mark == "" and doc.outline() == SECTIONS and "草稿 · " not in html
    assert "中质协认证中心" in html and "文件评审与现场访问" in html and "2026-04-01" in html  # b) the third party
    assert claim.enterprise.credit_code in html  # c)
    assert "CN-F-000001–CN-F-000600" in html and "ZX-1" in html  # i) certificate and serials
    assert "实现碳中和" in html and "2026-12-31" in html  # j) and the declaration
    assert f"{claim.enterprise.name} 声明其 2025 年度实现碳中和" in html
    with translation.override("en"):
        en = report.build(claim)
    assert en.outline()[0].startswith("a) Purpose") and en.outline()[-1] == "Declaration"


def test_download_in_both_formats_only_within_the_claims_scope(claim_world, client):
    claim = claim_world["claim"]
    w = claim_world["w"]
    client.force_login(w.users["viewer"])
    page = client.get(claim.get_absolute_url()).content.decode()
    assert reverse("reports:download", args=["neutrality", claim.pk, "pdf"]) in page
    assert reverse("reports:file", args=["neutrality", claim.pk]) not in page  # a viewer may not file
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        r = client.get(reverse("reports:download", args=["neutrality", claim.pk, fmt]))
        assert r.status_code == 200 and r.content.startswith(magic)
        assert f"neutrality-report-{claim.enterprise.credit_code}-2025.{fmt}" in r["Content-Disposition"]
    assert client.get(reverse("reports:download", args=["neutrality", claim.pk, "xlsx"])).status_code == 404
    from tests.factories import RoleAssignmentFactory, UserFactory

    stranger = UserFactory(username="other_clerk")
    RoleAssignmentFactory(user=stranger, role="enterprise_admin", park=w.park_a, enterprise=w.e2.enterprise)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=["neutrality", claim.pk, "pdf"])).status_code == 404
    assert client.post(reverse("reports:file", args=["neutrality", claim.pk])).status_code == 404


def test_filing_makes_a_draft_version_with_its_hash(claim_world, client):
    claim, w = claim_world["claim"], claim_world["w"]
    client.force_login(w.users["enterprise_admin"])
    assert reverse("reports:file", args=["neutrality", claim.pk]) in client.get(claim.get_absolute_url()).content.decode()
    assert client.post(reverse("reports:file", args=["neutrality", claim.pk]), {"format": "pdf"}).status_code == 302
    v = DocumentVersion.objects.get(document__identifier="RPT-CN-2025")
    assert v.status == DocumentVersion.Status.DRAFT and v.document.enterprise_id == claim.enterprise_id
    v.file.open("rb")
    data = v.file.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == v.sha256
    name, _data = reports.render_report(actor=w.users["viewer"], kind=registry.get("neutrality"), obj=claim, fmt="docx")
    assert name.endswith(".docx")


def test_command_writes_the_report_and_refuses_without_a_claim(claim_world, tmp_path, capsys):
    w = claim_world["w"]
    code = w.e1.enterprise.credit_code
    out = tmp_path / "cn.pdf"
    assert main(["report", "neutrality", "--enterprise", code, "--year", "2025", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["report", "neutrality", "--enterprise", code, "--year", "2025", "-o", str(tmp_path / "cn.docx")]) == 0
    capsys.readouterr()
    assert main(["report", "neutrality", "--enterprise", code, "--year", "2024", "-o", str(out)]) == 1
    assert "没有 2024 年度的碳中和声明" in capsys.readouterr().err
    assert main(["report", "neutrality", "--park", w.park_a.name, "--year", "2025", "-o", str(out)]) == 1
    assert "请指定企业" in capsys.readouterr().err
    assert main(["report", "neutrality", "--enterprise", code, "--year", "2025", "-o", str(tmp_path / "cn.xlsx")]) == 2
    with pytest.raises(MissingData):
        report.resolve(w.park_a, w.e2.enterprise, 2025)
