"""Exports of audits and management reviews (DOCX), stored with their SHA-256."""
from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from docx import Document as Docx


def _table(doc, headers, rows):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for i, h in enumerate(headers):
        t.rows[0].cells[i].text = str(h)
    for r in rows:
        cells = t.add_row().cells
        for i, v in enumerate(r):
            cells[i].text = "" if v is None else str(v)


def _store(obj, field: str, hash_field: str, doc, name: str) -> None:
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    setattr(obj, hash_field, hashlib.sha256(data).hexdigest())
    getattr(obj, field).save(name, ContentFile(data), save=False)
    obj.save()


def audit_docx(audit):
    doc = Docx()
    doc.add_heading(f"审核报告：{audit.title}", level=1)
    owner = audit.enterprise.name if audit.enterprise_id else audit.park.name
    doc.add_paragraph(f"受审核方：{owner}　类型：{audit.get_kind_display()}　准则：{audit.standard}")
    doc.add_paragraph(f"日期：{audit.planned_start:%Y-%m-%d} — {audit.planned_end:%Y-%m-%d}　报告日期：{audit.reported_on or ''}")
    doc.add_paragraph("审核组：" + "、".join(str(u) for u in [audit.lead, *audit.team.exclude(pk=audit.lead_id)] if u)
                      + (f"（{audit.external_body}）" if audit.external_body else ""))
    doc.add_paragraph("审核范围：" + ("、".join(str(a) for a in audit.areas.all()) or "—") + f"  {audit.scope}")
    doc.add_heading("一、概述", level=2)
    doc.add_paragraph(audit.overview or audit.objective)
    doc.add_heading("二、不符合项与发现", level=2)
    _table(doc, ["类型", "条款", "发现", "证据"], [
        (f.get_kind_display(), f.item.number if f.item_id else "", f.description,
         f.evidence + (f"（{f.evidence_version}）" if f.evidence_version_id else ""))
        for f in audit.findings.select_related("item", "evidence_version__document")
    ])
    doc.add_heading("三、检查表汇总", level=2)
    counts = {}
    for item in audit.checklist.all():
        counts[item.get_result_display()] = counts.get(item.get_result_display(), 0) + 1
    _table(doc, ["结果", "条款数"], sorted(counts.items()))
    doc.add_heading("四、审核结论", level=2)
    doc.add_paragraph(audit.conclusion)
    return doc


def store_audit_report(audit) -> None:
    _store(audit, "report_file", "report_sha256", audit_docx(audit), f"audit-{audit.pk}-report.docx")


def review_docx(review):
    from .inputs import SECTIONS
    from .selectors import input_rows

    doc = Docx()
    doc.add_heading(f"管理评审记录：{review.title}", level=1)
    doc.add_paragraph(f"日期：{review.held_on:%Y-%m-%d}　主持：{review.chair or ''}")
    doc.add_paragraph(f"参加人员：{review.attendees}")
    doc.add_heading("一、评审输入（系统实时数据汇总）", level=2)
    for key, label in SECTIONS:
        doc.add_heading(label, level=3)
        for k, v in input_rows(review.inputs.get(key, {})):
            doc.add_paragraph(f"{k}：{v}")
    doc.add_heading("二、评审讨论与结论", level=2)
    doc.add_paragraph(review.minutes)
    doc.add_heading("三、评审输出（决定与措施）", level=2)
    _table(doc, ["类别", "决定", "负责人", "期限", "完成"], [
        (o.get_category_display(), o.decision, o.owner or "", o.due_on or "", o.done_on or "")
        for o in review.outputs.select_related("owner")
    ])
    return doc


def store_review_record(review) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):  # the record is an official Chinese document, whoever holds the review
        _store(review, "record_file", "record_sha256", review_docx(review), f"review-{review.pk}-record.docx")
