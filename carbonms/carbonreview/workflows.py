"""The status machines of the carbon review and of deviation investigations, declared once (carbonms.common.workflow).

Carbon review (T/CSES 6.3; T/CPQS 7.3.1): draft (data assembled again at will, findings and conclusions added)
→ reviewed by the appointed management representative once every item has a conclusion → approved by appointed
top management who did not draft it (T/CIECCPA 6.2.2 c), by analogy); a reviewed version can be returned to draft.
When a trigger of T/CPQS 7.3.1 fires on an approved review, a new version is started; approving it supersedes
the old one.

Deviation investigation (T/CSES 9.1 b); T/CIECCPA 9.1.2): open → concluded (causes, analysis, conclusion and,
optionally, a nonconformity raised through the audits app).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import CarbonReview, DeviationInvestigation

R = CarbonReview.Status

TOP_ONLY = _("Only top management may approve the carbon review: the approver must hold the approve permission and be "
             "appointed as top management in the organisation register.")
REP_ONLY = _("Only the appointed management representative (or top management) may record the review of the carbon "
             "review.")


def _appointed(user, review, roles) -> bool:
    from carbonms.management.models import Appointment

    return Appointment.objects.filter(park_id=review.park_id, enterprise_id=review.enterprise_id, person=user,
                                      role__in=roles).exclude(status="closed").exists()


def _is_rep(user, review) -> bool:
    return _appointed(user, review, ["representative", "top_management"])


def _is_top(user, review) -> bool:
    return _appointed(user, review, ["top_management"])


def _all_concluded(review) -> bool:
    return not review.sections.filter(conclusion="").exists()


CARBON_REVIEW = Workflow(CarbonReview, [
    Transition("refresh", source=(R.DRAFT,), target=None, action="change", label=_("Assemble the data again"),
               error_key="assembled_at", status_error=_("Only a draft review takes fresh data; this one is frozen."),
               done=_("Data assembled again; findings and conclusions were kept.")),
    Transition("review", source=(R.DRAFT,), target=R.REVIEWED, action="change", label=_("Record as reviewed"),
               who=_is_rep, who_error=REP_ONLY, condition=_all_concluded,
               condition_error=_("Every item needs a conclusion before the review is recorded as reviewed."),
               status_error=_("Only a draft can be recorded as reviewed."), done=_("Recorded as reviewed.")),
    Transition("reopen", source=(R.REVIEWED,), target=R.DRAFT, action=("change", "approve"), label=_("Return to draft"),
               status_error=_("Only a reviewed version can be returned to draft."), done=_("Returned to draft.")),
    Transition("approve", source=(R.REVIEWED,), target=R.APPROVED, action="approve", label=_("Approve (top management)"),
               four_eyes=("drafted_by",), who=_is_top, who_error=TOP_ONLY, permission_error=TOP_ONLY,
               inputs=("summary",), error_key="approved_by",
               status_error=_("Only a reviewed carbon review can be approved."),
               four_eyes_error=_("You drafted this carbon review; somebody else must approve it."),
               done=_("Approved: this version is the carbon review of record.")),
    Transition("update", source=(R.APPROVED,), target=None, action="add", label=_("Start a new version"),
               inputs=("trigger",), error_key="trigger", link=True, url_name="carbonreview:review_update",
               condition=lambda r: not hasattr(r, "superseded_by") and not CarbonReview.objects.filter(
                   park_id=r.park_id, enterprise_id=r.enterprise_id, year=r.year, status__in=[R.DRAFT, R.REVIEWED]).exists(),
               condition_error=_("A newer version of this review is already in preparation."),
               status_error=_("Only the approved review is updated with a new version."), done=_("New version started.")),
], url_name="carbonreview:review_action")


@CARBON_REVIEW.runs("refresh")
def _refresh(actor, obj, data):
    from . import services

    return services.review_refresh(actor=actor, review=obj)


@CARBON_REVIEW.runs("review")
def _review(actor, obj, data):
    from . import services

    return services.review_mark_reviewed(actor=actor, review=obj)


@CARBON_REVIEW.runs("reopen")
def _reopen(actor, obj, data):
    from . import services

    return services.review_reopen(actor=actor, review=obj)


@CARBON_REVIEW.runs("approve")
def _approve(actor, obj, data):
    from . import services

    return services.review_approve(actor=actor, review=obj, summary=data.get("summary", "") or "")


@CARBON_REVIEW.runs("update")
def _update(actor, obj, data):
    from . import services

    return services.review_new_version(actor=actor, review=obj, trigger=data.get("trigger", "") or "")


DI = DeviationInvestigation.Status

INVESTIGATION = Workflow(DeviationInvestigation, [
    Transition("conclude", source=(DI.OPEN,), target=DI.CONCLUDED, action="change", label=_("Conclude the investigation"),
               link=True, url_name="carbonreview:investigation_conclude",
               inputs=("cause_scope", "cause_methodology", "cause_data_missing", "cause_data_unreliable", "cause_offsets",
                       "cause_other", "analysis", "conclusion", "real_change", "raise_nonconformity"),
               status_error=_("This investigation is already concluded."), done=_("Investigation concluded.")),
], url_name="carbonreview:investigation_action")


@INVESTIGATION.runs("conclude")
def _conclude(actor, obj, data):
    from . import services

    def flag(name):
        v = data.get(name)
        return v is True or str(v).lower() in ("on", "true", "1")

    real = data.get("real_change")
    real = None if real in (None, "") else flag("real_change")
    return services.investigation_conclude(
        actor=actor, investigation=obj, causes={f: flag(f) for f, _l, _c in DeviationInvestigation.CAUSES},
        analysis=data.get("analysis", "") or "", conclusion=data.get("conclusion", "") or "", real_change=real,
        raise_nonconformity=flag("raise_nonconformity"))
