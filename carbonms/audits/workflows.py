"""The status machines of audits, nonconformities and management reviews, declared once
(see carbonms.common.workflow).

Audit: planned → in progress (checklist generated) → reported. Nonconformity: open / cause analysed →
effectiveness review → closed. Management review: planned (inputs can be assembled again) → held.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import Audit, ManagementReview, Nonconformity

A = Audit.Status

AUDIT = Workflow(Audit, [
    Transition("checklist", source=(A.PLANNED, A.IN_PROGRESS), target=A.IN_PROGRESS, action="change",
               label=_("Generate the checklist"), condition=lambda a: not a.checklist.exists(), error_key="checklist",
               status_error=_("A reported audit cannot be changed."),
               condition_error=_("The checklist has already been generated."),
               done=_("Checklist generated from the standard's clauses.")),
    Transition("report", source=(A.PLANNED, A.IN_PROGRESS), target=A.REPORTED, action="change", label=_("Report the audit"),
               inputs=("overview", "conclusion"), status_error=_("A reported audit cannot be changed."),
               done=_("Audit reported; the report is ready to download.")),
], url_name="audits:audit_action")


@AUDIT.runs("checklist")
def _checklist(actor, obj, data):
    from . import services

    services.checklist_generate(actor=actor, audit=obj)
    return obj


@AUDIT.runs("report")
def _report(actor, obj, data):
    from . import services

    return services.audit_report(actor=actor, audit=obj, overview=data.get("overview", "") or "",
                                 conclusion=data.get("conclusion", "") or "")


N = Nonconformity.Status
NOT_CLOSED = (N.OPEN, N.ANALYSED, N.VERIFYING)

NONCONFORMITY = Workflow(Nonconformity, [
    Transition("review", source=NOT_CLOSED, target=N.VERIFYING, action=("change", "approve"),
               label=_("Record the effectiveness review"), inputs=("effectiveness_review", "effective"),
               status_error=_("A closed nonconformity cannot be changed."), done=_("Effectiveness review recorded.")),
    Transition("close", source=NOT_CLOSED, target=N.CLOSED, action="change", label=_("Close"),
               status_error=_("This nonconformity is already closed."), done=_("Nonconformity closed.")),
], url_name="audits:nc_action")


@NONCONFORMITY.runs("review")
def _nc_review(actor, obj, data):
    from . import services

    return services.nc_review_effectiveness(actor=actor, nc=obj, review=data.get("effectiveness_review", "") or "",
                                            effective=str(data.get("effective", "")).lower() in ("on", "true", "1"))


@NONCONFORMITY.runs("close")
def _nc_close(actor, obj, data):
    from . import services

    return services.nc_close(actor=actor, nc=obj)


R = ManagementReview.Status

MANAGEMENT_REVIEW = Workflow(ManagementReview, [
    Transition("refresh", source=(R.PLANNED,), target=None, action="change", label=_("Assemble the inputs again"),
               error_key="inputs", status_error=_("The review has been held; its inputs are frozen."),
               done=_("Inputs assembled again from live data.")),
    Transition("hold", source=(R.PLANNED,), target=R.HELD, action="change", label=_("Record the review as held"),
               inputs=("minutes",), status_error=_("The review has already been held."),
               done=_("Review held; the record is ready to download.")),
], url_name="audits:review_action")


@MANAGEMENT_REVIEW.runs("refresh")
def _refresh(actor, obj, data):
    from . import services

    return services.review_refresh_inputs(actor=actor, review=obj)


@MANAGEMENT_REVIEW.runs("hold")
def _hold(actor, obj, data):
    from . import services

    return services.review_hold(actor=actor, review=obj, minutes=data.get("minutes", "") or "")
