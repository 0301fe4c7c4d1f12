"""Pages for parks, enterprises and their hierarchy. Thin: access through tenancy, writes through services."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonms.common import tenancy
from carbonms.common.views import Parent, ScopedDetailView, ScopedPageView, ScopedViewMixin, ServiceFormView

from . import selectors, services
from .forms import BoundaryForm, EnterpriseForm, ParkForm
from .models import Boundary, EmissionUnit, Enterprise, Equipment, Park, Site


def _pie_option(data: list[dict]) -> dict:
    """ECharts option of a donut chart; serialised with json_script, so names are escaped."""
    return {
        "tooltip": {"trigger": "item"},
        "color": ["#0e7c66", "#34d399", "#2563eb", "#f59e0b", "#8b5cf6", "#ef4444", "#14b8a6", "#64748b", "#a3e635"],
        "legend": {"type": "scroll", "bottom": 0, "textStyle": {"fontSize": 11}},
        "series": [{
            "type": "pie", "radius": ["38%", "62%"], "center": ["50%", "42%"],
            "itemStyle": {"borderColor": "#fff", "borderWidth": 2}, "label": {"show": False},
            "emphasis": {"label": {"show": True, "formatter": "{b}\n{c}", "fontSize": 12}}, "data": data,
        }],
    }


class ParkOverviewView(ScopedDetailView):
    """The park's carbon office view: every enterprise with its key facts (park staff only)."""

    model = Park
    template_name = "organizations/park_overview.html"
    context_object_name = "park"
    park_staff_only = True  # an enterprise's users do not see the park's list of enterprises

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, park = self.request.user, self.object
        listing = selectors.park_overview(user, park, self.request)
        ctx.update(
            enterprises=listing.rows,
            listing=listing,
            q=listing.q,
            summary=selectors.park_summary(user, park),
            industry_chart=_pie_option(
                [{"name": r["industry_name"], "value": r["n"]} for r in selectors.industry_breakdown(user, park)]
            ),
            boundaries=Boundary.objects.restrict(user).filter(park=park, enterprise__isnull=True),
            can_add=tenancy.can(user, "organization", "add", park_id=park.pk),
            can_change=tenancy.can(user, "organization", "change", park_id=park.pk),
        )
        return ctx

    def get_template_names(self):
        # The search box asks for the table alone (htmx); a full request gets the whole page.
        if self.request.htmx:
            return ["organizations/_enterprise_table.html"]
        return [self.template_name]


class EnterpriseDetailView(ScopedDetailView):
    model = Enterprise
    template_name = "organizations/enterprise_detail.html"
    context_object_name = "enterprise"

    def get_scoped_queryset(self):
        return Enterprise.objects.select_related("park")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        e, user = self.object, self.request.user
        ctx.update(
            sites=selectors.enterprise_hierarchy(e),
            boundaries=Boundary.objects.restrict(user).filter(enterprise=e).prefetch_related("sites"),
            can_change=tenancy.can(user, "organization", "change", park_id=e.park_id, enterprise_id=e.pk),
            is_park_member=tenancy.is_park_member(user, e.park_id),
        )
        return ctx


ENTERPRISE = Parent("enterprise_pk", Enterprise, "enterprise", select_related=("park",))


class _EnterpriseChildMixin(ScopedViewMixin):
    """Forms that add to the enterprise named by ``enterprise_pk`` (organisation ``add`` in its scope)."""

    parent = ENTERPRISE
    requires = ("organization", "add")


class _EditMixin(ScopedViewMixin):
    """Forms that edit an existing record (``model``), fetched for the user with ``change``."""

    action = "change"
    edits_object = True


# Site, emission unit and equipment pages differ only in their form, service and labels; the URLconf
# configures one create view and one edit view per record type.
CHILD_SERVICES = {
    Site: (services.site_save, "site"),
    EmissionUnit: (services.unit_save, "unit"),
    Equipment: (services.equipment_save, "equipment"),
}


class ChildCreateView(_EnterpriseChildMixin, ServiceFormView):
    """Add a site, unit or equipment to an enterprise (``model``, ``form_class`` and labels set in urls.py)."""

    model = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.model is not Site:
            kwargs["enterprise"] = self.enterprise
        return kwargs

    def perform(self, form):
        save, _kw = CHILD_SERVICES[self.model]
        return save(actor=self.request.user, enterprise=self.enterprise, data=form.cleaned_data)


class ChildUpdateView(_EditMixin, ServiceFormView):
    """Edit a site, unit or equipment (``model``, ``form_class`` and labels set in urls.py)."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.model is not Site:
            kwargs["enterprise"] = self.object.enterprise
        return kwargs

    def perform(self, form):
        save, kw = CHILD_SERVICES[self.model]
        return save(actor=self.request.user, data=form.cleaned_data, **{kw: self.object})


class ParkUpdateView(_EditMixin, ServiceFormView):
    model = Park
    form_class = ParkForm
    title = _("Edit park")
    success_message = _("Park saved.")

    def perform(self, form):
        return services.park_save(actor=self.request.user, park=self.object, data=form.cleaned_data)


class EnterpriseCreateView(ServiceFormView):
    form_class = EnterpriseForm
    title = _("Add an enterprise")
    success_message = _("Enterprise saved.")
    parent = Parent("park_pk", Park, "park")
    requires = ("organization", "add")

    def perform(self, form):
        return services.enterprise_save(actor=self.request.user, park=self.park, data=form.cleaned_data)


class EnterpriseUpdateView(_EditMixin, ServiceFormView):
    model = Enterprise
    form_class = EnterpriseForm
    title = _("Edit enterprise")
    success_message = _("Enterprise saved.")

    def perform(self, form):
        return services.enterprise_save(actor=self.request.user, enterprise=self.object, data=form.cleaned_data)


class BoundaryReviseView(_EnterpriseChildMixin, ServiceFormView):
    requires = ("organization", "change")
    form_class = BoundaryForm
    title = _("Revise a boundary")
    success_message = _("The new boundary version is in force.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}

    def perform(self, form):
        d = form.cleaned_data
        return services.boundary_revise(
            actor=self.request.user, park=self.enterprise.park, enterprise=self.enterprise, kind=d["kind"],
            approach=d["approach"], description=d["description"], effective_from=d["effective_from"],
            sites=list(d.get("sites") or []), change_reason=d.get("change_reason", ""),
        )


class HomeView(ScopedPageView):
    """Sends each user to where their role starts: the carbon cockpit of their park or of their enterprise."""

    template_name = "organizations/no_access.html"

    def get(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        user = request.user
        park = selectors.parks_for(user).first()
        if park is not None and tenancy.is_park_member(user, park.pk):
            return redirect("cockpit:park", park.pk)
        enterprise = selectors.enterprises_for(user).first()
        if enterprise is not None:
            return redirect("cockpit:enterprise", enterprise.pk)
        return super().get(request, *args, **kwargs)


