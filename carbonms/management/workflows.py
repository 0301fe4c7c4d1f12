"""The status machines of the management system, declared once (see carbonms.common.workflow).

Policy: draft → submitted → approved by top management, not its author (the version in force before
is superseded); the approved version is published and reviewed without changing its status.
Document version: draft → approved (not by its author) → in force (the version in force before
becomes obsolete).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .documents import DocumentVersion
from .models import Policy

P = Policy.Status
TOP_ONLY = _("Only top management may approve the policy: the approver must hold the approve permission and be "
             "appointed as top management in the organisation register.")


def _is_top(user, policy) -> bool:
    from .services import is_top_management

    return is_top_management(user, policy.park_id, policy.enterprise_id)


POLICY = Workflow(Policy, [
    Transition("submit", source=(P.DRAFT,), target=P.SUBMITTED, action="change", label=_("Submit for approval"),
               status_error=_("Only a draft can be submitted."), done=_("Submitted for approval.")),
    Transition("approve", source=(P.SUBMITTED,), target=P.APPROVED, action="approve", label=_("Approve (top management)"),
               four_eyes=("author",), who=_is_top, who_error=TOP_ONLY, permission_error=TOP_ONLY, error_key="approved_by",
               status_error=_("Only a submitted policy can be approved."),
               four_eyes_error=_("You drafted this policy; somebody else must approve it."),
               done=_("Approved: this version is in force.")),
    Transition("publish", source=(P.APPROVED,), target=None, action="change", label=_("Record publication"),
               inputs=("published_to",), status_error=_("Only the approved policy in force can be published."),
               done=_("Publication recorded.")),
    Transition("review", source=(P.APPROVED,), target=None, action="approve", label=_("Record the review"),
               inputs=("next_review_on",), error_key="reviewed_on",
               permission_error=_("Only a role that may approve management records may record the review."),
               status_error=_("Only the policy in force is reviewed."), done=_("Review recorded.")),
], url_name="management:policy_action")


@POLICY.runs("submit")
def _submit(actor, obj, data):
    from . import services

    return services.policy_submit(actor=actor, policy=obj)


@POLICY.runs("approve")
def _approve(actor, obj, data):
    from . import services

    return services.policy_approve(actor=actor, policy=obj)


@POLICY.runs("publish")
def _publish(actor, obj, data):
    from . import services

    return services.policy_publish(actor=actor, policy=obj, published_to=data.get("published_to", "") or "")


@POLICY.runs("review")
def _review(actor, obj, data):
    from django import forms

    from . import services

    field = forms.DateField(required=False)
    try:
        next_review_on = field.clean(data.get("next_review_on"))
    except forms.ValidationError:
        next_review_on = None
    return services.policy_review(actor=actor, policy=obj, next_review_on=next_review_on)


V = DocumentVersion.Status

DOCUMENT_VERSION = Workflow(DocumentVersion, [
    Transition("approve", source=(V.DRAFT,), target=V.APPROVED, action="approve", label=_("Approve"),
               four_eyes=("author",), error_key="approver",
               permission_error=_("Your role may not approve documents; a reviewer or administrator must."),
               status_error=_("Only a draft version can be approved."),
               four_eyes_error=_("You wrote this version; somebody else must approve it."), done=_("Version approved.")),
    Transition("in_force", source=(V.APPROVED,), target=V.IN_FORCE, action="change", label=_("Put in force"),
               error_key="approver", condition=lambda v: v.approver_id is not None,
               status_error=_("This version has no approver: it must be approved before it is put in force."),
               done=_("Version in force; the previous version is marked obsolete.")),
], url_name="management:version_action")


@DOCUMENT_VERSION.runs("approve")
def _version_approve(actor, obj, data):
    from . import services

    return services.version_approve(actor=actor, version=obj)


@DOCUMENT_VERSION.runs("in_force")
def _version_in_force(actor, obj, data):
    from . import services

    return services.version_put_in_force(actor=actor, version=obj)
