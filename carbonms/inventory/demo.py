"""Demo inventory statements (issue 10 item 7): the year before the demo year gets its activity data, and both
years are closed — an approved statement for every enterprise, the park facilities and the park; the first
demo enterprise's statement of the demo year is verified by the demo verifier (login ``verifier``)."""
from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from carbonms.accounts.models import RoleAssignment
from carbonms.accounts.roles import Role
from carbonms.carbondata.models import ActivityRecord
from carbonms.organizations.models import Enterprise

from . import statements
from .services import run_calculation

JUSTIFICATION = "演示数据：监测计划自演示年度起生效，前一年度按台账补录，覆盖率按实际数据说明。"


def copy_year(park, *, source_year: int, year: int) -> int:
    """Activity data of ``year`` made from ``source_year``'s (3 % higher, a deterministic trend), unless present."""
    if ActivityRecord.objects.filter(enterprise__park=park, year=year).exists():
        return 0
    recs = []
    for r in ActivityRecord.objects.filter(enterprise__park=park, year=source_year, is_current=True).order_by("pk"):
        recs.append(ActivityRecord(source_id=r.source_id, enterprise_id=r.enterprise_id, year=year, month=r.month,
                                   amount=(r.amount * Decimal("1.03")).quantize(Decimal("0.001")), unit=r.unit,
                                   status=ActivityRecord.Status.APPROVED, entered_by_id=r.entered_by_id,
                                   submitted_by_id=r.submitted_by_id, submitted_at=r.submitted_at,
                                   reviewed_by_id=r.reviewed_by_id, reviewed_at=r.reviewed_at))
    ActivityRecord.objects.bulk_create(recs, batch_size=2000)
    return len(recs)


def _user(park, role, enterprise=None):
    ra = (RoleAssignment.objects.filter(park=park, role=role, enterprise=enterprise).select_related("user")
          .order_by("pk").first())
    return ra.user if ra else None


def _state(officer, approver, run, *, exceptions=None):
    complete = bool((run.coverage or {}).get("complete"))
    st = statements.statement_create(actor=officer, run=run, justification="" if complete else JUSTIFICATION)
    return statements.statement_approve(actor=approver, statement=st, exceptions=exceptions)


def close_years(park, *, years: tuple[int, ...]) -> dict:
    """Runs and approved statements of ``years`` for every enterprise and the park; one verified statement."""
    officer, approver = _user(park, Role.PARK_CARBON_OFFICER), _user(park, Role.REVIEWER)
    if officer is None or approver is None:
        return {"statements": 0}
    ents = list(Enterprise.objects.filter(park=park).order_by("-kind", "pk"))
    made = 0
    for year in years:
        for ent in ents:
            if not ActivityRecord.objects.filter(enterprise=ent, year=year).exists():
                continue
            reason = "年度关账" if statements.official_statement(park=park, year=year, enterprise=ent) is None else ""
            _state(officer, approver, run_calculation(actor=officer, park=park, year=year, enterprise=ent, reason=reason))
            made += 1
        closed = set(statements.official_statements(park=park).filter(year=year).values_list("enterprise_id", flat=True))
        exceptions = [{"enterprise": e.pk, "reason": "本年度无排放源和活动数据"} for e in ents if e.pk not in closed]
        _state(officer, approver, run_calculation(actor=officer, park=park, year=year, reason="年度关账"), exceptions=exceptions)
        made += 1
    first = next((e for e in ents if e.kind == Enterprise.Kind.ENTERPRISE), None)
    verifier = _user(park, Role.EXTERNAL_VERIFIER, first) if first else None
    st = statements.official_statement(park=park, year=max(years), enterprise=first) if first else None
    if verifier is not None and st is not None:
        report = ContentFile(f"%PDF-1.4\n% demo verification report {first.name} {st.year}\n".encode(),
                             name=f"核查报告-{first.short_name or first.pk}-{st.year}.pdf")
        statements.statement_verify(actor=verifier, statement=st, opinion="unqualified", verified_on=timezone.localdate(),
                                    misstatements="", report=report)
    return {"statements": made}


def build(park, *, year: int) -> dict:
    """The demo's addition: the year before ``year`` gets data, then both years are closed."""
    copy_year(park, source_year=year, year=year - 1)
    return close_years(park, years=(year - 1, year))
