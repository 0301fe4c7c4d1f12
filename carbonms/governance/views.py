"""Pages of park governance: admission and exit, the annual assessment, coordination. Short declarative subclasses
of carbonms.common.views; every write goes through the services."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common import tenancy
from carbonms.common.views import (
    ListingMixin,
    Parent,
    ScopedActionView,
    ScopedDetailView,
    ScopedPageView,
    ServiceFormView,
    WorkflowActionView,
)
from carbonms.organizations.models import Enterprise, Park

from . import assessment, forms, screening, selectors, services
from .models import (
    AssessmentRound,
    AssessmentScheme,
    Committee,
    EnterpriseAssessment,
    ExitDecision,
    ProcurementCriterion,
    ProcurementEvaluation,
    ProjectApplication,
    ServiceRequest,
    TrainingSession,
)

PARK = Parent("park_pk", Park, "park")


# -- admission ---------------------------------------------------------------------------------------------------------
class ApplicationListView(ListingMixin, ScopedPageView):
    template_name = "governance/application_list.html"
    list_sorts = {"created": ("created_at", "id"), "number": ("number", "id"), "project": ("project", "id"),
                  "applicant": ("applicant", "id"), "status": ("status", "id")}
    list_default = "-created"
    list_search = ("number", "project", "applicant", "industry_code")
    parent = PARK
    park_staff_only = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["listing"] = self.listing(selectors.applications(user, self.park))
        ctx["applications"] = ctx["listing"].rows
        ctx["exits"] = ExitDecision.objects.restrict(user, "view").filter(park=self.park).select_related("enterprise")
        ctx["committees"] = Committee.objects.restrict(user, "view").filter(park=self.park).prefetch_related("members")
        ctx["can_add"] = self.can("add", "governance")
        return ctx


class ApplicationCreateView(ServiceFormView):
    parent = PARK
    requires = ("governance", "add")
    form_class = forms.ApplicationForm
    template_name = "governance/form_upload.html"
    title = _("New project application")
    success_message = _("Application saved: the planned energy and emissions are computed.")

    def perform(self, form):
        return services.application_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


class ApplicationEditView(ServiceFormView):
    model = ProjectApplication
    action = "change"
    park_staff_only = True
    edits_object = True
    form_class = forms.ApplicationForm
    template_name = "governance/form_upload.html"
    title = _("Edit the application")

    def perform(self, form):
        return services.application_save(actor=self.request.user, application=self.object, data=form.cleaned_data)


class ApplicationDetailView(ScopedDetailView):
    model = ProjectApplication
    park_staff_only = True
    template_name = "governance/application_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.object.screening or {}
        ctx["checks"] = [{**c, "label": screening.check_label(c["key"]), "text": screening.describe(c),
                          "result_label": screening.result_label(c["result"])} for c in report.get("checks", [])]
        ctx["recommendation"] = dict(ProjectApplication.Decision.choices).get(report.get("recommendation"))
        ctx["can_change"] = self.can("change", "governance")
        ctx["can_file_report"] = bool(ctx["checks"]) and self.can("change", "management")
        return ctx


class ApplicationActionView(WorkflowActionView):
    """POST a step of the application workflow that needs no form (screen, post-check)."""

    model = ProjectApplication
    park_staff_only = True


class ApplicationDecideView(ServiceFormView):
    model = ProjectApplication
    action = "change"
    park_staff_only = True
    form_class = forms.DecisionForm
    title = _("The admission committee's decision")
    success_message = _("Decision recorded.")

    def perform(self, form):
        return services.application_decide(actor=self.request.user, application=self.object, data=form.cleaned_data)


class ExitCreateView(ServiceFormView):
    parent = Parent("enterprise_pk", Enterprise, "enterprise")
    park_staff_only = True
    requires = ("governance", "change")
    form_class = forms.ExitForm
    title = _("Exit decision")
    success_message = _("Exit decision recorded: the enterprise's exit date is set.")

    def perform(self, form):
        return services.exit_decide(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


# -- assessment ------------------------------------------------------------------------------------------------------
class RoundListView(ListingMixin, ScopedPageView):
    template_name = "governance/round_list.html"
    list_sorts = {"year": ("year", "id"), "status": ("status", "id")}
    list_default = "-year"
    parent = PARK

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["listing"] = self.listing(AssessmentRound.objects.restrict(user, "view").filter(park=self.park).select_related("scheme"))
        ctx["rounds"] = ctx["listing"].rows
        ctx["scheme"] = selectors.scheme_in_force(user, self.park)
        ctx["schemes"] = AssessmentScheme.objects.restrict(user, "view").filter(park=self.park)
        staff = tenancy.is_park_member(user, self.park.pk)
        ctx["can_add"] = staff and self.can("add", "governance")
        return ctx


class RoundCreateView(ServiceFormView):
    parent = PARK
    requires = ("governance", "add")
    form_class = forms.RoundForm
    title = _("Open an assessment round")
    success_message = _("Round opened: the data criteria are computed.")

    def perform(self, form):
        return assessment.round_open(actor=self.request.user, park=self.park, year=form.cleaned_data["year"],
                                     self_assessment_due=form.cleaned_data.get("self_assessment_due"))


class SchemeDefaultView(ServiceFormView):
    """Adopt the default scheme of 100 points (a new version in force)."""

    parent = PARK
    requires = ("governance", "add")
    form_class = forms.ConfirmForm
    title = _("Adopt the default assessment scheme")

    def perform(self, form):
        return assessment.scheme_default(actor=self.request.user, park=self.park)


class SchemeDetailView(ScopedDetailView):
    model = AssessmentScheme
    template_name = "governance/scheme_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scheme, user = self.object, self.request.user
        ctx["criteria"] = scheme.criteria.all()
        ctx["rounds"] = AssessmentRound.objects.restrict(user, "view").filter(scheme=scheme)
        staff = tenancy.is_park_member(user, scheme.park_id)
        may_change = staff and self.can("change", "governance")
        ctx["change_refusal"] = assessment.scheme_change_refusal(scheme)
        ctx["can_edit"] = may_change and ctx["change_refusal"] is None
        ctx["can_new_version"] = staff and self.can("add", "governance")
        ctx["can_put_in_force"] = (may_change and scheme.status == AssessmentScheme.Status.DRAFT
                                   and Committee.objects.restrict(user, "view").filter(park_id=scheme.park_id, kind=Committee.Kind.LEADING_GROUP,
                                                                members__pk=user.pk).exists())
        return ctx


class SchemeEditView(ServiceFormView):
    """Change a draft version of the assessment scheme in place (criteria, points, scoring rules, grades, rewards
    and penalties). A version used by a round is refused with the reason (the service decides)."""

    model = AssessmentScheme
    park_staff_only = True  # enterprise users read the scheme, they never learn of its edit page
    requires = ("governance", "change")
    form_class = forms.SchemeForm
    template_name = "governance/scheme_form.html"
    title = _("Edit the assessment scheme")
    success_message = _("Assessment scheme saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scheme": self.object}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["scheme"] = self.object
        ctx["refusal"] = assessment.scheme_change_refusal(self.object) if self.in_place else None
        return ctx

    in_place = True

    def perform(self, form):
        return assessment.scheme_update(actor=self.request.user, scheme=self.object, data=form.scheme_data(),
                                        criteria=form.criteria)


class SchemeNewVersionView(SchemeEditView):
    """A new draft version of the scheme with the changes made here; the leading group puts it in force."""

    requires = ("governance", "add")
    title = _("New version of the assessment scheme")
    success_message = _("New version saved as a draft: the leading group puts it in force.")
    in_place = False

    def perform(self, form):
        return assessment.scheme_new_version(actor=self.request.user, scheme=self.object, data=form.scheme_data(),
                                             criteria=form.criteria)


class SchemeInForceView(ScopedActionView):
    """POST: the leading group puts a draft version in force (the previous one is superseded)."""

    model = AssessmentScheme
    park_staff_only = True
    requires = ("governance", "change")

    def post(self, request, *args, **kwargs):
        try:
            assessment.scheme_put_in_force(actor=request.user, scheme=self.object)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("The version is in force; new rounds use it."))
        return redirect(self.object.get_absolute_url())


class RoundActionView(WorkflowActionView):
    model = AssessmentRound


class RoundDetailView(ScopedDetailView):
    model = AssessmentRound
    select_related = ("scheme", "park")
    template_name = "governance/round_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ranking"] = selectors.ranking(self.request.user, self.object)
        ctx["published"] = self.object.status == AssessmentRound.Status.PUBLISHED
        return ctx


class AssessmentDetailView(ScopedDetailView):
    """The 检查表 of one enterprise: each criterion with its points, computed value and evidence, the
    self-assessment and the park's score, the grade and the appeal."""

    model = EnterpriseAssessment
    select_related = ("round", "round__scheme", "enterprise")
    template_name = "governance/assessment_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        user = self.request.user
        R = AssessmentRound.Status
        staff = tenancy.is_park_member(user, a.park_id)
        ctx["scores"] = a.scores.select_related("criterion")
        ctx["can_file_report"] = self.can("change", "management")
        ctx["may_score"] = staff and a.round.status in (R.OPEN, R.SCORING) and self.can("change", "governance")
        ctx["may_self"] = (not staff and a.round.status == R.OPEN and self.can("change", "management"))
        ctx["may_appeal"] = (not staff and a.round.status == R.PUBLISHED and not a.appeal
                             and self.can("change", "management"))
        ctx["may_decide_appeal"] = (staff and a.appeal == EnterpriseAssessment.Appeal.OPEN
                                    and self.can("change", "governance")
                                    and Committee.objects.restrict(user, "view").filter(
                                        park_id=a.park_id, kind=Committee.Kind.LEADING_GROUP, members__pk=user.pk).exists())
        return ctx


class _AssessmentForm(ServiceFormView):
    model = EnterpriseAssessment
    select_related = ("round", "round__scheme", "enterprise")
    form_class = forms.ScoresForm
    score_attr = "park_score"
    with_notes = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scores": list(self.object.scores.select_related("criterion")),
                "attr": self.score_attr, "with_notes": self.with_notes}


class ParkScoreView(_AssessmentForm):
    requires = ("governance", "change")  # after park_staff_only: enterprise users get 404, staff without it 403
    park_staff_only = True
    with_notes = True
    title = _("Park scores")
    success_message = _("Scores saved.")

    def perform(self, form):
        return assessment.park_score(actor=self.request.user, assessment=self.object, scores=form.scores(),
                                     notes=form.notes())


class SelfAssessView(_AssessmentForm):
    score_attr = "self_score"
    title = _("Self-assessment")
    success_message = _("Self-assessment submitted.")

    def check_access(self, request, **kwargs):
        super().check_access(request, **kwargs)
        park_id, ent_id = self.object.scope_ids()
        tenancy.require(request.user, "management", "change", park_id=park_id, enterprise_id=ent_id)

    def perform(self, form):
        return assessment.self_assess(actor=self.request.user, assessment=self.object, scores=form.scores())


class AppealView(ServiceFormView):
    model = EnterpriseAssessment
    form_class = forms.AppealForm
    title = _("Appeal the result")
    success_message = _("Appeal filed.")

    def check_access(self, request, **kwargs):
        super().check_access(request, **kwargs)
        park_id, ent_id = self.object.scope_ids()
        tenancy.require(request.user, "management", "change", park_id=park_id, enterprise_id=ent_id)

    def perform(self, form):
        return assessment.appeal_file(actor=self.request.user, assessment=self.object,
                                      reason=form.cleaned_data["appeal_reason"])


class AppealDecideView(_AssessmentForm):
    requires = ("governance", "change")  # after park_staff_only: enterprise users get 404, staff without it 403
    park_staff_only = True
    form_class = forms.AppealDecisionForm
    title = _("Decide the appeal")
    success_message = _("Appeal decided.")

    def perform(self, form):
        scores = form.scores()
        current = {str(s.criterion_id): s.park_score if s.park_score is not None else s.computed
                   for s in self.object.scores.all()}
        changed = {k: v for k, v in scores.items() if v is not None and v != current.get(k)}
        return assessment.appeal_decide(actor=self.request.user, assessment=self.object,
                                        upheld=form.cleaned_data["upheld"],
                                        outcome=form.cleaned_data["appeal_outcome"], scores=changed)


# -- coordination ----------------------------------------------------------------------------------------------------
class CoordinationView(ScopedPageView):
    template_name = "governance/coordination.html"
    parent = PARK

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["criteria"] = ProcurementCriterion.objects.restrict(user, "view").filter(park=self.park)
        evaluations = ProcurementEvaluation.objects.restrict(user, "view").filter(park=self.park)
        ctx["evaluations"] = evaluations.select_related("criterion", "evaluated_by")[:EVALUATIONS_SHOWN]
        ctx["n_evaluations"] = evaluations.count()  # the newest are shown; the page says how many there are
        ctx["sessions"] = TrainingSession.objects.restrict(user, "view").filter(park=self.park)
        ctx["requests"] = (ServiceRequest.objects.restrict(user, "view").filter(park=self.park)
                           .select_related("enterprise"))
        staff = tenancy.is_park_member(user, self.park.pk)
        ctx["staff"] = staff
        ctx["can_add"] = staff and self.can("add", "governance")
        ctx["can_respond"] = staff and self.can("change", "management")
        ctx["request_enterprises"] = [e for e in Enterprise.objects.restrict(user, "view").filter(park=self.park)
                                      if not staff and tenancy.can(user, "management", "add", park_id=self.park.pk,
                                                                   enterprise_id=e.pk)]
        return ctx


class ProcurementCreateView(ServiceFormView):
    parent = PARK
    requires = ("governance", "add")
    form_class = forms.ProcurementForm
    title = _("Procurement criterion")

    def perform(self, form):
        return services.procurement_save(actor=self.request.user, park=self.park, data=form.cleaned_data)

    def get_success_url(self):
        return reverse("governance:coordination", args=[self.park.pk])


EVALUATIONS_SHOWN = 50


class ProcurementEvaluateView(ServiceFormView):
    parent = PARK
    requires = ("governance", "add")
    form_class = forms.ProcurementEvaluationForm
    title = _("Evaluate a purchase")
    success_message = _("Evaluation recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.park}  # the park's own criteria only

    def perform(self, form):
        return services.procurement_evaluate(actor=self.request.user, park=self.park, data=form.cleaned_data)

    def get_success_url(self):
        return reverse("governance:coordination", args=[self.park.pk])


class TrainingCreateView(ServiceFormView):
    parent = PARK
    requires = ("governance", "add")
    form_class = forms.TrainingForm
    title = _("Training session")

    def perform(self, form):
        return services.training_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


class TrainingDetailView(ScopedDetailView):
    model = TrainingSession
    template_name = "governance/training_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["attendance"] = self.object.attendance.restrict(user, "view").select_related("enterprise")
        ctx["may_record"] = tenancy.is_park_member(user, self.object.park_id) and self.can("change", "governance")
        return ctx


class AttendanceView(ServiceFormView):
    model = TrainingSession
    requires = ("governance", "change")  # after park_staff_only: enterprise users get 404, staff without it 403
    park_staff_only = True
    form_class = forms.AttendanceForm
    title = _("Record attendance")

    def get_form_kwargs(self):
        ents = Enterprise.objects.restrict(self.request.user, "view").filter(park_id=self.object.park_id,
                                                                            kind=Enterprise.Kind.ENTERPRISE)
        return {**super().get_form_kwargs(), "enterprises": list(ents)}

    def perform(self, form):
        ent = tenancy.get_for_user(Enterprise.objects.restrict(self.request.user, "view").filter(
            park_id=self.object.park_id), self.request.user, form.cleaned_data["enterprise"])
        services.attendance_record(actor=self.request.user, session=self.object, enterprise=ent,
                                   attendees=form.cleaned_data["attendees"])
        return self.object


class RequestCreateView(ServiceFormView):
    parent = Parent("enterprise_pk", Enterprise, "enterprise")
    requires = ("management", "add")
    form_class = forms.RequestForm
    title = _("Service request")
    success_message = _("Request sent to the park.")

    def perform(self, form):
        return services.request_save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


class RequestRespondView(ServiceFormView):
    model = ServiceRequest
    requires = ("management", "change")  # after park_staff_only: enterprise users get 404, staff without it 403
    park_staff_only = True
    form_class = forms.RespondForm
    title = _("Answer the request")

    def get_initial(self):
        return {"status": self.object.status, "response": self.object.response}

    def perform(self, form):
        return services.request_respond(actor=self.request.user, request=self.object, **form.cleaned_data)

