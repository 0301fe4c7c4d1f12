"""Starting drafts of the documents listed in Annex A of T/CSES and T/CPQS, filled with the system's
data and stored as a new draft version of a controlled document (DOCX, with its hash)."""
from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from docx import Document as Docx

from . import services
from .documents import Document
from .models import Appointment, ComplianceEvaluation, ComplianceObligation, InterestedParty

TEMPLATES = {
    "parties": {"title": _("Interested-parties directory"), "identifier": "MS-R-01", "name": "相关方名录"},
    "responsibility": {"title": _("Target responsibility letter"), "identifier": "MS-R-02", "name": "目标责任书"},
    "compliance": {"title": _("Compliance-evaluation report"), "identifier": "MS-R-03", "name": "合规性评价报告"},
}


def _table(doc, headers, rows):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for i, h in enumerate(headers):
        t.rows[0].cells[i].text = str(h)
    for r in rows:
        cells = t.add_row().cells
        for i, v in enumerate(r):
            cells[i].text = "" if v is None else str(v)
    return t


def render(system, key: str) -> bytes:
    spec = TEMPLATES[key]
    doc = Docx()
    doc.add_heading(f"{system.name} {spec['name']}", level=1)
    doc.add_paragraph(f"编制日期：{timezone.localdate():%Y-%m-%d}（由 CarbonMS 依据系统数据生成的初稿）")
    if key == "parties":
        rows = [(p.name, p.get_kind_display(), p.channel, p.needs, "是" if p.adopted else "否")
                for p in system.filter(InterestedParty.objects.all())]
        _table(doc, ["相关方", "类别", "信息渠道", "需求和期望", "是否转化为合规义务"], rows)
    elif key == "responsibility":
        for a in system.filter(Appointment.objects.select_related("person", "unit")):
            doc.add_heading(f"{a.get_role_display()}：{a.person}", level=2)
            doc.add_paragraph(f"所在机构：{a.unit or '—'}")
            doc.add_paragraph(f"职责与目标责任：{a.duties or '（待填写）'}")
        doc.add_paragraph("责任目标、考核方式与奖惩：（待填写）")
        doc.add_paragraph("签字：________________    日期：________________")
    else:
        rows = []
        for ob in system.filter(ComplianceObligation.objects.filter(applicable=True)):
            ev = ComplianceEvaluation.objects.filter(obligation=ob).order_by("-evaluated_on").first()
            rows.append((ob.title, ob.reference, ev.evaluated_on if ev else "未评价", ev.get_result_display() if ev else "—",
                         ev.findings if ev else "", ev.follow_up if ev else ""))
        _table(doc, ["合规义务", "文号", "评价日期", "结论", "发现", "后续措施"], rows)
        doc.add_paragraph("评价结论：（待填写）")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def generate_draft(*, actor, system, key: str):
    spec = TEMPLATES[key]
    park, ent = system.park, system.enterprise
    document = system.filter(Document.objects.filter(identifier=spec["identifier"])).first()
    if document is None:
        document = services.document_save(actor=actor, park=park, enterprise=ent, data={
            "identifier": spec["identifier"], "title": spec["name"], "kind": Document.Kind.RECORD, "retention_years": 5,
        })
    n = document.versions.count() + 1
    content = ContentFile(render(system, key), name=f"{spec['identifier']}-{n}.docx")
    return services.version_add(actor=actor, document=document, version=f"{n}.0", file=content,
                                change_note=str(_("Generated from the system's data")))
