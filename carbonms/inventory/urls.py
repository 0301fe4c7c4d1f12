from django.urls import path

from . import statement_views as sv
from . import views

app_name = "inventory"
urlpatterns = [
    path("parks/<int:park_pk>/", views.ParkInventoryView.as_view(), name="park"),
    path("enterprises/<int:enterprise_pk>/", views.EnterpriseInventoryView.as_view(), name="enterprise"),
    path("parks/<int:park_pk>/recalculations/<int:job_pk>/", views.RecalcJobView.as_view(), name="recalc_job"),
    path("runs/<int:pk>/", views.RunView.as_view(), name="run"),
    path("runs/<int:pk>/results/", views.DrillView.as_view(), name="drill"),
    path("runs/<int:pk>/diff/", views.DiffView.as_view(), name="diff"),
    path("runs/<int:pk>/export.xlsx", views.ExportView.as_view(), name="export"),
    path("results/<int:pk>/", views.ResultView.as_view(), name="result"),
    path("runs/<int:pk>/statement/", sv.StatementCreateView.as_view(), name="statement_create"),
    path("parks/<int:park_pk>/statements/", sv.ParkStatementsView.as_view(), name="park_statements"),
    path("enterprises/<int:enterprise_pk>/statements/", sv.EnterpriseStatementsView.as_view(), name="enterprise_statements"),
    path("statements/<int:pk>/", sv.StatementView.as_view(), name="statement"),
    path("statements/<int:pk>/verify/", sv.StatementVerifyView.as_view(), name="statement_verify"),
    path("statements/<int:pk>/input.csv", sv.StatementInputView.as_view(), name="statement_input"),
    path("statements/<int:pk>/report", sv.StatementReportView.as_view(), name="statement_report"),
    path("statements/<int:pk>/<slug:step>/", sv.StatementActionView.as_view(), name="statement_action"),
]
