from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .forms import EquipmentForm, SiteForm, UnitForm
from .models import EmissionUnit, Equipment, Site


def _create(model, form, title, saved):
    return views.ChildCreateView.as_view(model=model, form_class=form, title=title, success_message=saved)


def _edit(model, form, title, saved):
    return views.ChildUpdateView.as_view(model=model, form_class=form, title=title, success_message=saved)


app_name = "organizations"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("parks/<int:pk>/", views.ParkOverviewView.as_view(), name="park"),
    path("parks/<int:pk>/edit/", views.ParkUpdateView.as_view(), name="park_edit"),
    path("parks/<int:park_pk>/enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise_edit"),
    path("enterprises/<int:enterprise_pk>/sites/new/", _create(Site, SiteForm, _("Add a site"), _("Site saved.")), name="site_create"),
    path("enterprises/<int:enterprise_pk>/units/new/", _create(EmissionUnit, UnitForm, _("Add an emission unit"), _("Emission unit saved.")), name="unit_create"),
    path("enterprises/<int:enterprise_pk>/equipment/new/", _create(Equipment, EquipmentForm, _("Add equipment"), _("Equipment saved.")), name="equipment_create"),
    path("enterprises/<int:enterprise_pk>/boundaries/new/", views.BoundaryReviseView.as_view(), name="boundary_revise"),
    path("sites/<int:pk>/edit/", _edit(Site, SiteForm, _("Edit site"), _("Site saved.")), name="site_edit"),
    path("units/<int:pk>/edit/", _edit(EmissionUnit, UnitForm, _("Edit emission unit"), _("Emission unit saved.")), name="unit_edit"),
    path("equipment/<int:pk>/edit/", _edit(Equipment, EquipmentForm, _("Edit equipment"), _("Equipment saved.")), name="equipment_edit"),
]
