"""Pages of the source register and the park's view of every source."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common import tenancy
from carbonms.common.pagination import paginate
from carbonms.common.views import ScopedPageView, ServiceFormView

from .. import selectors, services
from ..forms import LabForm, RetireForm, SourceForm
from ..models import ActivityRecord, Source
from .base import PARK, EnterpriseMixin, ObjectMixin


class RegisterView(EnterpriseMixin, TemplateView):
    template_name = "carbondata/register.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(enterprise=self.enterprise, sources=selectors.sources_for(self.request.user, enterprise=self.enterprise),
                   can_add=self.can("add"))
        return ctx


PARK_SOURCE_SORTS = {"enterprise": ("enterprise_id", "code", "id"), "code": ("code", "id"), "category": ("category", "code", "id")}


class ParkRegisterView(ScopedPageView):
    """Every source of the park, by category and by enterprise (park staff only)."""

    template_name = "carbondata/park_register.html"
    parent = PARK
    park_staff_only = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        qs = selectors.sources_for(user, park=self.park)
        cat = self.request.GET.get("category", "")
        if cat:
            qs = qs.filter(category=cat)
        summary = selectors.register_summary(user, self.park)
        labels = dict(Source._meta.get_field("category").choices)
        chart = {"tooltip": {"trigger": "item"}, "series": [{"type": "pie", "radius": ["45%", "72%"], "data": [
            {"name": str(labels.get(r["category"], r["category"])), "value": r["n"]} for r in summary["by_category"]]}]}
        # A page of sources (searched and sorted in the database), not the first 500 of the park's tens of thousands.
        listing = paginate(self.request, qs, sorts=PARK_SOURCE_SORTS, default="enterprise", keep=("category",),
                           search=("code", "name", "material", "enterprise__name"))
        ctx.update(park=self.park, sources=listing.rows, listing=listing, summary=summary, category=cat,
                   categories=Source._meta.get_field("category").choices, chart=chart, labels=labels)
        return ctx


class SourceDetailView(ObjectMixin, TemplateView):
    model = Source
    template_name = "carbondata/source_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s, user = self.object, self.request.user
        ctx.update(
            source=s,
            activity=ActivityRecord.objects.restrict(user).filter(source=s).select_related("entered_by", "reviewed_by")
            .order_by("-year", "-month", "-version")[:60],
            labs=s.lab_analyses.order_by("-year", "-month")[:60],
            instruments=s.instruments.prefetch_related("calibrations"),
            can_change=tenancy.can(user, "data", "change", park_id=s.enterprise.park_id, enterprise_id=s.enterprise_id),
        )
        return ctx


class SourceCreateView(EnterpriseMixin, ServiceFormView):
    requires = ("data", "add")
    form_class = SourceForm
    title = _("Add an emission source")
    success_message = _("Source saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}

    def perform(self, form):
        return services.source_save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


class SourceUpdateView(ObjectMixin, ServiceFormView):
    model = Source
    action = "change"
    form_class = SourceForm
    title = _("Edit emission source")
    success_message = _("Source saved.")
    edits_object = True

    def perform(self, form):
        return services.source_save(actor=self.request.user, source=self.object, data=form.cleaned_data)


class SourceRetireView(ObjectMixin, ServiceFormView):
    model = Source
    action = "change"
    form_class = RetireForm
    title = _("Retire emission source")
    success_message = _("Source retired.")

    def perform(self, form):
        return services.source_retire(actor=self.request.user, source=self.object, **form.cleaned_data)


class LabCreateView(ObjectMixin, ServiceFormView):
    model = Source
    action = "add"
    form_class = LabForm
    title = _("Add a lab analysis")
    success_message = _("Lab analysis saved.")

    def perform(self, form):
        services.lab_analysis_add(actor=self.request.user, source=self.object, data=form.cleaned_data)
        return self.object
