from django.urls import path

from carbonms.common.files import ScopedFileDownloadView

from . import views
from .models import ProjectApplication

app_name = "governance"
urlpatterns = [
    # admission and exit
    path("parks/<int:park_pk>/applications/", views.ApplicationListView.as_view(), name="applications"),
    path("parks/<int:park_pk>/applications/new/", views.ApplicationCreateView.as_view(), name="application_create"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application"),
    path("applications/<int:pk>/edit/", views.ApplicationEditView.as_view(), name="application_edit"),
    path("applications/<int:pk>/decide/", views.ApplicationDecideView.as_view(), name="application_decide"),
    path("applications/<int:pk>/energy-report/", ScopedFileDownloadView.as_view(
        model=ProjectApplication, file_field="energy_report"), name="application_energy_report"),
    path("applications/<int:pk>/carbon-report/", ScopedFileDownloadView.as_view(
        model=ProjectApplication, file_field="carbon_report"), name="application_carbon_report"),
    path("applications/<int:pk>/<str:step>/", views.ApplicationActionView.as_view(), name="application_action"),
    path("enterprises/<int:enterprise_pk>/exit/", views.ExitCreateView.as_view(), name="exit_create"),
    # the annual assessment
    path("parks/<int:park_pk>/assessment/", views.RoundListView.as_view(), name="rounds"),
    path("parks/<int:park_pk>/assessment/open/", views.RoundCreateView.as_view(), name="round_create"),
    path("parks/<int:park_pk>/assessment/default-scheme/", views.SchemeDefaultView.as_view(), name="scheme_default"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme"),
    path("schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme_edit"),
    path("schemes/<int:pk>/new-version/", views.SchemeNewVersionView.as_view(), name="scheme_new_version"),
    path("schemes/<int:pk>/in-force/", views.SchemeInForceView.as_view(), name="scheme_in_force"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round"),
    path("rounds/<int:pk>/<str:step>/", views.RoundActionView.as_view(), name="round_action"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment"),
    path("assessments/<int:pk>/score/", views.ParkScoreView.as_view(), name="assessment_score"),
    path("assessments/<int:pk>/self/", views.SelfAssessView.as_view(), name="assessment_self"),
    path("assessments/<int:pk>/appeal/", views.AppealView.as_view(), name="appeal"),
    path("assessments/<int:pk>/appeal/decide/", views.AppealDecideView.as_view(), name="appeal_decide"),
    # coordination
    path("parks/<int:park_pk>/coordination/", views.CoordinationView.as_view(), name="coordination"),
    path("parks/<int:park_pk>/procurement/new/", views.ProcurementCreateView.as_view(), name="procurement_create"),
    path("parks/<int:park_pk>/procurement/evaluate/", views.ProcurementEvaluateView.as_view(), name="procurement_evaluate"),
    path("parks/<int:park_pk>/training/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("training/<int:pk>/", views.TrainingDetailView.as_view(), name="training"),
    path("training/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("enterprises/<int:enterprise_pk>/requests/new/", views.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/respond/", views.RequestRespondView.as_view(), name="request_respond"),
]
