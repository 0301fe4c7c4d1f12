from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("parks/<int:pk>/", views.ParkOverviewView.as_view(), name="park"),
    path("parks/<int:pk>/edit/", views.ParkUpdateView.as_view(), name="park_edit"),
    path("parks/<int:park_pk>/enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise_edit"),
    path("enterprises/<int:enterprise_pk>/sites/new/", views.SiteCreateView.as_view(), name="site_create"),
    path("enterprises/<int:enterprise_pk>/units/new/", views.UnitCreateView.as_view(), name="unit_create"),
    path("enterprises/<int:enterprise_pk>/equipment/new/", views.EquipmentCreateView.as_view(), name="equipment_create"),
    path("enterprises/<int:enterprise_pk>/boundaries/new/", views.BoundaryReviseView.as_view(), name="boundary_revise"),
    path("sites/<int:pk>/edit/", views.SiteUpdateView.as_view(), name="site_edit"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit_edit"),
    path("equipment/<int:pk>/edit/", views.EquipmentUpdateView.as_view(), name="equipment_edit"),
]
