from django.urls import path

from . import views

app_name = "conformity"
urlpatterns = [
    path("", views.start, name="start"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<int:pk>/done/", views.TaskDoneView.as_view(), name="task_done"),
    path("<str:owner>/", views.IndexView.as_view(), name="index"),
    path("<str:owner>/<slug:std_id>/", views.StandardView.as_view(), name="standard"),
    path("<str:owner>/<slug:std_id>/evidence-pack.zip", views.PackView.as_view(), name="pack"),
]
