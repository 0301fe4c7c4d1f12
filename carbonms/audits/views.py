"""Pages for audits, nonconformities and management reviews. Thin: tenancy for access, services for writes."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common.files import ScopedFileDownloadView
from carbonms.common.views import ServiceFormView
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


class AuditListView(SystemMixin, TemplateView):
    template_name = "audits/audit_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            programmes=self.system.filter(AuditProgramme.objects.restrict(user)),
            audits=self.system.filter(Audit.objects.restrict(user)).select_related("lead").prefetch_related("areas"),
            suggestion=services.frequency_suggestion(self.system),
            can_plan=self.system.can(user, "add", "audit"),
        )
        return ctx


class ProgrammeCreateView(SystemCreateView):
    form_class = forms.ProgrammeForm
    domain = "audit"
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
    domain = "audit"
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


class AuditActionView(ObjectMixin, TemplateView):
    model = Audit

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        step = kwargs["step"]
        try:
            if step == "checklist":
                n = services.checklist_generate(actor=request.user, audit=self.object)
                messages.success(request, _("%(n)d checklist items generated from the standard's clauses.") % {"n": n})
            elif step == "report":
                services.audit_report(actor=request.user, audit=self.object, overview=request.POST.get("overview", ""),
                                      conclusion=request.POST.get("conclusion", ""))
                messages.success(request, _("Audit reported; the report is ready to download."))
            else:
                raise Http404
        except ValidationError as exc:
            _refused(request, exc)
        return redirect(self.object.get_absolute_url())


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


class NcListView(SystemMixin, TemplateView):
    template_name = "audits/nc_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ncs"] = selectors.nonconformities(self.request.user, self.system)
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


class NcActionView(ObjectMixin, TemplateView):
    model = Nonconformity

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        step = kwargs["step"]
        try:
            if step == "review":
                services.nc_review_effectiveness(actor=request.user, nc=self.object,
                                                 review=request.POST.get("effectiveness_review", ""),
                                                 effective=request.POST.get("effective") in ("on", "true", "1"))
                messages.success(request, _("Effectiveness review recorded."))
            elif step == "close":
                services.nc_close(actor=request.user, nc=self.object)
                messages.success(request, _("Nonconformity closed."))
            else:
                raise Http404
        except ValidationError as exc:
            _refused(request, exc)
        return redirect(self.object.get_absolute_url())


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


class ReviewListView(SystemMixin, TemplateView):
    template_name = "audits/review_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reviews"] = self.system.filter(ManagementReview.objects.restrict(self.request.user)).select_related("chair")
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


class ReviewActionView(ObjectMixin, TemplateView):
    model = ManagementReview

    def get(self, request, *args, **kwargs):
        return redirect(self.object.get_absolute_url())

    def post(self, request, *args, **kwargs):
        step = kwargs["step"]
        try:
            if step == "refresh":
                services.review_refresh_inputs(actor=request.user, review=self.object)
                messages.success(request, _("Inputs assembled again from live data."))
            elif step == "hold":
                services.review_hold(actor=request.user, review=self.object, minutes=request.POST.get("minutes", ""))
                messages.success(request, _("Review held; the record is ready to download."))
            else:
                raise Http404
        except ValidationError as exc:
            _refused(request, exc)
        return redirect(self.object.get_absolute_url())


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
