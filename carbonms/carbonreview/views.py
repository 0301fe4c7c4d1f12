"""Pages of indicators, deviation investigations and carbon reviews. Thin: tenancy for access, services for writes."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common.views import ListingMixin, ScopedActionView, ServiceFormView, WorkflowActionView
from carbonms.management import system as systems
from carbonms.management.views import ObjectEditView, ObjectMixin, SystemCreateView, SystemMixin

from . import forms, indicators, sections, selectors, services
from .models import CarbonReview, DeviationInvestigation, Indicator, ReviewSection
from .workflows import CARBON_REVIEW

DOMAIN = "planning"


def start(request):
    """The carbon reviews of the user's home system."""
    s = systems.home_system(request.user)
    if s is None:
        raise Http404
    return redirect("carbonreview:reviews", s.slug)


def indicators_start(request):
    s = systems.home_system(request.user)
    if s is None:
        raise Http404
    return redirect("carbonreview:indicators", s.slug)


class PlanningSystemMixin(SystemMixin):
    domain = DOMAIN

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = self.system.can(self.request.user, "add", DOMAIN)
        return ctx


# -- indicators ---------------------------------------------------------------------------------------------------

class IndicatorListView(PlanningSystemMixin, ListingMixin, TemplateView):
    template_name = "carbonreview/indicator_list.html"
    list_sorts = {"code": ("code", "id"), "name": ("name", "id"), "kind": ("kind", "id"), "frequency": ("frequency", "id")}
    list_default = "code"
    list_search = ("code", "name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["listing"] = self.listing(selectors.indicators_for(self.request.user, self.system))
        ctx["rows"] = selectors.indicator_table(self.request.user, self.system, ctx["listing"].rows)
        ctx["investigations"] = selectors.investigations_for(self.request.user, self.system)[:20]
        return ctx


class IndicatorCreateView(SystemCreateView):
    form_class = forms.IndicatorForm
    requires = (DOMAIN, "add")
    title = _("New performance indicator")
    success_message = _("Indicator registered; its values are computed from the statements in force.")
    cancel_name = "carbonreview:indicators"

    def perform(self, form):
        return services.indicator_save(actor=self.request.user, system=self.system, data=form.cleaned_data)


class IndicatorEditView(ObjectEditView):
    model = Indicator
    form_class = forms.IndicatorForm

    def perform(self, form):
        return services.indicator_save(actor=self.request.user, indicator=self.object, data=form.cleaned_data)


class IndicatorDetailView(ObjectMixin, TemplateView):
    model = Indicator
    template_name = "carbonreview/indicator_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ind = self.object
        values = indicators.series(ind)
        investigated = set(ind.investigations.values_list("year", flat=True))
        user = self.request.user
        from .planning_data import safe_url

        ctx.update(values=values, unit=indicators.unit_of(ind), investigated=investigated,
                   baseline_url=safe_url(ind.baseline) if ind.baseline_id else "",
                   investigations=ind.investigations.restrict(user).select_related("nonconformity"),
                   can_change=self.system.can(user, "change", DOMAIN), can_add=self.system.can(user, "add", DOMAIN),
                   performance=[(v.year, indicators.baseline_performance(ind, v.year, v)) for v in values],
                   chart_option=_chart(values, indicators.unit_of(ind)))
        return ctx


def _chart(values, unit) -> dict:
    """The ECharts option of an indicator: its value and its expected value per year."""
    fl = lambda x: None if x is None else float(x)  # noqa: E731
    return {"tooltip": {"trigger": "axis"}, "legend": {"top": 0}, "grid": {"left": 60, "right": 20, "top": 30, "bottom": 30},
            "xAxis": {"type": "category", "data": [str(v.year) for v in values]}, "yAxis": {"type": "value", "name": unit},
            "series": [{"name": str(_("Value")), "type": "line", "data": [fl(v.value) for v in values]},
                       {"name": str(_("Expected")), "type": "line", "lineStyle": {"type": "dashed"},
                        "data": [fl(v.expected) for v in values]}]}


class InvestigationOpenView(ScopedActionView):
    """POST: open the deviation investigation of an indicator and year (refused with the reason when not needed)."""

    model = Indicator
    requires = (DOMAIN, "add")

    def post(self, request, *args, **kwargs):
        try:
            inv = services.investigation_open(actor=request.user, indicator=self.object, year=int(kwargs["year"]))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect(self.object.get_absolute_url())
        messages.success(request, _("Investigation opened: record the causes and the conclusion."))
        return redirect(inv.get_absolute_url())


# -- investigations -----------------------------------------------------------------------------------------------

class InvestigationListView(PlanningSystemMixin, ListingMixin, TemplateView):
    template_name = "carbonreview/investigation_list.html"
    list_sorts = {"year": ("year", "id"), "deviation": ("deviation_pct", "id"), "status": ("status", "id")}
    list_default = "-year"
    list_search = ("indicator__code", "indicator__name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["listing"] = self.listing(selectors.investigations_for(self.request.user, self.system))
        ctx["investigations"] = ctx["listing"].rows
        return ctx


class InvestigationDetailView(ObjectMixin, TemplateView):
    model = DeviationInvestigation
    template_name = "carbonreview/investigation_detail.html"


class InvestigationConcludeView(ObjectMixin, ServiceFormView):
    model = DeviationInvestigation
    action = "change"
    form_class = forms.ConcludeForm
    template_name = "management/form.html"
    success_message = _("Investigation concluded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["scope"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("Conclude: %(record)s") % {"record": self.object}, cancel_url=self.object.get_absolute_url())
        return ctx

    def perform(self, form):
        from .workflows import INVESTIGATION

        return INVESTIGATION.run("conclude", actor=self.request.user, obj=self.object, data=form.cleaned_data)


class InvestigationActionView(WorkflowActionView):
    model = DeviationInvestigation


# -- carbon reviews -----------------------------------------------------------------------------------------------

class ReviewListView(PlanningSystemMixin, ListingMixin, TemplateView):
    template_name = "carbonreview/review_list.html"
    list_sorts = {"year": ("year", "version", "id"), "status": ("status", "id")}
    list_default = "-year"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["listing"] = self.listing(selectors.reviews_for(self.request.user, self.system))
        ctx["reviews"] = ctx["listing"].rows
        return ctx


class ReviewCreateView(SystemCreateView):
    form_class = forms.ReviewCreateForm
    requires = (DOMAIN, "add")
    title = _("Start the carbon review of a year")
    success_message = _("Carbon review started: every item was pre-filled from the data.")
    cancel_name = "carbonreview:reviews"

    def perform(self, form):
        return services.review_create(actor=self.request.user, system=self.system, year=form.cleaned_data["year"],
                                      criteria=form.cleaned_data.get("criteria") or "")


class ReviewDetailView(ObjectMixin, TemplateView):
    model = CarbonReview
    template_name = "carbonreview/review_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.object
        user = self.request.user
        editable = r.status == CarbonReview.Status.DRAFT and self.system.can(user, "change", DOMAIN)
        by_key = {s.key: s for s in r.sections.all()}
        groups = []
        for key, label in sections.GROUPS:
            items = [(i, by_key[i.key]) for i in sections.ITEMS if i.group == key and i.key in by_key]
            if items:
                groups.append({"key": key, "label": label, "items": [
                    {"item": i, "section": s, "form": forms.SectionForm(initial={"findings": s.findings, "conclusion": s.conclusion},
                                                                        prefix=f"s{s.pk}") if editable else None}
                    for i, s in items]})
        concluded = sum(1 for s in by_key.values() if s.conclusion)
        ctx.update(groups=groups, editable=editable, concluded=concluded, total=len(by_key),
                   can_file_report=self.system.can(user, "change"),
                   triggers=selectors.update_triggers(r), approve_form=forms.ApproveForm(initial={"summary": r.summary}),
                   versions=CarbonReview.objects.restrict(user).filter(park_id=r.park_id, enterprise_id=r.enterprise_id,
                                                                      year=r.year).order_by("-version"))
        return ctx


class SectionSaveView(ScopedActionView):
    """POST the findings and conclusion of one item."""

    model = ReviewSection
    action = "change"

    def post(self, request, *args, **kwargs):
        form = forms.SectionForm(request.POST, prefix=f"s{self.object.pk}")
        url = self.object.get_absolute_url()
        if not form.is_valid():
            messages.error(request, _("Choose a conclusion from the list."))
            return redirect(url)
        try:
            services.section_save(actor=request.user, section=self.object, findings=form.cleaned_data["findings"],
                                  conclusion=form.cleaned_data["conclusion"] or "")
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Item saved."))
        return redirect(url)


class ReviewActionView(WorkflowActionView):
    model = CarbonReview


class ReviewUpdateView(ObjectMixin, ServiceFormView):
    """Start a new version of an approved review (T/CPQS 7.3.1)."""

    model = CarbonReview
    requires = (DOMAIN, "add")
    form_class = forms.UpdateForm
    template_name = "management/form.html"
    success_message = _("New version started; its data were assembled again.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.object}

    def get_initial(self):
        return {"trigger": "\n".join(t["text"] for t in selectors.update_triggers(self.object))}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("New version of %(record)s") % {"record": self.object}, cancel_url=self.object.get_absolute_url())
        return ctx

    def form_valid(self, form):
        CARBON_REVIEW.require_permission(self.request.user, self.object, "update")
        return super().form_valid(form)

    def perform(self, form):
        return CARBON_REVIEW.run("update", actor=self.request.user, obj=self.object, data=form.cleaned_data)
