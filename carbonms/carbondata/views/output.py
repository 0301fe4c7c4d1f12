"""Pages of output and economic data (issue 10 item 3): the enterprise's products × months grid with its
economic figures, the park's year grid, a record with its versions and evidence, corrections, the review."""
from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common import tenancy
from carbonms.common.views import ScopedPageView, ServiceFormView, WorkflowActionView
from carbonms.organizations.models import Enterprise

from .. import output_selectors as selectors
from ..forms import EvidenceForm
from ..models import EconomicRecord, PeriodLock, Product, ProductionRecord
from ..output_forms import EconomicForm, ProductForm, ProductionCorrectionForm
from ..services import output as services
from .base import PARK, EnterpriseMixin, ObjectMixin, year_param

S = ProductionRecord.Status
CELL_NAME = re.compile(r"q_(\d{1,12})_(\d{1,2})")  # q_<product id>_<month>, as the grid names its inputs
EDITABLE = (S.DRAFT, S.REJECTED)
FIGURES = ("output_value_10k_yuan", "value_added_10k_yuan", "price_basis", "price_base_year", "revenue_10k_yuan",
           "employees", "gdp_10k_yuan", "note")


class OutputView(EnterpriseMixin, TemplateView):
    """Products × months of a year (drafts edited in place, submitted together) and the year's economic figures."""

    template_name = "carbondata/output.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year, user = year_param(self.request), self.request.user
        can_add = self.can("add")
        rows = selectors.production_grid(user, self.enterprise, year)
        for row in rows:
            for cell in row["cells"]:
                r = cell["record"]
                cell["editable"] = can_add and row["product"].active and (r is None or r.status in EDITABLE)
                cell["name"] = f"q_{row['product'].pk}_{cell['month']}"
                cell["posted"] = self.request.POST.get(cell["name"]) if self.request.method == "POST" else None
        economic = selectors.economic_for(user, park=self.enterprise.park, enterprise=self.enterprise, year=year).first()
        ctx.update(enterprise=self.enterprise, year=year, rows=rows, months=range(1, 13), can_add=can_add,
                   can_approve=self.can("approve"), errors=kwargs.get("errors", []), economic=economic,
                   locked=set(PeriodLock.objects.restrict(user).filter(enterprise=self.enterprise, year=year)
                              .values_list("month", flat=True)))
        return ctx

    def post(self, request, *args, **kwargs):
        year, user = year_param(request), request.user
        tenancy.require(user, "data", "add", park_id=self.enterprise.park_id, enterprise_id=self.enterprise.pk)
        products = {p.pk: p for p in Product.objects.restrict(user, "add").filter(enterprise=self.enterprise)}
        errors: list[str] = []
        submitted = False
        try:
            with transaction.atomic():
                for key, value in request.POST.items():
                    cell = CELL_NAME.fullmatch(key)
                    if cell is None or not value.strip():
                        continue
                    pid, month = int(cell.group(1)), int(cell.group(2))
                    product = products.get(pid)
                    if product is None or not 1 <= month <= 12:
                        continue
                    current = (ProductionRecord.objects.restrict(user)
                               .filter(product=product, year=year, month=month, is_current=True).first())
                    if current is not None and (current.status not in EDITABLE or str(current.quantity.normalize()) == value.strip()):
                        continue
                    try:
                        services.production_save(actor=user, product=product, year=year, month=month, quantity=value)
                    except ValidationError as exc:
                        errors += [f"{product.code} {month:02d}: {m}" for m in exc.messages]
                if errors:
                    raise ValidationError(errors)
                if request.POST.get("action") == "submit":
                    drafts = list(ProductionRecord.objects.restrict(user, "change")
                                  .filter(enterprise=self.enterprise, year=year, status__in=EDITABLE))
                    if drafts:
                        services.output_submit(actor=user, records=drafts)
                        submitted = True
        except ValidationError:
            return self.render_to_response(self.get_context_data(errors=errors))
        if request.POST.get("action") == "submit":
            messages.success(request, gettext("Submitted for review.") if submitted else gettext("There is no draft to submit."))
        else:
            messages.success(request, gettext("Drafts saved."))
        return redirect(f"{request.path}?year={year}")


class ProductCreateView(EnterpriseMixin, ServiceFormView):
    requires = ("data", "add")
    form_class = ProductForm
    title = _("Add a product")
    success_message = _("Product saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.enterprise}

    def perform(self, form):
        return services.product_save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


class ProductEditView(ObjectMixin, ServiceFormView):
    model = Product
    action = "change"
    form_class = ProductForm
    edits_object = True
    title = _("Edit the product")
    success_message = _("Product saved.")

    def perform(self, form):
        return services.product_save(actor=self.request.user, enterprise=self.object.enterprise, instance=self.object,
                                     data=form.cleaned_data)


class _RecordView(ObjectMixin, TemplateView):
    """A production or economic record with its versions, evidence and the steps the user may take."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.object
        ctx.update(record=r, versions=self.versions().select_related("entered_by", "reviewed_by").order_by("-version"),
                   evidence=r.evidence.select_related("uploaded_by"), can_add=self.can("add"))
        return ctx


class ProductionDetailView(_RecordView):
    model = ProductionRecord
    select_related = ("product", "enterprise__park")
    template_name = "carbondata/production_detail.html"

    def versions(self):
        r = self.object
        return ProductionRecord.objects.restrict(self.request.user).filter(product=r.product_id, year=r.year, month=r.month)


class ProductionActionView(WorkflowActionView):
    """POST a step of the value's workflow (carbondata/workflows.py: submit, approve, return)."""

    model = ProductionRecord
    url_choices = {"step": ("submit", "approve", "return")}  # a correction has its own form


class ProductionCorrectView(ObjectMixin, ServiceFormView):
    model = ProductionRecord
    action = "change"
    form_class = ProductionCorrectionForm
    title = _("Correct an approved output value")
    success_message = _("Correction saved as a new draft version.")

    def perform(self, form):
        return services.production_correct(actor=self.request.user, record=self.object, **form.cleaned_data)


class _EvidenceView(ObjectMixin, ServiceFormView):
    action = "add"
    form_class = EvidenceForm
    template_name = "carbondata/form_upload.html"
    title = _("Attach evidence")
    success_message = _("Evidence attached.")

    def perform(self, form):
        services.output_evidence_attach(actor=self.request.user, record=self.object, **form.cleaned_data)
        return self.object


class ProductionEvidenceView(_EvidenceView):
    model = ProductionRecord


class EconomicEvidenceView(_EvidenceView):
    model = EconomicRecord


class _EconomicEntry(ServiceFormView):
    """Enter or change the draft economic figures of a year (the current draft is the form's start)."""

    requires = ("data", "add")
    form_class = EconomicForm
    success_message = _("Economic figures saved as a draft.")

    def owner(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_form_kwargs(self):
        park, enterprise = self.owner()
        return {**super().get_form_kwargs(), "park_level": enterprise is None, "scope": enterprise or park}

    def get_initial(self):
        park, enterprise = self.owner()
        year = year_param(self.request)
        current = selectors.economic_for(self.request.user, park=park, enterprise=enterprise, year=year)
        current = current.filter(enterprise__isnull=True).first() if enterprise is None else current.first()
        initial = {"year": year}
        if current is not None:
            initial.update({f: getattr(current, f) for f in FIGURES})
        return initial

    def perform(self, form):
        park, enterprise = self.owner()
        data = {f: form.cleaned_data.get(f) for f in FIGURES}
        return services.economic_save(actor=self.request.user, park=park, enterprise=enterprise,
                                      year=form.cleaned_data["year"], data=data)


class EconomicCreateView(EnterpriseMixin, _EconomicEntry):
    title = _("Economic figures of the enterprise")

    def owner(self):
        return self.enterprise.park, self.enterprise


class ParkEconomicCreateView(_EconomicEntry):
    parent = PARK
    title = _("Economic figures of the park")

    def owner(self):
        return self.park, None


class EconomicDetailView(_RecordView):
    model = EconomicRecord
    select_related = ("park", "enterprise")
    template_name = "carbondata/economic_detail.html"

    def versions(self):
        return selectors.economic_history(self.request.user, self.object)


class EconomicActionView(WorkflowActionView):
    model = EconomicRecord
    url_choices = {"step": ("submit", "approve", "return", "lock")}


class EconomicCorrectView(ObjectMixin, ServiceFormView):
    model = EconomicRecord
    action = "change"
    form_class = EconomicForm
    title = _("Correct approved economic figures")
    success_message = _("Correction saved as a new draft version.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park_level": self.object.enterprise_id is None, "correction": True}

    def get_initial(self):
        return {f: getattr(self.object, f) for f in FIGURES}

    def perform(self, form):
        return services.economic_correct(actor=self.request.user, record=self.object, data=form.cleaned_data,
                                         reason=form.cleaned_data["reason"])


class ParkOutputView(ScopedPageView):
    """The park's year: each enterprise's economic figures and approved output, the park's own record and
    the denominators of the park's intensity."""

    parent = PARK
    park_staff_only = True
    template_name = "carbondata/park_output.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year, user = year_param(self.request), self.request.user
        records = {r.enterprise_id: r for r in selectors.economic_for(user, park=self.park, year=year)}
        enterprises = Enterprise.objects.restrict(user).filter(park=self.park).order_by("kind", "name")
        rows = [{"enterprise": e, "economic": records.get(e.pk)} for e in enterprises]
        ctx.update(park=self.park, year=year, rows=rows, park_record=records.get(None),
                   denominators=selectors.denominators(park=self.park, year=year), can_add=self.can("add", "data"))
        return ctx


class OutputReviewView(ScopedPageView):
    """Submitted output and economic figures the user may approve."""

    template_name = "carbondata/output_review.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        queue = selectors.output_review_queue(self.request.user)
        ctx.update(production=queue["production"][:500], economic=queue["economic"][:200])
        return ctx

    def post(self, request, *args, **kwargs):
        queue = selectors.output_review_queue(request.user)
        records = [*queue["production"].filter(pk__in=[int(i) for i in request.POST.getlist("production") if i.isdigit()]),
                   *queue["economic"].filter(pk__in=[int(i) for i in request.POST.getlist("economic") if i.isdigit()])]
        if not records:
            messages.error(request, gettext("Select the values to review."))
            return HttpResponseRedirect(reverse("carbondata:output_review"))
        try:
            if request.POST.get("action") == "return":
                services.output_return(actor=request.user, records=records, comment=request.POST.get("comment", ""))
                messages.success(request, gettext("%(n)d value(s) returned.") % {"n": len(records)})
            else:
                services.output_approve(actor=request.user, records=records, comment=request.POST.get("comment", ""))
                messages.success(request, gettext("%(n)d value(s) approved.") % {"n": len(records)})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("carbondata:output_review"))
