"""The status machines of governance, declared once (see carbonms.common.workflow).

Project application: draft → screened → admitted / admitted with conditions / refused (the admission committee's
decision); an admitted project is checked after its first full year. Assessment round: open (self-assessment) →
scoring → submitted → published (approved by the leading group).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common.workflow import Transition, Workflow

from .models import AssessmentRound, Committee, ProjectApplication

A = ProjectApplication.Status
R = AssessmentRound.Status


def _member(kind):
    def who(user, obj):
        return Committee.objects.filter(park_id=obj.park_id, kind=kind, members__pk=user.pk).exists()
    return who


APPLICATION = Workflow(ProjectApplication, [
    Transition("screen", source=(A.DRAFT, A.SCREENED), target=A.SCREENED, action="change", label=_("Screen"),
               status_error=_("A decided application is not screened again."),
               done=_("Screening report written.")),
    Transition("decide", source=(A.SCREENED,), target=None, action="change", label=_("Record the committee's decision"),
               who=_member(Committee.Kind.ADMISSION),
               who_error=_("Only members of the admission committee may record its decision."),
               status_error=_("Only a screened application can be decided."), link=True,
               url_name="governance:application_decide"),
    Transition("post_check", source=(A.ADMITTED, A.CONDITIONAL), target=None, action="change",
               label=_("Check declared against actual"), style="secondary",
               status_error=_("Only an admitted project is checked after operation."),
               done=_("Post-operation check recorded.")),
], url_name="governance:application_action")


@APPLICATION.runs("screen")
def _screen(actor, obj, data):
    from . import services

    return services.application_screen(actor=actor, application=obj)


@APPLICATION.runs("decide")
def _decide(actor, obj, data):
    from django.utils.dateparse import parse_date

    from . import services

    data = {k: data.get(k) for k in ("decision", "decided_on", "votes_for", "votes_against", "votes_abstain",
                                      "conditions", "entry_date")}
    for key in ("decided_on", "entry_date"):
        if isinstance(data[key], str):
            try:
                data[key] = parse_date(data[key])
            except ValueError:  # not a real date: the service names the field
                data[key] = None
    return services.application_decide(actor=actor, application=obj, data=data)


@APPLICATION.runs("post_check")
def _post_check(actor, obj, data):
    from . import services

    return services.application_post_check(actor=actor, application=obj)


ROUND = Workflow(AssessmentRound, [
    Transition("compute", source=(R.OPEN, R.SCORING), target=None, action="change",
               label=_("Compute the data criteria again"), style="secondary",
               status_error=_("Only an open round is computed again."), done=_("Data criteria computed.")),
    Transition("submit", source=(R.OPEN, R.SCORING), target=R.SUBMITTED, action="change",
               label=_("Submit to the leading group"), status_error=_("Only an open round is submitted."),
               done=_("Submitted to the leading group.")),
    Transition("approve", source=(R.SUBMITTED,), target=R.PUBLISHED, action="approve",
               label=_("Approve and publish"), who=_member(Committee.Kind.LEADING_GROUP),
               who_error=_("Only members of the leading group may approve the assessment."),
               status_error=_("Only a submitted round is approved."),
               done=_("Assessment approved and published; the enterprises are notified.")),
], url_name="governance:round_action")


@ROUND.runs("compute")
def _compute(actor, obj, data):
    from . import assessment

    return assessment.round_compute(actor=actor, round=obj)


@ROUND.runs("submit")
def _submit(actor, obj, data):
    from . import assessment

    return assessment.round_submit(actor=actor, round=obj)


@ROUND.runs("approve")
def _approve(actor, obj, data):
    from . import assessment

    return assessment.round_approve(actor=actor, round=obj)
