"""The status machines of the carbon data process, declared once (see carbonms.common.workflow).

Activity data: draft → submitted → approved (not by who entered or submitted it) or returned; an
approved or locked current value is changed by a correction (a new draft version). Closing a month
(approved → locked) is a period step, ``services.period_lock``. Monitoring plan: draft → approved (not
by who prepared it), which supersedes the version in force.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import ActivityRecord, MonitoringPlan

S = ActivityRecord.Status

ACTIVITY = Workflow(ActivityRecord, [
    Transition("submit", source=(S.DRAFT, S.REJECTED), target=S.SUBMITTED, action="change", label=_("Submit for review"),
               status_error=_("%(record)s is not a draft."), done=_("Submitted for review.")),
    Transition("approve", source=(S.SUBMITTED,), target=S.APPROVED, action="approve", label=_("Approve"),
               inputs=("comment",), four_eyes=("entered_by", "submitted_by"),
               status_error=_("%(record)s is not waiting for review."),
               four_eyes_error=_("You cannot approve data you entered or submitted yourself (%(record)s)."),
               done=_("Approved.")),
    Transition("return", source=(S.SUBMITTED,), target=S.REJECTED, action="approve", label=_("Return"), inputs=("comment",),
               status_error=_("%(record)s is not waiting for review."), style="danger", done=_("Returned.")),
    Transition("correct", source=(S.APPROVED, S.LOCKED), target=None, action="change", label=_("Correct"),
               inputs=("amount", "reason", "unit"), condition=lambda r: r.is_current, link=True,
               url_name="carbondata:activity_correct",
               status_error=_("Only the current approved version can be corrected.")),
], url_name="carbondata:activity_action", error_key=None)


@ACTIVITY.runs("submit")
def _submit(actor, obj, data):
    from . import services

    services.activity_submit(actor=actor, records=[obj])
    return obj


@ACTIVITY.runs("approve")
def _approve(actor, obj, data):
    from . import services

    services.activity_approve(actor=actor, records=[obj], comment=data.get("comment", ""))
    return obj


@ACTIVITY.runs("return")
def _return(actor, obj, data):
    from . import services

    services.activity_return(actor=actor, records=[obj], comment=data.get("comment", ""))
    return obj


@ACTIVITY.runs("correct")
def _correct(actor, obj, data):
    from . import services

    return services.activity_correct(actor=actor, record=obj, amount=data.get("amount"), reason=data.get("reason", ""),
                                     unit=data.get("unit", ""))


P = MonitoringPlan.Status

MONITORING_PLAN = Workflow(MonitoringPlan, [
    Transition("approve", source=(P.DRAFT,), target=P.APPROVED, action="approve", label=_("Approve this version"),
               four_eyes=("prepared_by",), status_error=_("Only a draft version can be approved."),
               four_eyes_error=_("You cannot approve a monitoring plan you prepared yourself."),
               done=_("Monitoring plan approved."), url_name="carbondata:plan_approve"),
], error_key=None)


@MONITORING_PLAN.runs("approve")
def _plan_approve(actor, obj, data):
    from . import services

    return services.plan_approve(actor=actor, plan=obj)
