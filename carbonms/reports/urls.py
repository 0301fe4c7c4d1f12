from django.urls import path, re_path

from . import views

app_name = "reports"
urlpatterns = [
    re_path(r"^(?P<kind>[a-z][a-z_]*)/(?P<pk>\d+)\.(?P<fmt>(?:docx|pdf|xlsx)(?:\+zip)?)$", views.ReportDownloadView.as_view(),
            name="download"),
    path("<slug:kind>/<int:pk>/file", views.ReportFileView.as_view(), name="file"),
]
