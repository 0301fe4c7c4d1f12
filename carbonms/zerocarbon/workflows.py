"""The status machine of the zero-carbon plan, declared once (see carbonms.common.workflow).

Plan: draft → approved (not by who drafted it; T/CSES 6.3.3 "形成文件", approval *proposed* as for targets) →
superseded when a later version is approved. ``revise`` starts the next draft version from an approved plan.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import ZeroCarbonPlan

S = ZeroCarbonPlan.Status

PLAN = Workflow(ZeroCarbonPlan, [
    Transition("approve", source=(S.DRAFT,), target=S.APPROVED, action="approve", label=_("Approve"),
               four_eyes=("drafted_by",), status_error=_("Only a draft plan can be approved."),
               four_eyes_error=_("You cannot approve a plan you drafted yourself."), done=_("Plan approved; it is in force.")),
    Transition("revise", source=(S.APPROVED,), target=None, action="change", label=_("Start a new version"),
               status_error=_("Only the plan in force can be revised."), done=_("New draft version started.")),
], url_name="zerocarbon:plan_action")


@PLAN.runs("approve")
def _approve(actor, obj, data):
    from . import services

    return services.plan_approve(actor=actor, plan=obj)


@PLAN.runs("revise")
def _revise(actor, obj, data):
    from . import services

    return services.plan_revise(actor=actor, plan=obj)
