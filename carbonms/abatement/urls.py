from django.urls import path

from . import views

app_name = "abatement"
urlpatterns = [
    path("<str:owner>/opportunities/", views.OpportunityListView.as_view(), name="opportunities"),
    path("<str:owner>/opportunities/new/", views.OpportunityCreateView.as_view(), name="opportunity_create"),
    path("opportunities/<int:pk>/", views.OpportunityDetailView.as_view(), name="opportunity"),
    path("opportunities/<int:pk>/edit/", views.OpportunityEditView.as_view(), name="opportunity_edit"),
    path("opportunities/<int:pk>/promote/", views.OpportunityPromoteView.as_view(), name="opportunity_promote"),
    path("<str:owner>/actions/", views.ActionListView.as_view(), name="actions"),
    path("<str:owner>/actions/new/", views.ActionCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("<str:owner>/pathway/", views.PathwayView.as_view(), name="pathway"),
    path("<str:owner>/scenarios/new/", views.ScenarioCreateView.as_view(), name="scenario_create"),
    path("scenarios/<int:pk>/edit/", views.ScenarioEditView.as_view(), name="scenario_edit"),
]
