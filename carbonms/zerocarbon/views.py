"""Pages of the zero-carbon plan (T/CSES 6.3.3) and the technology positive list (6.3.4). Thin: access declared,
reads through selectors, writes through services."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.common import tenancy
from carbonms.common.views import (
    ListingMixin,
    Parent,
    ScopedDetailView,
    ScopedPageView,
    ServiceFormView,
    WorkflowActionView,
)
from carbonms.inventory.statements import official_statements
from carbonms.organizations.models import Park

from . import selectors, services
from .forms import (
    DemonstrationForm,
    EvaluationForm,
    IndicatorValueForm,
    InfrastructureForm,
    PlanTargetForm,
    SupplyForm,
    TechnologyForm,
    ZeroCarbonPlanForm,
)
from .models import Infrastructure, Technology, ZeroCarbonPlan

PARK = Parent("park_pk", Park, "park")


def _year(request, park) -> int:
    """?year=, else the latest year with a park statement in force, else last year."""
    try:
        y = int(request.GET.get("year", ""))
        if 2000 <= y <= 2100:
            return y
    except ValueError:
        pass
    s = official_statements(park=park, park_level=True).first()
    return s.year if s else timezone.localdate().year - 1


def _years(year: int) -> list[int]:
    last = max(year, timezone.localdate().year)
    return list(range(last, last - 8, -1))


def _can(user, action, park_id) -> bool:
    return tenancy.can(user, "governance", action, park_id=park_id)


def _chart(progress: list[dict]) -> dict:
    """ECharts option: the renewable-share targets against the actuals (the plan's headline path)."""
    rows = next((p["rows"] for p in progress if p["indicator"] == "renewable_share"), [])
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
        "grid": {"left": 44, "right": 16, "top": 16, "bottom": 56},
        "xAxis": {"type": "category", "data": [r["year"] for r in rows]},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "color": ["#94a3b8", "#0e7c66"],
        "series": [
            {"name": str(_("Target")), "type": "line", "lineStyle": {"type": "dashed"}, "data": [float(r["value"]) for r in rows]},
            {"name": str(_("Actual")), "type": "bar", "barMaxWidth": 28,
             "data": [float(r["actual"]) if r["actual"] is not None else None for r in rows]},
        ],
    }


class ParkPlanView(ScopedPageView):
    """The park's zero-carbon energy plan: the version in force with its targets against actuals, the indicator set
    of zero-carbon parks, the register's capacities and the renewable share."""

    template_name = "zerocarbon/park.html"
    parent = PARK
    park_staff_only = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, park = self.request.user, self.park
        year = _year(self.request, park)
        plan = selectors.plan_in_force(user, park)
        progress = selectors.plan_progress(plan) if plan else []
        ctx.update(
            year=year, plan=plan, progress=progress, chart=_chart(progress), versions=selectors.plans_for(user, park),
            indicators=selectors.park_indicators(park, year), share=selectors.renewable_share(park, year),
            capacities=selectors.capacities(park, min(dt.date(year, 12, 31), timezone.localdate())),
            can_add=_can(user, "add", park.pk),
        )
        return ctx


class PlanDetailView(ScopedDetailView):
    model = ZeroCarbonPlan
    template_name = "zerocarbon/plan.html"
    context_object_name = "plan"
    select_related = ("park", "drafted_by", "approved_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        progress = selectors.plan_progress(self.object)
        ctx.update(progress=progress, chart=_chart(progress),
                   can_edit=self.object.status == "draft" and _can(self.request.user, "change", self.object.park_id))
        return ctx


class PlanActionView(WorkflowActionView):
    model = ZeroCarbonPlan


class _ParkForm(ServiceFormView):
    parent = PARK
    requires = ("governance", "add")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park": self.park}


class PlanCreateView(_ParkForm):
    form_class = ZeroCarbonPlanForm
    title = _("New zero-carbon energy plan")
    success_message = _("Draft plan saved. Add its yearly targets, then have it approved.")

    def perform(self, form):
        return services.plan_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


class _PlanChild(ServiceFormView):
    model = ZeroCarbonPlan
    action = "change"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park": self.object.park}


class PlanEditView(_PlanChild):
    form_class = ZeroCarbonPlanForm
    edits_object = True
    title = _("Edit the draft plan")
    success_message = _("Plan saved.")

    def perform(self, form):
        return services.plan_save(actor=self.request.user, plan=self.object, data=form.cleaned_data)


class TargetCreateView(_PlanChild):
    form_class = PlanTargetForm
    title = _("Set a yearly target")
    success_message = _("Target saved.")

    def perform(self, form):
        return services.target_save(actor=self.request.user, plan=self.object, data=form.cleaned_data)


class InfrastructureListView(ListingMixin, ScopedPageView):
    template_name = "zerocarbon/infrastructure.html"
    list_sorts = {"default": ("kind", "name", "id"), "name": ("name", "id"), "kind": ("kind", "name", "id"),
                  "commissioned": ("commissioned_on", "id")}
    list_default = "default"
    list_search = ("name", "notes", "enterprise__name")
    parent = PARK
    park_staff_only = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, park = self.request.user, self.park
        listing = self.listing(selectors.infrastructure_for(user, park))
        ctx.update(items=listing.rows, listing=listing, today=timezone.localdate(), capacities=selectors.capacities(park, timezone.localdate()),
                   can_add=_can(user, "add", park.pk), can_change=_can(user, "change", park.pk))
        return ctx


class InfrastructureCreateView(_ParkForm):
    form_class = InfrastructureForm
    title = _("Add to the infrastructure register")
    success_message = _("Infrastructure saved.")

    def perform(self, form):
        return services.infrastructure_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


class InfrastructureEditView(ServiceFormView):
    model = Infrastructure
    action = "change"
    form_class = InfrastructureForm
    edits_object = True
    title = _("Edit infrastructure")
    success_message = _("Infrastructure saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park": self.object.park}

    def perform(self, form):
        return services.infrastructure_save(actor=self.request.user, item=self.object, data=form.cleaned_data)


class SupplyListView(ListingMixin, ScopedPageView):
    template_name = "zerocarbon/supply.html"
    list_sorts = {"default": ("-year", "kind", "id"), "kind": ("kind", "id"), "mwh": ("mwh", "id")}
    list_default = "default"
    list_search = ("reference", "enterprise__name")
    list_keep = ("year",)
    parent = PARK
    park_staff_only = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, park = self.request.user, self.park
        year = _year(self.request, park)
        listing = self.listing(selectors.supplies_for(user, park, year))
        ctx.update(year=year, years=_years(year), supplies=listing.rows, listing=listing, share=selectors.renewable_share(park, year),
                   can_add=_can(user, "add", park.pk))
        return ctx


class SupplyCreateView(_ParkForm):
    form_class = SupplyForm
    title = _("Record renewable supply")
    success_message = _("Renewable supply recorded.")

    def perform(self, form):
        return services.supply_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


class IndicatorsView(ScopedPageView):
    template_name = "zerocarbon/indicators.html"
    parent = PARK
    park_staff_only = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.request, self.park)
        ctx.update(year=year, years=_years(year), indicators=selectors.park_indicators(self.park, year),
                   can_add=_can(self.request.user, "add", self.park.pk))
        return ctx


class IndicatorValueCreateView(_ParkForm):
    form_class = IndicatorValueForm
    title = _("Record an indicator value")
    success_message = _("Indicator value saved.")

    def perform(self, form):
        return services.indicator_value_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


# -- technology positive list ---------------------------------------------------------------------------------------
class TechnologyListView(ListingMixin, ScopedPageView):
    """The list, readable by the park's enterprises, maintained by park staff (T/CSES 6.3.4)."""

    template_name = "zerocarbon/technologies.html"
    list_sorts = {"default": ("category", "name", "id"), "name": ("name", "id"), "category": ("category", "name", "id"),
                  "maturity": ("maturity", "id"), "listed": ("listed_on", "id")}
    list_default = "default"
    list_search = ("name", "reference_catalogue")
    list_keep = ("retired", "category")
    parent = PARK

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, park = self.request.user, self.park
        show_retired = self.request.GET.get("retired") == "1"
        category = self.request.GET.get("category", "")
        qs = selectors.technologies_for(user, park, listed_only=not show_retired)
        if category in Technology.Category.values:
            qs = qs.filter(category=category)
        listing = self.listing(qs)
        ctx.update(technologies=listing.rows, listing=listing, show_retired=show_retired, category=category, categories=Technology.Category.choices,
                   can_add=_can(user, "add", park.pk), today=timezone.localdate())
        return ctx


class TechnologyDetailView(ScopedDetailView):
    model = Technology
    template_name = "zerocarbon/technology.html"
    context_object_name = "technology"
    select_related = ("park", "owner")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, t = self.request.user, self.object
        ctx.update(demonstrations=selectors.demonstrations_for(user, t), evaluations=selectors.evaluations_for(user, t),
                   can_change=_can(user, "change", t.park_id), today=timezone.localdate())
        return ctx


class TechnologyCreateView(_ParkForm):
    form_class = TechnologyForm
    title = _("Add a technology to the positive list")
    success_message = _("Technology listed.")

    def perform(self, form):
        return services.technology_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


class _TechnologyForm(ServiceFormView):
    model = Technology
    action = "change"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park": self.object.park}


class TechnologyEditView(_TechnologyForm):
    form_class = TechnologyForm
    edits_object = True
    title = _("Edit the listed technology")
    success_message = _("Technology saved.")

    def perform(self, form):
        return services.technology_save(actor=self.request.user, technology=self.object, data=form.cleaned_data)


class TechnologyEvaluateView(_TechnologyForm):
    form_class = EvaluationForm
    title = _("Record an evaluation")
    success_message = _("Evaluation recorded.")

    def perform(self, form):
        return services.technology_evaluate(actor=self.request.user, technology=self.object, data=form.cleaned_data)


class DemonstrationCreateView(_TechnologyForm):
    form_class = DemonstrationForm
    title = _("Add a demonstration project")
    success_message = _("Demonstration project saved.")

    def perform(self, form):
        return services.demonstration_save(actor=self.request.user, technology=self.object, data=form.cleaned_data)
