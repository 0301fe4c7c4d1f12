"""The maker-checker of ledger movements, declared once (see carbonms.common.workflow).

entered → approved (``assets.approve``, never by the person who entered it) or → rejected (same rule, with a
reason). Only approved movements count in holdings, the roll-forward and the asset statement.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import Movement

S = Movement.Status
FOUR_EYES = _("You entered this movement; somebody else must approve or reject it (maker-checker).")

MOVEMENT = Workflow(Movement, [
    Transition("approve", source=(S.ENTERED,), target=S.APPROVED, action="approve", label=_("Approve"),
               four_eyes=("entered_by",), four_eyes_error=FOUR_EYES, style="primary",
               status_error=_("Only a movement awaiting approval can be approved."), done=_("Movement approved.")),
    Transition("reject", source=(S.ENTERED,), target=S.REJECTED, action="approve", label=_("Reject"),
               four_eyes=("entered_by",), four_eyes_error=FOUR_EYES, inputs=("rejection_reason",),
               status_error=_("Only a movement awaiting approval can be rejected."), done=_("Movement rejected.")),
], url_name="ledger:movement_action", error_key="status")


@MOVEMENT.runs("approve")
def _approve(actor, obj, data):
    from . import services

    return services.movement_approve(actor=actor, movement=obj)


@MOVEMENT.runs("reject")
def _reject(actor, obj, data):
    from . import services

    return services.movement_reject(actor=actor, movement=obj, reason=(data.get("rejection_reason") or "") if hasattr(data, "get") else "")
