"""The status machine of inventory statements, declared once (see carbonms.common.workflow).

draft → approved (``data.approve`` in the statement's scope; not by the person who ran the run nor by
the drafter: four-eyes) → verified (recorded by the enterprise's appointed external verifier, within
the validity of the appointment). A restatement supersedes the statement in force when the new one is
approved (``statement_restate`` / ``statement_approve``), so "superseded" is reached by the service.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import InventoryStatement

S = InventoryStatement.Status
VERIFIER_ONLY = _("Only the external verifier appointed for this enterprise, within the validity of the appointment, may "
                  "record the verification.")


def _not_runner(user, st) -> bool:
    return user.pk is None or st.run_by_id != user.pk


def _is_verifier(user, st) -> bool:
    from .statements import verifier_assignment

    return verifier_assignment(user, st) is not None


STATEMENT = Workflow(InventoryStatement, [
    Transition("approve", source=(S.DRAFT,), target=S.APPROVED, action="approve", label=_("Approve and close the year"),
               four_eyes=("drafted_by",), who=_not_runner,
               who_error=_("You ran the calculation this statement is made from; somebody else must approve it."),
               permission_error=_("Your role may not approve inventory statements; somebody appointed to approve must."),
               status_error=_("Only a draft statement can be approved."),
               four_eyes_error=_("You drafted this statement; somebody else must approve it."),
               error_key="approved_by", style="primary",
               done=_("Statement approved: the year is closed for this entity.")),
    Transition("verify", source=(S.APPROVED,), target=S.VERIFIED, action="verify", label=_("Record the verification"),
               who=_is_verifier, who_error=VERIFIER_ONLY, permission_error=VERIFIER_ONLY,
               inputs=("opinion", "misstatements", "verified_on", "verification_report"), link=True,
               url_name="inventory:statement_verify", error_key="verified_by",
               status_error=_("Only an approved statement can be verified."), done=_("Verification recorded.")),
], url_name="inventory:statement_action")


@STATEMENT.runs("approve")
def _approve(actor, obj, data):
    from . import statements

    exceptions = data.get("exceptions") if hasattr(data, "get") else None
    if not isinstance(exceptions, list):  # a page: one field "exception_<enterprise id>" holding the reason
        exceptions = [{"enterprise": k.split("_", 1)[1], "reason": v} for k, v in data.items()
                      if k.startswith("exception_") and k.split("_", 1)[1].isdigit() and str(v).strip()]
    return statements.statement_approve(actor=actor, statement=obj, exceptions=exceptions)


@STATEMENT.runs("verify")
def _verify(actor, obj, data):
    from django import forms

    from . import statements

    try:
        on = forms.DateField(required=False).clean(data.get("verified_on"))
    except forms.ValidationError:
        on = None
    return statements.statement_verify(actor=actor, statement=obj, opinion=data.get("opinion", ""),
                                       misstatements=data.get("misstatements", ""), verified_on=on,
                                       report=data.get("verification_report"))
