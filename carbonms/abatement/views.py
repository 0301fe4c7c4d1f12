"""Pages of the abatement app: opportunities and the MACC, action plans and their timeline, trend and pathways.

Each page names its system (``park-<id>``: the park, park staff only; ``ent-<id>``: an enterprise) or its record;
access is declared (carbonms.common.views) and every write goes through services.py.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carbonms.common.views import ListingMixin, Parent, ScopedPageView, ScopedViewMixin, ServiceFormView
from carbonms.management import system as systems

from . import forms, selectors, services
from .models import ActionLine, Opportunity, Scenario

SYSTEM = Parent("owner", attr="system", resolve=systems.resolve)


class SystemMixin(ScopedViewMixin):
    """A page of a system named by the ``owner`` URL argument (404 outside the user's scope)."""

    parent = SYSTEM
    domain = "planning"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(system=self.system, can_add=self.system.can(self.request.user, "add", "planning"))
        return ctx


class ObjectMixin(ScopedViewMixin):
    select_related = ("park", "enterprise")
    domain = "planning"

    def prepare(self):
        super().prepare()
        self.system = systems.of(self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, system=self.system, can_change=self.can("change"))
        return ctx


def _on_form(exc: ValidationError) -> ValidationError:
    """The service names a side of the activity (``activity_before`` / ``activity_after``): the form shows the
    reason under that side's material."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"activity_before": "before_material", "activity_after": "after_material"}
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


class ServiceSaveMixin:
    def perform(self, form):
        try:
            return self.save(form)
        except ValidationError as exc:
            raise _on_form(exc) from None


class SystemFormView(ServiceSaveMixin, SystemMixin, ServiceFormView):
    template_name = "abatement/form.html"
    requires = ("planning", "add")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "system": self.system}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.system.url(self.cancel_name)
        return ctx


class ObjectFormView(ServiceSaveMixin, ObjectMixin, ServiceFormView):
    template_name = "abatement/form.html"
    action = "change"
    edits_object = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "system": self.system}


def _ent(system):
    return system.enterprise


# -- opportunities and the MACC ---------------------------------------------------------------------------------------
class OpportunityListView(SystemMixin, ListingMixin, ScopedPageView):
    """The ranked register and the marginal abatement cost curve (T/CSES 6.3.1 a); T/CIECCPA 8.1)."""

    template_name = "abatement/opportunity_list.html"
    list_sorts = {"cost": ("cost_per_t", "-annual_reduction_t", "code", "id"), "code": ("code", "id"),
                  "title": ("title", "id"), "reduction": ("annual_reduction_t", "id"), "status": ("status", "id")}
    list_default = "cost"
    list_search = ("code", "title")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = selectors.opportunities(self.request.user, self.system)
        listing = self.listing(qs)
        # the curve is the register's whole (its bars: the columns of the curve only); the table is a page of it
        bars = selectors.macc(qs.only("code", "title", "capex", "delta_opex", "annual_reduction_t", "discount_rate_pct",
                                      "lifetime_years", "status").select_related(None))
        ctx.update(opportunities=listing.rows, listing=listing, bars=bars,
                   total_t=bars[-1]["cumulative_t"] if bars else 0,
                   negative_t=sum((b["abatement_t"] for b in bars if b["cost_per_t"] < 0), 0),
                   chart=selectors.macc_chart(bars, x_label=gettext("Cumulative abatement (tCO₂e/yr)"),
                                              y_label=gettext("yuan/tCO₂e")) if bars else None)
        return ctx


class OpportunityCreateView(SystemFormView):
    form_class = forms.OpportunityForm
    title = _("New abatement opportunity")
    cancel_name = "abatement:opportunities"
    success_message = _("Opportunity saved; its abatement and cost are computed.")

    def save(self, form):
        return services.opportunity_save(actor=self.request.user, data=form.service_data(), park=self.system.park,
                                         enterprise=_ent(self.system))


class OpportunityDetailView(ObjectMixin, ScopedPageView):
    model = Opportunity
    template_name = "abatement/opportunity_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_promote"] = (self.object.status == Opportunity.Status.OPEN and self.can("add") and self.can("change"))
        ctx["lines"] = self.object.action_lines.restrict(self.request.user, "view")
        return ctx


class OpportunityEditView(ObjectFormView):
    model = Opportunity
    form_class = forms.OpportunityForm
    title = _("Edit abatement opportunity")
    success_message = _("Opportunity saved; its abatement and cost are computed.")

    def save(self, form):
        return services.opportunity_save(actor=self.request.user, data=form.service_data(), instance=self.object)


class OpportunityPromoteView(ObjectFormView):
    """"Promote to action plan": a plan line made from the opportunity."""

    model = Opportunity
    action = "change"
    requires = ("planning", "add")
    edits_object = False
    form_class = forms.PromoteForm
    title = _("Promote to action plan")
    success_message = _("Action plan line created from the opportunity.")

    def save(self, form):
        return services.opportunity_promote(actor=self.request.user, opportunity=self.object, data=form.cleaned_data)


# -- action plans ---------------------------------------------------------------------------------------------------
class ActionListView(SystemMixin, ListingMixin, ScopedPageView):
    """The action plan (措施计划 / 实施方案) with its Gantt-like timeline."""

    template_name = "abatement/action_list.html"
    list_sorts = {"start": ("start_date", "code", "id"), "code": ("code", "id"), "measure": ("measure", "id"),
                  "status": ("status", "id"), "budget": ("budget", "id")}
    list_default = "start"
    list_search = ("code", "measure", "department")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = selectors.actions(self.request.user, self.system)
        listing = self.listing(qs)
        lines = listing.rows  # the timeline shows the lines of the page; the totals are the plan's, from the database
        live = ~Q(status=ActionLine.Status.CANCELLED)
        totals = qs.order_by().aggregate(expected_t=Sum("annual_reduction_t", filter=live),
                                         verified_t=Sum("verified_reduction_t"), budget=Sum("budget", filter=live))
        ctx.update(lines=lines, listing=listing, chart=selectors.gantt_chart(lines, today=timezone.localdate()) if lines else None,
                   **{k: v or 0 for k, v in totals.items()})
        return ctx


class ActionCreateView(SystemFormView):
    form_class = forms.ActionLineForm
    title = _("New action plan line")
    cancel_name = "abatement:actions"
    success_message = _("Action plan line saved; its expected reduction is computed.")

    def save(self, form):
        return services.action_save(actor=self.request.user, data=form.service_data(), park=self.system.park,
                                    enterprise=_ent(self.system))


class ActionDetailView(ObjectMixin, ScopedPageView):
    model = ActionLine
    select_related = ("park", "enterprise", "target", "opportunity", "responsible")
    template_name = "abatement/action_detail.html"


class ActionEditView(ObjectFormView):
    model = ActionLine
    form_class = forms.ActionLineForm
    title = _("Edit action plan line")
    success_message = _("Action plan line saved; its expected reduction is computed.")

    def save(self, form):
        return services.action_save(actor=self.request.user, data=form.service_data(), instance=self.object)


# -- trend and pathways ---------------------------------------------------------------------------------------------
class PathwayView(SystemMixin, ScopedPageView):
    """History from the statements in force, the LMDI-I decomposition and the scenario pathways (T/CSES 6.3.1 b))."""

    template_name = "abatement/pathway.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = selectors.pathway(self.request.user, self.system)
        years = sorted(data["history"])
        lmdi = None
        if len(years) >= 2:
            y0, y1 = self._years(years)
            lmdi = selectors.decomposition(self.system, y0, y1)
        labels = {"history": gettext("History (statements in force)"), "peak": gettext("Peak"), "target": gettext("Target")}
        ctx.update(data=data, years=years, lmdi=lmdi, lmdi_rows=self._lmdi_rows(lmdi),
                   chart=selectors.pathway_chart(data, labels) if data["history"] else None)
        return ctx

    def _years(self, years):
        def pick(name, default):
            v = self.request.GET.get(name, "")
            return int(v) if v.isdigit() and int(v) in years else default
        y0, y1 = pick("from", years[-2]), pick("to", years[-1])
        return (y0, y1) if y0 != y1 else (years[-2], years[-1])

    @staticmethod
    def _lmdi_rows(lmdi):
        if not lmdi or "effects" not in lmdi:
            return []
        names = {"activity": gettext("Output (activity)"), "structure": gettext("Structure"),
                 "energy_intensity": gettext("Energy intensity"), "carbon_intensity": gettext("Carbon intensity of energy")}
        return [(names[k], lmdi["effects"][k]) for k in names]


class ScenarioCreateView(SystemFormView):
    form_class = forms.ScenarioForm
    title = _("New pathway scenario")
    cancel_name = "abatement:pathway"
    success_message = _("Scenario saved.")

    def save(self, form):
        return services.scenario_save(actor=self.request.user, data=form.cleaned_data, park=self.system.park,
                                      enterprise=_ent(self.system))


class ScenarioEditView(ObjectFormView):
    model = Scenario
    form_class = forms.ScenarioForm
    title = _("Edit pathway scenario")
    success_message = _("Scenario saved.")

    def save(self, form):
        return services.scenario_save(actor=self.request.user, data=form.cleaned_data, instance=self.object)
