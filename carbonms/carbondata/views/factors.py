"""User factors of a park and its enterprises: the list with every version, and the forms that add a
factor or a new version."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from carbonms.common import tenancy
from carbonms.common.views import ServiceFormView
from carbonms.organizations.models import Park

from .. import services
from ..forms import UserFactorForm
from ..models import UserFactor
from .base import EnterpriseMixin


class FactorListView(TemplateView):
    template_name = "carbondata/factors.html"

    def dispatch(self, request, *args, **kwargs):
        self.park = tenancy.get_for_user(Park, request.user, kwargs["park_pk"], "view")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(park=self.park, factors=UserFactor.objects.restrict(user).filter(park=self.park).select_related(
            "enterprise", "created_by"), can_add_park=tenancy.can(user, "data", "add", park_id=self.park.pk))
        return ctx


class _FactorCreate(ServiceFormView):
    form_class = UserFactorForm
    title = _("Add a user factor or a new version")
    success_message = _("Factor saved.")

    def get_initial(self):
        # A new version starts from the latest version of the same key in the same scope, read through the
        # tenancy: another enterprise's factor reads exactly like a key that does not exist.
        key = self.request.GET.get("key", "")
        f = (UserFactor.objects.restrict(self.request.user, "view")
             .filter(park=self.park, enterprise=self.enterprise, key=key).order_by("-version").first() if key else None)
        if f is None:
            return {}
        return {name: getattr(f, name) for name in UserFactorForm.Meta.fields if name != "note"}

    def perform(self, form):
        return services.user_factor_add(actor=self.request.user, park=self.park, enterprise=self.enterprise,
                                        data=form.cleaned_data)

    def get_success_url(self):
        return reverse("carbondata:factors", args=[self.park.pk])


class ParkFactorCreateView(_FactorCreate):
    enterprise = None

    def dispatch(self, request, *args, **kwargs):
        self.park = tenancy.get_for_user(Park, request.user, kwargs["park_pk"], "view")
        tenancy.require(request.user, "data", "add", park_id=self.park.pk)
        self.cancel_url = reverse("carbondata:factors", args=[self.park.pk])
        return super().dispatch(request, *args, **kwargs)


class EnterpriseFactorCreateView(EnterpriseMixin, _FactorCreate):
    enterprise_action = "add"

    @property
    def park(self):
        return self.enterprise.park
