"""Pages for audits, nonconformities and management reviews. Thin: tenancy for access, services for writes."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common.files import ScopedFileDownloadView
from carbonms.common.views import ListingMixin, ServiceFormView, WorkflowActionView
from carbonms.management.views import ObjectEditView, ObjectMixin, SystemCreateView, SystemMixin

from . import forms, selectors, services
from .inputs import SECTIONS
from .models import (
    Audit,
    AuditProgramme,
    ChecklistItem,
    CorrectiveAction,
    ManagementReview,
    Nonconformity,
    ReviewOutput,
)


def _refused(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


# --------------------------------------------------------------------------- audits


class AuditListView(SystemMixin, ListingMixin, TemplateView):
    template_name = "audits/audit_list.html"
    list_sorts = {"title": ("title", "id"), "kind": ("kind", "id"), "dates": ("planned_start", "id"), "status": ("status", "id")}
    list_default = "-dates"
    list_search = ("title", "external_body")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            programmes=self.system.filter(AuditProgramme.objects.restrict(user)),
            listing=(listing := self.listing(self.system.filter(Audit.objects.restrict(user)).select_related("lead")
                                             .prefetch_related("areas"))),
            audits=listing.rows,
            suggestion=services.frequency_suggestion(self.system),
            can_plan=self.system.can(user, "add", "audit"),
        )
        return ctx


class ProgrammeCreateView(SystemCreateView):
    form_class = forms.ProgrammeForm
    requires = ("audit", "add")
    title = _("New audit programme")
    success_message = _("Audit programme saved.")

    cancel_name = "audits:audit_list"

    def perform(self, form):
        return services.programme_save(actor=self.request.user, system=self.system, data=form.cleaned_data)


class ProgrammeDetailView(ObjectMixin, TemplateView):
    model = AuditProgramme
    template_name = "audits/programme_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["audits"] = self.object.audits.restrict(self.request.user)
        ctx["suggestion"] = services.frequency_suggestion(self.system)
        return ctx


class AuditCreateView(SystemCreateView):
    form_class = forms.AuditForm
    requires = ("audit", "add")
    title = _("Plan an audit")
    success_message = _("Audit planned.")

    cancel_name = "audits:audit_list"

    def get_initial(self):
        return {"standard": "t-cieccpa-061-2023" if self.system.enterprise else "t-cses-2023"}

    def perform(self, form):
        return services.audit_plan(actor=self.request.user, system=self.system, data=form.cleaned_data)


class AuditEditView(ObjectEditView):
    model = Audit
    form_class = forms.AuditForm

    def perform(self, form):
        return services.audit_plan(actor=self.request.user, audit=self.object, data=form.cleaned_data)


class AuditDetailView(ObjectMixin, TemplateView):
    model = Audit
    template_name = "audits/audit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        ctx.update(
            checklist=a.checklist.all(), findings=a.findings.select_related("item", "evidence_version__document", "recorded_by")
            .prefetch_related("nonconformities"),
            can_run=self.system.can(self.request.user, "change", "audit") and a.status not in ("reported", "closed"),
            results=ChecklistItem.Result.choices, report_form=forms.ReportForm(initial={"overview": a.overview}),
            progress=selectors.checklist_progress(a),
        )
        return ctx


class AuditActionView(WorkflowActionView):
    """POST a step of the Audit's workflow (audits/workflows.py); a refusal comes back with its reason."""

    model = Audit


class ChecklistMarkView(ObjectMixin, TemplateView):
    model = ChecklistItem

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        try:
            services.checklist_mark(actor=request.user, item=self.object, result=request.POST.get("result", ""),
                                    notes=request.POST.get("notes", ""))
        except ValidationError as exc:
            _refused(request, exc)
        return redirect(self.object.get_absolute_url())


class FindingCreateView(ObjectMixin, ServiceFormView):
    model = Audit
    action = "change"
    form_class = forms.FindingForm
    template_name = "management/form.html"
    success_message = _("Finding recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.object}

    def get_initial(self):
        return {"item": self.request.GET.get("item")}

    def get_form(self, form_class=None):
        return forms._bind(super().get_form(form_class), self.system)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Finding of %(audit)s") % {"audit": self.object}, cancel_url=self.object.get_absolute_url())
        return ctx

    def perform(self, form):
        return services.finding_record(actor=self.request.user, audit=self.object, data=form.cleaned_data)


class AuditReportFileView(ScopedFileDownloadView):
    """The generated audit report (DOCX), through carbonms.common.files."""

    model = Audit
    file_field = "report_file"


# --------------------------------------------------------------------------- nonconformities


class NcListView(SystemMixin, ListingMixin, TemplateView):
    template_name = "audits/nc_list.html"
    list_sorts = {"number": ("number", "id"), "title": ("title", "id"), "detected": ("detected_on", "id"),
                  "status": ("status", "id")}
    list_default = "-detected"
    list_search = ("number", "title")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["listing"] = self.listing(selectors.nonconformities(self.request.user, self.system))
        ctx["ncs"] = ctx["listing"].rows
        return ctx


class NcCreateView(SystemCreateView):
    form_class = forms.NonconformityForm

    def get_form(self, form_class=None):
        return forms._bind(super().get_form(form_class), self.system)

    title = _("Raise a nonconformity")
    success_message = _("Nonconformity raised.")

    cancel_name = "audits:nc_list"

    def perform(self, form):
        return services.nc_save(actor=self.request.user, system=self.system, data=form.cleaned_data)


class NcEditView(ObjectEditView):
    model = Nonconformity
    form_class = forms.NonconformityForm

    def get_form(self, form_class=None):
        return forms._bind(super().get_form(form_class), self.system)


    def perform(self, form):
        return services.nc_save(actor=self.request.user, nc=self.object, data=form.cleaned_data)


class NcDetailView(ObjectMixin, TemplateView):
    model = Nonconformity
    template_name = "audits/nc_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(actions=self.object.actions.select_related("owner"), can_change=self.system.can(self.request.user, "change"),
                   effectiveness_form=forms.EffectivenessForm())
        return ctx


class NcActionView(WorkflowActionView):
    """POST a step of the Nonconformity's workflow (audits/workflows.py); a refusal comes back with its reason."""

    model = Nonconformity


class ActionCreateView(ObjectMixin, ServiceFormView):
    model = Nonconformity
    action = "change"
    form_class = forms.ActionForm
    template_name = "management/form.html"
    success_message = _("Action saved.")

    def get_form(self, form_class=None):
        return forms._bind(super().get_form(form_class), self.system)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Action for %(nc)s") % {"nc": self.object}, cancel_url=self.object.get_absolute_url())
        return ctx

    def perform(self, form):
        return services.action_save(actor=self.request.user, nc=self.object, data=form.cleaned_data)


class ActionEditView(ObjectEditView):
    model = CorrectiveAction
    form_class = forms.ActionForm

    def perform(self, form):
        return services.action_save(actor=self.request.user, action=self.object, data=form.cleaned_data)


# --------------------------------------------------------------------------- management review


class ReviewListView(SystemMixin, ListingMixin, TemplateView):
    template_name = "audits/review_list.html"
    list_sorts = {"title": ("title", "id"), "date": ("held_on", "id"), "status": ("status", "id")}
    list_default = "-date"
    list_search = ("title",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["listing"] = self.listing(self.system.filter(ManagementReview.objects.restrict(self.request.user))
                                      .select_related("chair"))
        ctx["reviews"] = ctx["listing"].rows
        ctx["open_outputs"] = self.system.filter(ReviewOutput.objects.restrict(self.request.user)).filter(
            done_on__isnull=True).select_related("owner", "review")
        return ctx


class ReviewCreateView(SystemCreateView):
    form_class = forms.ReviewForm
    title = _("Plan a management review")
    success_message = _("Review planned; its inputs were assembled from live data.")

    cancel_name = "audits:review_list"

    def perform(self, form):
        return services.review_create(actor=self.request.user, system=self.system, data=form.cleaned_data)


class ReviewDetailView(ObjectMixin, TemplateView):
    model = ManagementReview
    template_name = "audits/review_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.object
        ctx.update(sections=[(key, label, selectors.input_rows(r.inputs.get(key, {}))) for key, label in SECTIONS],
                   outputs=r.outputs.select_related("owner"), can_change=self.system.can(self.request.user, "change"),
                   minutes_form=forms.MinutesForm(initial={"minutes": r.minutes}))
        return ctx


class ReviewActionView(WorkflowActionView):
    """POST a step of the ManagementReview's workflow (audits/workflows.py); a refusal comes back with its reason."""

    model = ManagementReview


class OutputCreateView(ObjectMixin, ServiceFormView):
    model = ManagementReview
    action = "change"
    form_class = forms.OutputForm
    template_name = "management/form.html"
    success_message = _("Decision recorded as a tracked action.")

    def get_form(self, form_class=None):
        return forms._bind(super().get_form(form_class), self.system)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Decision of %(review)s") % {"review": self.object}, cancel_url=self.object.get_absolute_url())
        return ctx

    def perform(self, form):
        return services.output_save(actor=self.request.user, review=self.object, data=form.cleaned_data)


class OutputEditView(ObjectEditView):
    model = ReviewOutput
    form_class = forms.OutputForm

    def perform(self, form):
        return services.output_save(actor=self.request.user, output=self.object, data=form.cleaned_data)


class ReviewFileView(ScopedFileDownloadView):
    """The generated management-review record (DOCX), through carbonms.common.files."""

    model = ManagementReview
    file_field = "record_file"
