from django.urls import path

from carbonms.common.files import ScopedFileDownloadView

from .models import Calibration, DataImport
from .views import activity, factors, imports, monitoring, register

app_name = "carbondata"
urlpatterns = [
    path("enterprises/<int:enterprise_pk>/sources/", register.RegisterView.as_view(), name="register"),
    path("enterprises/<int:enterprise_pk>/sources/new/", register.SourceCreateView.as_view(), name="source_create"),
    path("parks/<int:park_pk>/sources/", register.ParkRegisterView.as_view(), name="park_register"),
    path("sources/<int:pk>/", register.SourceDetailView.as_view(), name="source"),
    path("sources/<int:pk>/edit/", register.SourceUpdateView.as_view(), name="source_edit"),
    path("sources/<int:pk>/retire/", register.SourceRetireView.as_view(), name="source_retire"),
    path("sources/<int:pk>/lab/new/", register.LabCreateView.as_view(), name="lab_create"),
    path("enterprises/<int:enterprise_pk>/monitoring/", monitoring.MonitoringView.as_view(), name="monitoring"),
    path("enterprises/<int:enterprise_pk>/monitoring/new/", monitoring.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", monitoring.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/items/new/", monitoring.PlanItemCreateView.as_view(), name="plan_item_create"),
    path("plans/<int:pk>/approve/", monitoring.PlanApproveView.as_view(), name="plan_approve"),
    path("enterprises/<int:enterprise_pk>/instruments/new/", monitoring.InstrumentCreateView.as_view(), name="instrument_create"),
    path("instruments/<int:pk>/", monitoring.InstrumentDetailView.as_view(), name="instrument"),
    path("instruments/<int:pk>/calibrations/new/", monitoring.CalibrationCreateView.as_view(), name="calibration_create"),
    path("calibrations/<int:pk>/certificate/", ScopedFileDownloadView.as_view(model=Calibration, file_field="certificate"),
         name="calibration_certificate"),
    path("enterprises/<int:enterprise_pk>/activity/", activity.GridView.as_view(), name="grid"),
    path("activity/<int:pk>/", activity.ActivityDetailView.as_view(), name="activity"),
    path("activity/<int:pk>/correct/", activity.CorrectView.as_view(), name="activity_correct"),
    path("activity/<int:pk>/evidence/new/", activity.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("evidence/<int:pk>/", activity.EvidenceDownloadView.as_view(), name="evidence"),
    path("review/", activity.ReviewView.as_view(), name="review"),
    path("parks/<int:park_pk>/factors/", factors.FactorListView.as_view(), name="factors"),
    path("parks/<int:park_pk>/factors/new/", factors.ParkFactorCreateView.as_view(), name="park_factor_create"),
    path("enterprises/<int:enterprise_pk>/factors/new/", factors.EnterpriseFactorCreateView.as_view(), name="factor_create"),
    path("enterprises/<int:enterprise_pk>/workbook/", imports.WorkbookView.as_view(), name="workbook"),
    path("enterprises/<int:enterprise_pk>/import/", imports.UploadView.as_view(), name="import_upload"),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", imports.ImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:pk>/file/", ScopedFileDownloadView.as_view(model=DataImport, filename_attr="original_name"),
         name="import_file"),
]
