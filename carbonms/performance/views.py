"""Pages of objectives, targets, the cascade and baselines (each declares its access: common.views)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carbonms.common import tenancy
from carbonms.common.views import (
    Parent,
    ScopedActionView,
    ScopedListView,
    ScopedPageView,
    ServiceFormView,
    WorkflowActionView,
)
from carbonms.organizations.models import Enterprise, Park

from . import selectors, services, tracking, triggers
from .forms import AllocationForm, BaselineForm, EstimateForm, ProposeForm, TargetForm, TriggerForm
from .models import (
    DEFAULT_CATEGORIES,
    Baseline,
    BaselineAdjustment,
    BaselineTrigger,
    Target,
    TargetAllocation,
)
from .workflows import ALLOCATION, TARGET


def _home(user):
    """The park of a park-staff user, or the enterprise of an enterprise user (for the list pages)."""
    for a in tenancy.active_assignments(user):
        return a.park_id, a.enterprise_id
    return None, None


# -- targets ----------------------------------------------------------------------------------------------------------
class TargetListView(ScopedListView):
    template_name = "performance/targets.html"
    list_model = Target
    context_list_name = "rows"
    list_sorts = {"cascade": ("park_id", "enterprise_id", "unit_id", "code", "id")}
    list_default = "cascade"
    list_search = ("code", "title")
    list_keep = ("all",)

    def _show_all(self) -> tuple[bool, bool]:
        park_id, ent_id = _home(self.request.user)
        park_staff = bool(park_id) and ent_id is None
        return park_staff, not park_staff or self.request.GET.get("all") == "1"

    def get_queryset(self):
        qs = selectors.targets_for(self.request.user)
        if not self._show_all()[1]:  # park staff: the park's own targets; the cascade is on each target's page
            qs = qs.filter(enterprise__isnull=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)  # a page in cascade order; the tree is drawn within the page
        user = self.request.user
        park_id, ent_id = _home(user)
        park_staff, ctx["show_all"] = self._show_all()
        ctx["park_staff"] = park_staff
        ctx["rows"] = [(depth, t, tracking.latest(t)) for depth, t in selectors.tree(ctx["rows"])]
        ctx["allocations"] = [] if park_staff else selectors.allocations_for(user).exclude(status=TargetAllocation.Status.DRAFT)
        if park_id:
            ctx["home_park"] = Park.objects.restrict(user).filter(pk=park_id).first()
            ctx["can_add_park"] = park_id and ent_id is None and tenancy.can(user, "planning", "add", park_id=park_id)
        if ent_id:
            ctx["home_enterprise"] = Enterprise.objects.restrict(user).filter(pk=ent_id).first()
            ctx["can_add_enterprise"] = tenancy.can(user, "planning", "add", park_id=park_id, enterprise_id=ent_id)
        return ctx


class TargetDetailView(ScopedPageView):
    template_name = "performance/target.html"
    model = Target
    select_related = ("park", "enterprise", "unit", "equipment", "baseline", "parent", "author", "approved_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        t, user = self.object, self.request.user
        ctx["t"] = t
        ctx["progress"] = list(t.progress.select_related("statement"))
        ctx["chart"] = selectors.chart(t)
        ctx["milestones"] = [(int(y), v) for y, v in sorted(t.milestones.items(), key=lambda kv: int(kv[0]))]
        ctx["children"] = Target.objects.restrict(user).filter(parent=t).select_related("enterprise", "unit")
        ctx["allocation"] = TargetAllocation.objects.restrict(user).filter(target=t).first()
        ctx.update(_letter_report(user, ctx["allocation"]))
        is_park_target = t.enterprise_id is None
        ctx["is_park_target"] = is_park_target
        ctx["can_change"] = (t.status == Target.Status.DRAFT and self.can("change")
                             and (not t.assigned_by_park or tenancy.is_park_member(user, t.park_id)))
        ctx["can_allocate"] = (is_park_target and t.status in (Target.Status.APPROVED, Target.Status.PUBLISHED)
                               and self.can("change") and tenancy.is_park_member(user, t.park_id))
        ctx["can_decompose"] = (t.enterprise_id is not None and t.unit_id is None
                                and t.status in (Target.Status.APPROVED, Target.Status.PUBLISHED) and self.can("add"))
        ctx["can_publish"] = TARGET.refusal(user, t, "publish") is None
        ctx["can_refresh"] = t.status == Target.Status.PUBLISHED and self.can("change")
        if is_park_target:
            ctx["rollup"] = selectors.rollup(t)
        return ctx


class _EntityCreate(ServiceFormView):
    """A new record of the park (``park`` parent) or of an enterprise (``enterprise`` parent)."""

    requires = ("planning", "add")
    counting_basis = "enterprise_inventory"

    def prepare(self):
        self.enterprise = getattr(self, "enterprise", None)
        self.park_obj = self.enterprise.park if self.enterprise else self.park
        self.scope = self.enterprise or self.park

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope, "enterprise": self.enterprise,
                "initial": {"gwp_set": self.park_obj.gwp_set, "categories": DEFAULT_CATEGORIES,
                            "counting_basis": self.counting_basis}}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return self.save(data, unit=data.pop("unit", None))


class _TargetCreate(_EntityCreate):
    form_class = TargetForm
    title = gettext_lazy("New target")
    success_message = gettext_lazy("Target saved as a draft.")

    def save(self, data, *, unit):
        return services.target_save(actor=self.request.user, park=self.park_obj, enterprise=self.enterprise, unit=unit,
                                    equipment=data.pop("equipment", None), data=data)


class ParkTargetCreateView(_TargetCreate):
    parent = Parent("pk", Park, "park")
    counting_basis = "park_total"


class EnterpriseTargetCreateView(_TargetCreate):
    parent = Parent("pk", Enterprise, "enterprise")


class TargetDecomposeView(ServiceFormView):
    """Decompose an enterprise target to an emission unit or key equipment (not weaker)."""

    parent = Parent("pk", Target, "target")
    requires = ("planning", "add")
    form_class = TargetForm
    title = gettext_lazy("Decompose the target to a unit")
    success_message = gettext_lazy("Unit target saved as a draft.")

    def get_form_kwargs(self):
        t = self.target
        return {**super().get_form_kwargs(), "scope": t.enterprise, "enterprise": t.enterprise, "decompose": True,
                "initial": {"gwp_set": t.gwp_set, "categories": t.categories, "metric": t.metric, "counting_basis": t.counting_basis,
                            "base_year": t.base_year, "target_year": t.target_year, "unit_label": t.unit_label,
                            "method": Target.Method.PCT, "code": f"{t.code}-U"}}

    def perform(self, form):
        data = dict(form.cleaned_data)
        unit, equipment = data.pop("unit", None), data.pop("equipment", None)
        return services.target_save(actor=self.request.user, park=self.target.park, enterprise=self.target.enterprise,
                                    unit=unit, equipment=equipment, parent=self.target, data=data)


class TargetEditView(ServiceFormView):
    model = Target
    action = "change"
    form_class = TargetForm
    edits_object = True
    title = gettext_lazy("Change the target")
    success_message = gettext_lazy("Target saved.")

    def get_form_kwargs(self):
        t = self.object
        return {**super().get_form_kwargs(), "scope": t, "enterprise": t.enterprise, "decompose": t.unit_id is not None}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("unit", None)
        data.pop("equipment", None)
        return services.target_save(actor=self.request.user, park=self.object.park, target=self.object, data=data)


class TargetActionView(WorkflowActionView):
    model = Target


class TargetRefreshView(ScopedActionView):
    model = Target
    action = "change"

    def post(self, request, *args, **kwargs):
        rows = tracking.refresh(self.object)
        messages.success(request, _("Progress recomputed from the statements of record: %(n)d year(s).") % {"n": len(rows)})
        return redirect(self.object.get_absolute_url())


# -- allocations --------------------------------------------------------------------------------------------------------
class AllocationCreateView(ServiceFormView):
    """Allocate a park target (``?target=``, or chosen in the form) to an enterprise of the park."""

    parent = Parent("pk", Park, "park")
    requires = ("planning", "change")
    form_class = AllocationForm
    title = gettext_lazy("Allocate the park target to an enterprise")
    success_message = gettext_lazy("Allocation saved as a draft.")

    def get_form_kwargs(self):
        initial = {"park_target": self.request.GET.get("target")} if self.request.method == "GET" else {}
        return {**super().get_form_kwargs(), "scope": self.park, "initial": initial}

    def perform(self, form):
        data = dict(form.cleaned_data)
        enterprise, park_target = data.pop("enterprise", None), data.pop("park_target")
        return services.allocation_save(actor=self.request.user, park_target=park_target, enterprise=enterprise, data=data)

    def get_success_url(self):
        return self.saved.park_target.get_absolute_url() + "#allocations"


class AllocationEditView(ServiceFormView):
    model = TargetAllocation
    action = "change"
    park_staff_only = True  # B8: the enterprise accepts or returns an allocation, it never edits it
    form_class = AllocationForm
    edits_object = True
    title = gettext_lazy("Revise the allocation")
    success_message = gettext_lazy("Allocation saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.object, "revise": True}

    def perform(self, form):
        return services.allocation_save(actor=self.request.user, park_target=self.object.park_target, enterprise=self.object.enterprise,
                                        allocation=self.object, data=dict(form.cleaned_data))


class AllocationDetailView(ScopedPageView):
    """The allocation as the enterprise sees it: the 目标责任书 to accept, or return with a reason."""

    template_name = "performance/allocation.html"
    model = TargetAllocation
    select_related = ("park_target", "enterprise", "target", "baseline", "issued_by", "accepted_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a, user = self.object, self.request.user
        ctx["a"] = a
        ctx["can_accept"] = ALLOCATION.refusal(user, a, "accept") is None
        ctx["can_return"] = ALLOCATION.refusal(user, a, "return") is None
        ctx["can_issue"] = ALLOCATION.refusal(user, a, "issue") is None
        ctx["can_revise"] = (a.status in (TargetAllocation.Status.DRAFT, TargetAllocation.Status.RETURNED)
                             and tenancy.is_park_member(user, a.park_id) and self.can("change"))
        ctx["accept_refusal"] = ALLOCATION.refusal(user, a, "accept") if a.status == TargetAllocation.Status.ISSUED else None
        ctx["target_visible"] = a.target_id and Target.objects.restrict(user).filter(pk=a.target_id).exists()
        ctx["park_target_visible"] = Target.objects.restrict(user).filter(pk=a.park_target_id).exists()
        ctx.update(_letter_report(user, a))
        return ctx


def _letter_report(user, allocation) -> dict:
    """The responsibility letter with the checklist (report kind ``targets``) of an issued or accepted allocation:
    its latest year, and whether the user may file it (management.change in the enterprise's system)."""
    if allocation is None or allocation.status not in (TargetAllocation.Status.ISSUED, TargetAllocation.Status.ACCEPTED):
        return {"letter": None}
    from . import report

    return {"letter": allocation, "letter_year": report.report_year(allocation),
            "can_file_letter": tenancy.can(user, "management", "change", park_id=allocation.park_id,
                                           enterprise_id=allocation.enterprise_id)}


class AllocationActionView(WorkflowActionView):
    model = TargetAllocation


# -- baselines ----------------------------------------------------------------------------------------------------------
class BaselineListView(ScopedListView):
    template_name = "performance/baselines.html"
    list_model = Baseline
    context_list_name = "baselines"
    list_sorts = {"default": ("park_id", "enterprise_id", "unit_id", "name", "-version", "id"), "name": ("name", "-version", "id"),
                  "metric": ("metric", "id"), "period": ("period_start", "id"), "status": ("status", "id")}
    list_default = "default"
    list_search = ("name",)

    def get_queryset(self):
        return selectors.baselines_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        park_id, ent_id = _home(user)
        if park_id:
            ctx["add_url_park"] = park_id if ent_id is None and tenancy.can(user, "planning", "add", park_id=park_id) else None
            ctx["add_url_enterprise"] = ent_id if ent_id and tenancy.can(user, "planning", "add", park_id=park_id, enterprise_id=ent_id) else None
        return ctx


class _BaselineCreate(_EntityCreate):
    form_class = BaselineForm
    title = gettext_lazy("New baseline")
    success_message = gettext_lazy("Baseline saved as a draft.")

    def save(self, data, *, unit):
        data["regression_input"] = data.pop("regression_json", {}) or {}
        return services.baseline_save(actor=self.request.user, park=self.park_obj, enterprise=self.enterprise, unit=unit,
                                      data=data)


class ParkBaselineCreateView(_BaselineCreate):
    parent = Parent("pk", Park, "park")
    counting_basis = "park_total"


class EnterpriseBaselineCreateView(_BaselineCreate):
    parent = Parent("pk", Enterprise, "enterprise")


class BaselineEditView(ServiceFormView):
    model = Baseline
    action = "change"
    form_class = BaselineForm
    edits_object = True
    title = gettext_lazy("Change the baseline")
    success_message = gettext_lazy("Baseline saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.object, "enterprise": self.object.enterprise}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("unit", None)
        data["regression_input"] = data.pop("regression_json", {}) or {}
        return services.baseline_save(actor=self.request.user, park=self.object.park, baseline=self.object, data=data)


class BaselineDetailView(ScopedPageView):
    template_name = "performance/baseline.html"
    model = Baseline
    select_related = ("park", "enterprise", "unit", "previous", "statement", "author", "approved_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        b = self.object
        ctx["b"] = b
        ctx["triggers"] = b.triggers.select_related("raised_by", "adjustment")
        ctx["adjustments"] = b.adjustments.select_related("after", "proposed_by", "approved_by")
        ctx["versions"] = Baseline.objects.restrict(self.request.user).filter(
            park=b.park, enterprise=b.enterprise, unit=b.unit, name=b.name).order_by("-version")
        change = self.can("change")
        ctx["can_change"] = change and b.status == Baseline.Status.DRAFT
        ctx["can_triggers"] = change and b.status == Baseline.Status.APPROVED
        ctx["open_triggers"] = [t for t in ctx["triggers"] if t.status == BaselineTrigger.Status.OPEN and t.adjustment_id is None]
        ctx["can_propose"] = ctx["can_triggers"] and bool(ctx["open_triggers"]) and not b.adjustments.filter(status="proposed").exists()
        return ctx


class BaselineActionView(WorkflowActionView):
    model = Baseline


class BaselineDetectView(ScopedActionView):
    model = Baseline
    action = "change"

    def post(self, request, *args, **kwargs):
        try:
            raised = triggers.detect(self.object)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Checked the static factors: %(n)d new trigger(s).") % {"n": len(raised)})
        return redirect(self.object.get_absolute_url() + "#triggers")


class TriggerCreateView(ServiceFormView):
    parent = Parent("pk", Baseline, "baseline")
    requires = ("planning", "change")
    form_class = TriggerForm
    title = gettext_lazy("Record an adjustment trigger")
    success_message = gettext_lazy("Trigger recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.baseline}

    def perform(self, form):
        d = form.cleaned_data
        services.trigger_add(actor=self.request.user, baseline=self.baseline, kind=d["kind"], description=d["description"],
                             base_year_effect=d.get("base_year_effect"))
        return self.baseline


class TriggerEstimateView(ServiceFormView):
    model = BaselineTrigger
    action = "change"
    form_class = EstimateForm
    title = gettext_lazy("Base-year effect of the trigger")
    success_message = gettext_lazy("Effect recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.object,
                "initial": {"base_year_effect": self.object.base_year_effect}}

    def perform(self, form):
        d = form.cleaned_data
        t = services.trigger_estimate(actor=self.request.user, trigger=self.object, base_year_effect=d.get("base_year_effect"),
                                      evidence_note=d.get("evidence_note", ""), dismiss=d.get("dismiss", False))
        return t


class AdjustmentProposeView(ServiceFormView):
    parent = Parent("pk", Baseline, "baseline")
    requires = ("planning", "change")
    form_class = ProposeForm
    title = gettext_lazy("Decide on the open triggers")
    success_message = gettext_lazy("Decision proposed: it waits for top management's approval.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.baseline}

    def perform(self, form):
        return services.adjustment_propose(actor=self.request.user, baseline=self.baseline, evidence=form.cleaned_data["evidence"])


class AdjustmentActionView(WorkflowActionView):
    model = BaselineAdjustment
