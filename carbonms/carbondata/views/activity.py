"""Pages of activity data: the entry grid, a value with its versions and evidence, corrections,
the review queue and closing a period."""
from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common import tenancy
from carbonms.common.files import ScopedFileDownloadView
from carbonms.common.views import ScopedPageView, ServiceFormView, WorkflowActionView

from .. import selectors, services
from ..forms import CorrectionForm, EvidenceForm
from ..models import ActivityRecord, Evidence, PeriodLock, Source
from .base import EnterpriseMixin, ObjectMixin, year_param

S = ActivityRecord.Status
CELL_NAME = re.compile(r"v_(\d{1,12})_(\d{1,2})")  # v_<source id>_<month>, as the grid names its inputs
EDITABLE = (S.DRAFT, S.REJECTED)


class GridView(EnterpriseMixin, TemplateView):
    """Sources × months with status colours; drafts are edited in place and submitted together."""

    template_name = "carbondata/grid.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = year_param(self.request)
        can_add = self.can("add")
        rows = selectors.grid(self.request.user, self.enterprise, year)
        for row in rows:
            for cell in row["cells"]:
                r = cell["record"]
                cell["editable"] = can_add and row["source"].status == "active" and (r is None or r.status in EDITABLE)
                cell["name"] = f"v_{row['source'].pk}_{cell['month']}"
                cell["posted"] = self.request.POST.get(cell["name"]) if self.request.method == "POST" else None
        ctx.update(enterprise=self.enterprise, year=year, rows=rows, months=range(1, 13), can_add=can_add,
                   can_approve=self.can("approve"), errors=kwargs.get("errors", []), findings=kwargs.get("findings"),
                   counts=selectors.status_counts(self.request.user, self.enterprise, year),
                   locked=set(PeriodLock.objects.restrict(self.request.user).filter(enterprise=self.enterprise, year=year).values_list("month", flat=True)),
                   statuses=S.choices)
        return ctx

    def post(self, request, *args, **kwargs):
        year = year_param(request)
        action = request.POST.get("action", "save")
        user = request.user
        if action == "lock":
            try:
                services.period_lock(actor=user, enterprise=self.enterprise, year=year, month=int(request.POST.get("month", 0)))
                messages.success(request, gettext("The period is locked."))
            except (ValidationError, ValueError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(f"{request.path}?year={year}")
        tenancy.require(user, "data", "add", park_id=self.enterprise.park_id, enterprise_id=self.enterprise.pk)
        sources = {s.pk: s for s in Source.objects.restrict(user, "add").filter(enterprise=self.enterprise)}
        cells = {}
        for key, value in request.POST.items():
            cell = CELL_NAME.fullmatch(key)
            if cell is None or not value.strip():
                continue  # not a grid cell (or a forged name): nothing to save
            source, month = sources.get(int(cell.group(1))), int(cell.group(2))
            if source is not None and 1 <= month <= 12:
                cells[(source, month)] = value.strip()
        errors = []
        try:
            with transaction.atomic():
                errors = services.activity_save_grid(actor=user, enterprise=self.enterprise, year=year, cells=cells)
                if errors:
                    raise ValidationError(errors)
                findings = None
                if action == "submit":
                    drafts = ActivityRecord.objects.restrict(user, "change").filter(enterprise=self.enterprise, year=year, status__in=EDITABLE)
                    drafts = list(drafts.select_related("source", "enterprise"))
                    if drafts:
                        findings = services.activity_submit(actor=user, records=drafts)
        except ValidationError:
            return self.render_to_response(self.get_context_data(errors=errors))
        if action == "submit":
            messages.success(request, gettext("Submitted for review.") if findings is not None else gettext("There is no draft to submit."))
            if findings:
                return self.render_to_response(self.get_context_data(findings=findings))
        else:
            messages.success(request, gettext("Drafts saved."))
        return redirect(f"{request.path}?year={year}")


class ActivityDetailView(ObjectMixin, TemplateView):
    model = ActivityRecord
    template_name = "carbondata/activity_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        can = lambda a: tenancy.can(user, "data", a, park_id=r.enterprise.park_id, enterprise_id=r.enterprise_id)  # noqa: E731
        ctx.update(record=r, versions=ActivityRecord.objects.restrict(user).filter(source=r.source, year=r.year, month=r.month)
                   .select_related("entered_by", "reviewed_by").order_by("-version"),
                   evidence=r.evidence.select_related("uploaded_by"), can_add=can("add"),
                   can_correct=can("change") and r.is_current and r.status in (S.APPROVED, S.LOCKED))
        return ctx


class ActivityActionView(WorkflowActionView):
    """POST a step of the value's workflow (carbondata/workflows.py: submit, approve, return)."""

    model = ActivityRecord
    url_choices = {"step": ("submit", "approve", "return")}  # a correction has its own form


class CorrectView(ObjectMixin, ServiceFormView):
    model = ActivityRecord
    action = "change"
    form_class = CorrectionForm
    title = _("Correct an approved value")
    success_message = _("Correction saved as a new draft version.")

    def perform(self, form):
        return services.activity_correct(actor=self.request.user, record=self.object, **form.cleaned_data)


class EvidenceUploadView(ObjectMixin, ServiceFormView):
    model = ActivityRecord
    action = "add"
    form_class = EvidenceForm
    template_name = "carbondata/form_upload.html"
    title = _("Attach evidence")
    success_message = _("Evidence attached.")

    def perform(self, form):
        services.evidence_attach(actor=self.request.user, enterprise=self.object.enterprise, activity=self.object,
                                 **form.cleaned_data)
        return self.object


class EvidenceDownloadView(ScopedFileDownloadView):
    """The evidence file under the name it was uploaded with (carbonms.common.files decides inline or not)."""

    model = Evidence
    filename_attr = "original_name"


class ReviewView(ScopedPageView):
    """Submitted values the user may approve, with their data-quality findings."""

    template_name = "carbondata/review.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["records"] = selectors.review_rows(self.request.user)[:500]
        return ctx

    def post(self, request, *args, **kwargs):
        ids = [int(i) for i in request.POST.getlist("record") if i.isdigit()]
        records = list(selectors.review_queue(request.user).filter(pk__in=ids))
        if not records:
            messages.error(request, gettext("Select the values to review."))
            return HttpResponseRedirect(reverse("carbondata:review"))
        try:
            if request.POST.get("action") == "return":
                services.activity_return(actor=request.user, records=records, comment=request.POST.get("comment", ""))
                messages.success(request, ngettext("%(n)d value returned.", "%(n)d values returned.", len(records)) % {"n": len(records)})
            else:
                services.activity_approve(actor=request.user, records=records, comment=request.POST.get("comment", ""))
                messages.success(request, ngettext("%(n)d value approved.", "%(n)d values approved.", len(records)) % {"n": len(records)})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("carbondata:review"))
