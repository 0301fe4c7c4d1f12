from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("enterprises/<int:enterprise_pk>/", views.EnterpriseView.as_view(), name="enterprise"),
    path("enterprises/<int:enterprise_pk>/<int:year>/", views.PositionView.as_view(), name="position"),
    path("enterprises/<int:enterprise_pk>/<int:year>/surrender/", views.SurrenderView.as_view(), name="surrender"),
    path("parks/<int:park_pk>/<int:year>/", views.ParkRollupView.as_view(), name="park"),
    path("enterprises/<int:enterprise_pk>/projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:pk>/", views.ProjectView.as_view(), name="project"),
    path("projects/<int:pk>/stage/", views.StageCreateView.as_view(), name="project_stage"),
    path("stages/<int:pk>/document", views.StageDocumentView.as_view(), name="stage_document"),
    path("enterprises/<int:enterprise_pk>/claims/new/", views.ClaimCreateView.as_view(), name="claim_create"),
    path("claims/<int:pk>/", views.ClaimView.as_view(), name="claim"),
    path("claims/<int:pk>/cancel/", views.CancelForClaimView.as_view(), name="claim_cancel"),
    path("claims/<int:pk>/determine/", views.DetermineView.as_view(), name="claim_determine"),
    path("claims/<int:pk>/report", views.DeterminationReportView.as_view(), name="claim_report"),
    path("claims/<int:pk>/<slug:step>/", views.ClaimActionView.as_view(), name="claim_action"),
]
