from django.urls import path

from . import views

app_name = "zerocarbon"
urlpatterns = [
    path("parks/<int:park_pk>/", views.ParkPlanView.as_view(), name="park"),
    path("parks/<int:park_pk>/plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/targets/new/", views.TargetCreateView.as_view(), name="target_create"),
    path("plans/<int:pk>/<str:step>/", views.PlanActionView.as_view(), name="plan_action"),
    path("parks/<int:park_pk>/infrastructure/", views.InfrastructureListView.as_view(), name="infrastructure"),
    path("parks/<int:park_pk>/infrastructure/new/", views.InfrastructureCreateView.as_view(), name="infrastructure_create"),
    path("infrastructure/<int:pk>/edit/", views.InfrastructureEditView.as_view(), name="infrastructure_edit"),
    path("parks/<int:park_pk>/supply/", views.SupplyListView.as_view(), name="supply"),
    path("parks/<int:park_pk>/supply/new/", views.SupplyCreateView.as_view(), name="supply_create"),
    path("parks/<int:park_pk>/indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("parks/<int:park_pk>/indicators/new/", views.IndicatorValueCreateView.as_view(), name="indicator_create"),
    path("parks/<int:park_pk>/technologies/", views.TechnologyListView.as_view(), name="technologies"),
    path("parks/<int:park_pk>/technologies/new/", views.TechnologyCreateView.as_view(), name="technology_create"),
    path("technologies/<int:pk>/", views.TechnologyDetailView.as_view(), name="technology"),
    path("technologies/<int:pk>/edit/", views.TechnologyEditView.as_view(), name="technology_edit"),
    path("technologies/<int:pk>/evaluate/", views.TechnologyEvaluateView.as_view(), name="technology_evaluate"),
    path("technologies/<int:pk>/demonstrations/new/", views.DemonstrationCreateView.as_view(), name="demonstration_create"),
]
