"""The status machines of the carbon data process, declared once (see carbonms.common.workflow).

Activity data: draft → submitted → approved (not by who entered or submitted it) or returned; an
approved or locked current value is changed by a correction (a new draft version). Closing a month
(approved → locked) is a period step, ``services.period_lock``. Monitoring plan: draft → approved (not
by who prepared it), which supersedes the version in force.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import ActivityRecord, EconomicRecord, MonitoringPlan, ProductionRecord

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


# -- output and economic data (issue 10) ---------------------------------------------------------------
# The same review as activity data: draft → submitted → approved (four-eyes) or returned; an approved or
# locked current value changes by a correction (a new draft version). Production is locked with its month
# (``services.period_lock``); an economic record, being annual, is locked by its own step, and also when
# the enterprise's twelve months are all closed.

def _review_steps(kind: str, correct_inputs: tuple[str, ...]) -> list[Transition]:
    return [
        Transition("submit", source=(S.DRAFT, S.REJECTED), target=S.SUBMITTED, action="change", label=_("Submit for review"),
                   status_error=_("%(record)s is not a draft."), done=_("Submitted for review.")),
        Transition("approve", source=(S.SUBMITTED,), target=S.APPROVED, action="approve", label=_("Approve"),
                   four_eyes=("entered_by", "submitted_by"), status_error=_("%(record)s is not waiting for review."),
                   four_eyes_error=_("You cannot approve data you entered or submitted yourself (%(record)s)."),
                   done=_("Approved.")),
        Transition("return", source=(S.SUBMITTED,), target=S.REJECTED, action="approve", label=_("Return"),
                   inputs=("comment",), status_error=_("%(record)s is not waiting for review."), style="danger",
                   done=_("Returned.")),
        Transition("correct", source=(S.APPROVED, S.LOCKED), target=None, action="change", label=_("Correct"),
                   inputs=correct_inputs, condition=lambda r: r.is_current, link=True,
                   url_name=f"carbondata:{kind}_correct",
                   status_error=_("Only the current approved version can be corrected.")),
    ]


PRODUCTION = Workflow(ProductionRecord, _review_steps("production", ("quantity", "unit", "reason")),
                      url_name="carbondata:production_action", error_key=None)

ECONOMIC = Workflow(EconomicRecord, [
    *_review_steps("economic", ("output_value_10k_yuan", "value_added_10k_yuan", "price_basis", "price_base_year",
                                "revenue_10k_yuan", "employees", "gdp_10k_yuan", "reason")),
    Transition("lock", source=(S.APPROVED,), target=S.LOCKED, action="approve", label=_("Lock the year's figures"),
               condition=lambda r: r.is_current, status_error=_("Only approved figures can be locked."),
               done=_("Locked.")),
], url_name="carbondata:economic_action", error_key=None)


def _output_runners(workflow: Workflow, kind: str) -> None:
    from .services import output as svc

    @workflow.runs("submit")
    def _submit(actor, obj, data):
        svc.output_submit(actor=actor, records=[obj])
        return obj

    @workflow.runs("approve")
    def _approve(actor, obj, data):
        svc.output_approve(actor=actor, records=[obj], comment=data.get("comment", ""))
        return obj

    @workflow.runs("return")
    def _return(actor, obj, data):
        svc.output_return(actor=actor, records=[obj], comment=data.get("comment", ""))
        return obj

    @workflow.runs("correct")
    def _correct(actor, obj, data):
        if kind == "production":
            return svc.production_correct(actor=actor, record=obj, quantity=data.get("quantity"),
                                          unit=data.get("unit", ""), reason=data.get("reason", ""))
        return svc.economic_correct(actor=actor, record=obj, data=data, reason=data.get("reason", ""))


_output_runners(PRODUCTION, "production")
_output_runners(ECONOMIC, "economic")


@ECONOMIC.runs("lock")
def _economic_lock(actor, obj, data):
    from .services import output as svc

    return svc.economic_lock(actor=actor, record=obj)
