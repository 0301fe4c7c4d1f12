from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns = [
    path("parks/<int:park_pk>/", views.ParkCockpitView.as_view(), name="park"),
    path("enterprises/<int:enterprise_pk>/", views.EnterpriseCockpitView.as_view(), name="enterprise"),
]
