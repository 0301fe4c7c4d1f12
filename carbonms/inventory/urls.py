from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("parks/<int:park_pk>/", views.ParkInventoryView.as_view(), name="park"),
    path("enterprises/<int:enterprise_pk>/", views.EnterpriseInventoryView.as_view(), name="enterprise"),
    path("runs/<int:pk>/", views.RunView.as_view(), name="run"),
    path("runs/<int:pk>/results/", views.DrillView.as_view(), name="drill"),
    path("runs/<int:pk>/diff/", views.DiffView.as_view(), name="diff"),
    path("runs/<int:pk>/export.xlsx", views.ExportView.as_view(), name="export"),
    path("results/<int:pk>/", views.ResultView.as_view(), name="result"),
]
