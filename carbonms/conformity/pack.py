"""The evidence pack an auditor asks for: a ZIP with the clause-by-clause conformity workbook and the
evidence files (documents in force, audit reports, management review records), with their hashes; and the
figure of record: the latest inventory statement in force (as data and as the accounting report), its
re-performance file and every evidence file of the activity data it was made from (issue 15 item 4).

Entry names are built from user-typed text (document identifiers, versions, file names), so each is
cleaned by ``carbonms.common.files.archive_path``: one folder and one file name, never ``..``, an
absolute path, a backslash or a control character (no zip slip when the pack is unpacked)."""
from __future__ import annotations

import hashlib
import io
import zipfile

from django.utils import timezone
from openpyxl import Workbook

from carbonms.audits.models import Audit, ManagementReview
from carbonms.common.files import archive_path
from carbonms.common.spreadsheet import safe_row
from carbonms.management.documents import DocumentVersion
from carbonms.management.models import Policy

from .checks import standard_conformity

STATUS_ZH = {"ok": "符合", "warn": "部分符合", "fail": "不符合", "not_assessed": "未评价"}


def build_pack(system, std_id: str) -> bytes:
    result = standard_conformity(system, std_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "条款符合性"
    ws.append(safe_row([system.name, result["std"].designation("zh"),
                      f"自评得分 {result['score']}%（已评价条款），已评价条款占 {result['coverage']}%",
                      timezone.localdate().isoformat()]))
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
        used: set[str] = set()

        def add(folder: str, name: str, data: bytes, digest: str | None = None):
            entry = _unique(archive_path(folder, name), used)
            z.writestr(entry, data)
            files.append(safe_row([entry, digest or hashlib.sha256(data).hexdigest()]))

        policy = system.filter(Policy.objects.filter(status="approved")).first()
        if policy:
            add("policy", f"v{policy.version}.txt", f"{policy.title}\n\n{policy.text}".encode())
        for v in system.filter(DocumentVersion.objects.filter(status="in_force").select_related("document")):
            if v.file:
                with v.file.open("rb") as fh:
                    add("documents", f"{v.document.identifier}-v{v.version}-{_base(v.file.name)}", fh.read(), v.sha256)
        for a in system.filter(Audit.objects.exclude(report_file="")):
            with a.report_file.open("rb") as fh:
                add("audits", f"{a.pk}-{_base(a.report_file.name)}", fh.read(), a.report_sha256)
        for r in system.filter(ManagementReview.objects.exclude(record_file="")):
            with r.record_file.open("rb") as fh:
                add("reviews", f"{r.pk}-{_base(r.record_file.name)}", fh.read(), r.record_sha256)
        _statement_files(system, add)
        x = io.BytesIO()
        wb.save(x)
        z.writestr("conformity.xlsx", x.getvalue())
    return buf.getvalue()


def _statement_files(system, add) -> None:
    """The latest statement in force of the system's entity, its accounting report, re-performance file and the
    evidence of its activity data and lab analyses."""
    import json

    from django.utils import translation

    from carbonms.carbondata.models import Evidence
    from carbonms.inventory import reperform
    from carbonms.inventory.cli import statement_data
    from carbonms.inventory.models import RunResult
    from carbonms.inventory.statements import official_statements
    from carbonms.reports import accounting
    from carbonms.reports.render import to_docx

    st = official_statements(park=system.park, enterprise=system.enterprise,
                             park_level=system.enterprise is None).select_related("run", "enterprise", "park").first()
    if st is None:
        return
    folder = f"statement-{st.year}"
    add(folder, "statement.json", json.dumps(statement_data(st), ensure_ascii=False, indent=2).encode("utf-8"))
    from carbonms.reports.document import MissingData

    with translation.override("zh-hans"):
        try:
            add(folder, f"accounting-report-{st.year}.docx", to_docx(accounting.build(st)))
        except MissingData as exc:  # the pack still holds the rest; the reason stands in the report's place
            add(folder, f"accounting-report-{st.year}-missing.txt", f"{exc.name}: {exc.reason}".encode())
    if st.enterprise_id is not None:
        from django.core.exceptions import ValidationError

        try:
            add(folder, f"reperform-{st.year}.csv", reperform.to_csv(reperform.input_rows(st.run)).encode("utf-8"))
        except ValidationError as exc:  # a run made before runs kept their inputs: say so in the pack
            add(folder, f"reperform-{st.year}-missing.txt", " ".join(exc.messages).encode("utf-8"))
    activity = RunResult.objects.filter(run=st.run).values("activity_id")
    evidence = (Evidence.objects.filter(activity_id__in=activity) | Evidence.objects.filter(
        lab_analysis__source__enterprise__park=st.park, lab_analysis__year=st.year,
        **({"lab_analysis__source__enterprise": st.enterprise} if st.enterprise_id else {})))
    for ev in evidence.distinct().order_by("pk"):
        with ev.file.open("rb") as fh:
            add(f"{folder}-evidence", f"{ev.pk}-{ev.original_name or _base(ev.file.name)}", fh.read(), ev.sha256 or None)


def _base(stored_name: str) -> str:
    return stored_name.replace("\\", "/").rsplit("/", 1)[-1]


def _unique(entry: str, used: set[str]) -> str:
    """Entry names are cleaned segments (carbonms.common.files.archive_path); a repeated one gets a counter."""
    stem, dot, ext = entry.rpartition(".")
    candidate, n = entry, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}.{ext}" if dot and "/" not in ext else f"{entry}-{n}"
    used.add(candidate)
    return candidate
