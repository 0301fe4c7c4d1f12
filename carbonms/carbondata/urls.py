from django.urls import path

from carbonms.common.files import ScopedFileDownloadView

from .models import Calibration, DataImport
from .views import activity, factors, imports, monitoring, output, register

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
    path("plans/<int:pk>/approve/", monitoring.PlanActionView.as_view(), {"step": "approve"}, name="plan_approve"),
    path("enterprises/<int:enterprise_pk>/instruments/new/", monitoring.InstrumentCreateView.as_view(), name="instrument_create"),
    path("instruments/<int:pk>/", monitoring.InstrumentDetailView.as_view(), name="instrument"),
    path("instruments/<int:pk>/calibrations/new/", monitoring.CalibrationCreateView.as_view(), name="calibration_create"),
    path("calibrations/<int:pk>/certificate/", ScopedFileDownloadView.as_view(model=Calibration, file_field="certificate"),
         name="calibration_certificate"),
    path("enterprises/<int:enterprise_pk>/activity/", activity.GridView.as_view(), name="grid"),
    path("activity/<int:pk>/", activity.ActivityDetailView.as_view(), name="activity"),
    path("activity/<int:pk>/step/<slug:step>/", activity.ActivityActionView.as_view(), name="activity_action"),
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
    # output and economic data (issue 10)
    path("enterprises/<int:enterprise_pk>/output/", output.OutputView.as_view(), name="output"),
    path("enterprises/<int:enterprise_pk>/products/new/", output.ProductCreateView.as_view(), name="product_create"),
    path("products/<int:pk>/edit/", output.ProductEditView.as_view(), name="product_edit"),
    path("production/<int:pk>/", output.ProductionDetailView.as_view(), name="production"),
    path("production/<int:pk>/step/<slug:step>/", output.ProductionActionView.as_view(), name="production_action"),
    path("production/<int:pk>/correct/", output.ProductionCorrectView.as_view(), name="production_correct"),
    path("production/<int:pk>/evidence/new/", output.ProductionEvidenceView.as_view(), name="production_evidence"),
    path("enterprises/<int:enterprise_pk>/economic/new/", output.EconomicCreateView.as_view(), name="economic_create"),
    path("parks/<int:park_pk>/economic/new/", output.ParkEconomicCreateView.as_view(), name="park_economic_create"),
    path("parks/<int:park_pk>/output/", output.ParkOutputView.as_view(), name="park_output"),
    path("economic/<int:pk>/", output.EconomicDetailView.as_view(), name="economic"),
    path("economic/<int:pk>/step/<slug:step>/", output.EconomicActionView.as_view(), name="economic_action"),
    path("economic/<int:pk>/correct/", output.EconomicCorrectView.as_view(), name="economic_correct"),
    path("economic/<int:pk>/evidence/new/", output.EconomicEvidenceView.as_view(), name="economic_evidence"),
    path("review/output/", output.OutputReviewView.as_view(), name="output_review"),
    path("imports/<int:pk>/file/", ScopedFileDownloadView.as_view(model=DataImport, filename_attr="original_name"),
         name="import_file"),
]
