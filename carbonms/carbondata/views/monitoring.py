"""Pages of monitoring plans and the measuring equipment register."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common import tenancy
from carbonms.common.views import ServiceFormView, WorkflowActionView

from .. import selectors, services
from ..forms import CalibrationForm, InstrumentForm, PlanForm, PlanItemForm
from ..models import MeasuringInstrument, MonitoringPlan
from .base import EnterpriseMixin, ObjectMixin


class MonitoringView(EnterpriseMixin, TemplateView):
    """The enterprise's monitoring plan versions and its measuring equipment register."""

    template_name = "carbondata/monitoring.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        instruments = list(selectors.instruments_for(user, self.enterprise))
        for i in instruments:
            cals = list(i.calibrations.all())
            i.latest = cals[0] if cals else None
            i.overdue = not i.valid_on(today, cals)
        ctx.update(enterprise=self.enterprise, plans=selectors.plans_for(user, self.enterprise), instruments=instruments,
                   can_add=self.can("add"))
        return ctx


class PlanDetailView(ObjectMixin, TemplateView):
    model = MonitoringPlan
    template_name = "carbondata/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p, user = self.object, self.request.user
        ctx.update(plan=p, items=p.items.select_related("source", "instrument"),
                   can_change=p.status == "draft" and tenancy.can(user, "data", "change", park_id=p.enterprise.park_id, enterprise_id=p.enterprise_id),
                   can_approve=p.status == "draft" and tenancy.can(user, "data", "approve", park_id=p.enterprise.park_id, enterprise_id=p.enterprise_id))
        return ctx


class PlanCreateView(EnterpriseMixin, ServiceFormView):
    requires = ("data", "add")
    form_class = PlanForm
    title = _("New monitoring plan version")
    success_message = _("Draft monitoring plan created.")

    def perform(self, form):
        return services.plan_create(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


class PlanItemCreateView(ObjectMixin, ServiceFormView):
    model = MonitoringPlan
    action = "change"
    form_class = PlanItemForm
    title = _("Add a data item to the monitoring plan")
    success_message = _("Data item saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.object}

    def perform(self, form):
        return services.plan_item_save(actor=self.request.user, plan=self.object, data=form.cleaned_data)


class PlanActionView(WorkflowActionView):
    """POST a step of the plan's workflow (carbondata/workflows.py); the URL names the step."""

    model = MonitoringPlan
    action = "approve"  # the only step; without the right the page answers 403 even to a GET
    http_method_names = ["post"]


class InstrumentCreateView(EnterpriseMixin, ServiceFormView):
    requires = ("data", "add")
    form_class = InstrumentForm
    title = _("Add measuring equipment")
    success_message = _("Measuring equipment saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}

    def perform(self, form):
        return services.instrument_save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


class InstrumentDetailView(ObjectMixin, TemplateView):
    model = MeasuringInstrument
    template_name = "carbondata/instrument_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        i = self.object
        cals = list(i.calibrations.all())
        ctx.update(instrument=i, calibrations=cals, overdue=not i.valid_on(timezone.localdate(), cals),
                   can_change=tenancy.can(self.request.user, "data", "change", park_id=i.enterprise.park_id, enterprise_id=i.enterprise_id))
        return ctx


class CalibrationCreateView(ObjectMixin, ServiceFormView):
    model = MeasuringInstrument
    action = "change"
    form_class = CalibrationForm
    title = _("Add a calibration record")
    success_message = _("Calibration saved.")

    def perform(self, form):
        services.calibration_add(actor=self.request.user, instrument=self.object, data=form.cleaned_data)
        return self.object
