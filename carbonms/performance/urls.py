from django.urls import path

from carbonms.common.workflow import workflow_of

from . import views
from .models import Baseline, BaselineAdjustment, Target, TargetAllocation


def _steps(model):
    return {"step": tuple(workflow_of(model).names())}


app_name = "performance"
urlpatterns = [
    path("", views.TargetListView.as_view(), name="targets"),
    path("park/<int:pk>/new/", views.ParkTargetCreateView.as_view(), name="park_target_create"),
    path("enterprise/<int:pk>/new/", views.EnterpriseTargetCreateView.as_view(), name="enterprise_target_create"),
    path("<int:pk>/", views.TargetDetailView.as_view(), name="target"),
    path("<int:pk>/edit/", views.TargetEditView.as_view(), name="target_edit"),
    path("<int:pk>/decompose/", views.TargetDecomposeView.as_view(), name="target_decompose"),
    path("<int:pk>/refresh/", views.TargetRefreshView.as_view(), name="target_refresh"),
    path("<int:pk>/step/<str:step>/", views.TargetActionView.as_view(url_choices=_steps(Target)), name="target_action"),
    path("park/<int:pk>/allocate/", views.AllocationCreateView.as_view(), name="allocation_create"),
    path("allocations/<int:pk>/", views.AllocationDetailView.as_view(), name="allocation"),
    path("allocations/<int:pk>/edit/", views.AllocationEditView.as_view(), name="allocation_edit"),
    path("allocations/<int:pk>/step/<str:step>/", views.AllocationActionView.as_view(url_choices=_steps(TargetAllocation)),
         name="allocation_action"),
    path("baselines/", views.BaselineListView.as_view(), name="baselines"),
    path("baselines/park/<int:pk>/new/", views.ParkBaselineCreateView.as_view(), name="park_baseline_create"),
    path("baselines/enterprise/<int:pk>/new/", views.EnterpriseBaselineCreateView.as_view(), name="enterprise_baseline_create"),
    path("baselines/<int:pk>/", views.BaselineDetailView.as_view(), name="baseline"),
    path("baselines/<int:pk>/edit/", views.BaselineEditView.as_view(), name="baseline_edit"),
    path("baselines/<int:pk>/step/<str:step>/", views.BaselineActionView.as_view(url_choices=_steps(Baseline)), name="baseline_action"),
    path("baselines/<int:pk>/detect/", views.BaselineDetectView.as_view(), name="baseline_detect"),
    path("baselines/<int:pk>/triggers/new/", views.TriggerCreateView.as_view(), name="trigger_create"),
    path("triggers/<int:pk>/estimate/", views.TriggerEstimateView.as_view(), name="trigger_estimate"),
    path("baselines/<int:pk>/decide/", views.AdjustmentProposeView.as_view(), name="adjustment_propose"),
    path("adjustments/<int:pk>/step/<str:step>/", views.AdjustmentActionView.as_view(url_choices=_steps(BaselineAdjustment)),
         name="adjustment_action"),
]
