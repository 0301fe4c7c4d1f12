"""The evidence pack an auditor asks for: a ZIP with the clause-by-clause conformity workbook and the
evidence files (documents in force, audit reports, management review records), with their hashes."""
from __future__ import annotations

import hashlib
import io
import zipfile

from django.utils import timezone
from openpyxl import Workbook

from carbonms.audits.models import Audit, ManagementReview
from carbonms.common.spreadsheet import safe_row
from carbonms.management.documents import DocumentVersion
from carbonms.management.models import Policy

from .checks import standard_conformity

STATUS_ZH = {"ok": "符合", "warn": "部分符合", "fail": "不符合", "na": "不适用（其他模块评价）"}


def build_pack(system, std_id: str) -> bytes:
    result = standard_conformity(system, std_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "条款符合性"
    ws.append(safe_row([system.name, result["std"].code, f"自评得分 {result['score']}", timezone.localdate().isoformat()]))
    ws.append(["条款", "标题", "状态", "依据", "证据链接"])
    for r in result["rows"]:
        c = r["clause"]
        ws.append(safe_row([c.number, c.title_zh or c.title_en, STATUS_ZH[r["status"]],
                            "\n".join(ch.text for _t, ch in r["checks"]),
                            "\n".join(url for _t, ch in r["checks"] for _l, url in ch.links)]))
    files = wb.create_sheet("证据文件")
    files.append(["文件", "SHA-256"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        def add(name: str, data: bytes, digest: str | None = None):
            z.writestr(name, data)
            files.append(safe_row([name, digest or hashlib.sha256(data).hexdigest()]))

        policy = system.filter(Policy.objects.filter(status="approved")).first()
        if policy:
            add(f"policy/v{policy.version}.txt", f"{policy.title}\n\n{policy.text}".encode())
        for v in system.filter(DocumentVersion.objects.filter(status="in_force").select_related("document")):
            if v.file:
                with v.file.open("rb") as fh:
                    add(f"documents/{v.document.identifier}-v{v.version}-{v.file.name.rsplit('/', 1)[-1]}", fh.read(), v.sha256)
        for a in system.filter(Audit.objects.exclude(report_file="")):
            with a.report_file.open("rb") as fh:
                add(f"audits/{a.pk}-{a.report_file.name.rsplit('/', 1)[-1]}", fh.read(), a.report_sha256)
        for r in system.filter(ManagementReview.objects.exclude(record_file="")):
            with r.record_file.open("rb") as fh:
                add(f"reviews/{r.pk}-{r.record_file.name.rsplit('/', 1)[-1]}", fh.read(), r.record_sha256)
        x = io.BytesIO()
        wb.save(x)
        z.writestr("conformity.xlsx", x.getvalue())
    return buf.getvalue()
