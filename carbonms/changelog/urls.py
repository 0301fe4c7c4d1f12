from django.urls import path

from . import views

app_name = "changelog"
urlpatterns = [
    path("", views.ChangeLogView.as_view(), name="list"),
    path("<str:app_label>/<str:model>/<int:object_id>/", views.RecordHistoryView.as_view(), name="record"),
]
