from django.urls import path

from . import views

app_name = "standards"
urlpatterns = [
    path("", views.StandardListView.as_view(), name="list"),
    path("<slug:std_id>/", views.StandardDetailView.as_view(), name="detail"),
]
