"""The status machine of neutrality claims, declared once (see carbonms.common.workflow; T/CIECCPA 8.4.4–8.4.6,
T/CPQS 7.3.5 d)).

draft → self-assessed (``assets.change``: the offsets are allocated by the priority of 8.4.2/8.4.3 and a
justification is recorded where a lower tier is used while a higher one was held) → determined (the third party:
the enterprise's appointed external verifier, ``assets.verify``, within the appointment) → declared (the
declaration approved by appointed top management who did not draft the claim, only on a positive determination).
A self-assessed claim may be assessed again (new cancellations) until the third party has determined it.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import NeutralityClaim

S = NeutralityClaim.Status
VERIFIER_ONLY = _("Only the external verifier appointed for this enterprise, within the validity of the appointment, may "
                  "record the determination.")


def _is_verifier(user, claim) -> bool:
    from carbonms.inventory.statements import verifier_assignment

    return verifier_assignment(user, claim) is not None


def _is_top(user, claim) -> bool:
    from carbonms.management.services import is_top_management

    return is_top_management(user, claim.park_id, claim.enterprise_id)


CLAIM = Workflow(NeutralityClaim, [
    Transition("assess", source=(S.DRAFT, S.SELF_ASSESSED), target=S.SELF_ASSESSED, action="change",
               label=_("Self-assess"), inputs=("priority_justification",), style="primary", error_key="priority_justification",
               status_error=_("A claim determined by the third party can no longer be re-assessed."),
               done=_("Claim self-assessed.")),
    Transition("determine", source=(S.SELF_ASSESSED,), target=S.DETERMINED, action="verify", label=_("Record the determination"),
               who=_is_verifier, who_error=VERIFIER_ONLY, permission_error=VERIFIER_ONLY, link=True,
               inputs=("conclusion", "determined_on", "verifier_body", "determination_notes", "determination_report"),
               url_name="compliance:claim_determine", error_key="conclusion",
               status_error=_("Only a self-assessed claim can be determined."), done=_("Determination recorded.")),
    Transition("declare", source=(S.DETERMINED,), target=S.DECLARED, action="approve", label=_("Approve the declaration"),
               who=_is_top, who_error=_("Only appointed top management may approve the neutrality declaration (T/CPQS 7.3.5 d))."),
               four_eyes=("drafted_by",), four_eyes_error=_("You drafted this claim; another top manager must approve the declaration."),
               condition=lambda c: c.conclusion == NeutralityClaim.Conclusion.ACHIEVED,
               condition_error=_("Only a claim the third party determined as achieved can be declared."),
               inputs=("maintained_until",), style="primary", error_key="declared_by",
               status_error=_("Only a determined claim can be declared."), done=_("Declaration approved.")),
], url_name="compliance:claim_action")


@CLAIM.runs("assess")
def _assess(actor, obj, data):
    from . import services

    return services.claim_assess(actor=actor, claim=obj, justification=data.get("priority_justification", ""))


@CLAIM.runs("determine")
def _determine(actor, obj, data):
    from django import forms

    from . import services

    try:
        on = forms.DateField(required=False).clean(data.get("determined_on"))
    except forms.ValidationError:
        on = None
    return services.claim_determine(actor=actor, claim=obj, conclusion=data.get("conclusion", ""), determined_on=on,
                                    body=data.get("verifier_body", ""), notes=data.get("determination_notes", ""),
                                    report=data.get("determination_report"))


@CLAIM.runs("declare")
def _declare(actor, obj, data):
    from django import forms

    from . import services

    try:
        until = forms.DateField(required=False).clean(data.get("maintained_until"))
    except forms.ValidationError:
        until = None
    return services.claim_declare(actor=actor, claim=obj, maintained_until=until)
