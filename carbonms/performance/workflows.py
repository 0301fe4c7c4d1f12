"""The status machines of baselines, adjustments, targets and allocations (see carbonms.common.workflow).

* Baseline: draft → approved (not by its author; the version in force before is superseded).
* Baseline adjustment: proposed → approved by appointed top management who did not propose it.
* Target: draft → reviewed (not by its author) → approved by appointed top management who is not the
  author (T/CIECCPA 6.2.2 c)) → published.
* Allocation: draft → issued by the park → accepted by the enterprise's top management (目标责任书) or
  returned with a reason; a returned allocation is revised by the park and issued again.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common import tenancy
from carbonms.common.workflow import Transition, Workflow

from .models import Baseline, BaselineAdjustment, Target, TargetAllocation

B = Baseline.Status
A = BaselineAdjustment.Status
T = Target.Status
L = TargetAllocation.Status

TOP_ONLY = _("Only appointed top management may approve: the approver must hold the approve permission and be "
             "appointed as top management in the organisation register.")
ENTERPRISE_TOP_ONLY = _("Only the enterprise's appointed top management may accept the allocation (sign the 目标责任书).")
PARK_ONLY = _("Only the park's staff may issue or revise an allocation.")


def _is_top(user, obj) -> bool:
    from carbonms.management.services import is_top_management

    park_id, enterprise_id = obj.scope_ids()
    return is_top_management(user, park_id, enterprise_id)


def _park_staff(user, obj) -> bool:
    return tenancy.is_park_member(user, obj.scope_ids()[0])


BASELINE = Workflow(Baseline, [
    Transition("approve", source=(B.DRAFT,), target=B.APPROVED, action="approve", label=_("Approve the baseline"),
               four_eyes=("author",), status_error=_("Only a draft baseline can be approved."),
               four_eyes_error=_("You drafted this baseline; somebody else must approve it."),
               permission_error=_("Only a role that may approve planning records may approve a baseline."),
               done=_("Approved: this version is in force.")),
], url_name="performance:baseline_action")

ADJUSTMENT = Workflow(BaselineAdjustment, [
    Transition("approve", source=(A.PROPOSED,), target=A.APPROVED, action="approve", label=_("Approve the decision (top management)"),
               four_eyes=("proposed_by",), who=_is_top, who_error=TOP_ONLY, permission_error=TOP_ONLY,
               status_error=_("Only a proposed decision can be approved."),
               four_eyes_error=_("You proposed this decision; somebody else must approve it."),
               done=_("Decision approved.")),
], url_name="performance:adjustment_action")

TARGET = Workflow(Target, [
    Transition("review", source=(T.DRAFT,), target=T.REVIEWED, action="approve", label=_("Record the review"),
               four_eyes=("author",), status_error=_("Only a draft target can be reviewed."),
               four_eyes_error=_("You drafted this target; somebody else must review it."),
               permission_error=_("Only a role that may approve planning records may review a target."),
               done=_("Review recorded.")),
    Transition("approve", source=(T.REVIEWED,), target=T.APPROVED, action="approve", label=_("Approve (top management)"),
               four_eyes=("author",), who=_is_top, who_error=TOP_ONLY, permission_error=TOP_ONLY, error_key="approved_by",
               status_error=_("Only a reviewed target can be approved."),
               four_eyes_error=_("You drafted this target; somebody else must approve it."),
               done=_("Approved.")),
    Transition("publish", source=(T.APPROVED,), target=T.PUBLISHED, action="change", label=_("Publish"),
               inputs=("published_to",), status_error=_("Only an approved target can be published."),
               condition=lambda t: not t.assigned_by_park,
               condition_error=_("A target assigned by the park is published when the enterprise accepts it."),
               done=_("Published: progress is tracked from the statements of record.")),
    Transition("return", source=(T.REVIEWED, T.APPROVED), target=T.DRAFT, action="approve", label=_("Return to draft"),
               condition=lambda t: not t.assigned_by_park,
               condition_error=_("A target assigned by the park changes only through its allocation."),
               status_error=_("Only a reviewed or approved target can be returned."), style="secondary",
               done=_("Returned to draft.")),
], url_name="performance:target_action")

ALLOCATION = Workflow(TargetAllocation, [
    Transition("issue", source=(L.DRAFT, L.RETURNED), target=L.ISSUED, action="change", label=_("Issue to the enterprise"),
               who=_park_staff, who_error=PARK_ONLY,
               status_error=_("Only a draft or returned allocation can be issued."),
               done=_("Issued: the enterprise can accept it.")),
    Transition("accept", source=(L.ISSUED,), target=L.ACCEPTED, action=("approve", "change"),
               label=_("Accept (sign the 目标责任书)"), inputs=("letter_number",), who=_is_top, who_error=ENTERPRISE_TOP_ONLY,
               permission_error=ENTERPRISE_TOP_ONLY, status_error=_("Only an issued allocation can be accepted."),
               done=_("Accepted: the target is published for the enterprise.")),
    Transition("return", source=(L.ISSUED,), target=L.RETURNED, action=("approve", "change"),
               label=_("Return to the park"), inputs=("return_reason",), who=_is_top, who_error=ENTERPRISE_TOP_ONLY,
               permission_error=ENTERPRISE_TOP_ONLY, status_error=_("Only an issued allocation can be returned."),
               style="secondary", done=_("Returned to the park.")),
], url_name="performance:allocation_action")


def _services():
    from . import services

    return services


@BASELINE.runs("approve")
def _baseline_approve(actor, obj, data):
    return _services().baseline_approve(actor=actor, baseline=obj)


@ADJUSTMENT.runs("approve")
def _adjustment_approve(actor, obj, data):
    return _services().adjustment_approve(actor=actor, adjustment=obj)


@TARGET.runs("review")
def _target_review(actor, obj, data):
    return _services().target_step(actor=actor, target=obj, step="review")


@TARGET.runs("approve")
def _target_approve(actor, obj, data):
    return _services().target_step(actor=actor, target=obj, step="approve")


@TARGET.runs("publish")
def _target_publish(actor, obj, data):
    return _services().target_publish(actor=actor, target=obj, published_to=data.get("published_to", "") or "")


@TARGET.runs("return")
def _target_return(actor, obj, data):
    return _services().target_step(actor=actor, target=obj, step="return")


@ALLOCATION.runs("issue")
def _allocation_issue(actor, obj, data):
    return _services().allocation_issue(actor=actor, allocation=obj)


@ALLOCATION.runs("accept")
def _allocation_accept(actor, obj, data):
    return _services().allocation_accept(actor=actor, allocation=obj, letter_number=data.get("letter_number", "") or "")


@ALLOCATION.runs("return")
def _allocation_return(actor, obj, data):
    return _services().allocation_return(actor=actor, allocation=obj, reason=data.get("return_reason", "") or "")
