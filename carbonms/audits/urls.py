from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("<str:owner>/audits/", views.AuditListView.as_view(), name="audit_list"),
    path("<str:owner>/audits/new/", views.AuditCreateView.as_view(), name="audit_create"),
    path("<str:owner>/programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("audits/<int:pk>/", views.AuditDetailView.as_view(), name="audit"),
    path("audits/<int:pk>/edit/", views.AuditEditView.as_view(), name="audit_edit"),
    path("audits/<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"),
    path("audits/<int:pk>/report.docx", views.AuditReportFileView.as_view(), name="audit_report_file"),
    path("audits/<int:pk>/<slug:step>/", views.AuditActionView.as_view(), name="audit_action"),
    path("checklist/<int:pk>/", views.ChecklistMarkView.as_view(), name="checklist_mark"),
    path("<str:owner>/nonconformities/", views.NcListView.as_view(), name="nc_list"),
    path("<str:owner>/nonconformities/new/", views.NcCreateView.as_view(), name="nc_create"),
    path("nonconformities/<int:pk>/", views.NcDetailView.as_view(), name="nc"),
    path("nonconformities/<int:pk>/edit/", views.NcEditView.as_view(), name="nc_edit"),
    path("nonconformities/<int:pk>/actions/new/", views.ActionCreateView.as_view(), name="action_create"),
    path("nonconformities/<int:pk>/<slug:step>/", views.NcActionView.as_view(), name="nc_action"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("<str:owner>/reviews/", views.ReviewListView.as_view(), name="review_list"),
    path("<str:owner>/reviews/new/", views.ReviewCreateView.as_view(), name="review_create"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review"),
    path("reviews/<int:pk>/record.docx", views.ReviewFileView.as_view(), name="review_file"),
    path("reviews/<int:pk>/outputs/new/", views.OutputCreateView.as_view(), name="output_create"),
    path("reviews/<int:pk>/<slug:step>/", views.ReviewActionView.as_view(), name="review_action"),
    path("outputs/<int:pk>/edit/", views.OutputEditView.as_view(), name="output_edit"),
]
