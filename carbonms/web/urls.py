from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("language/", views.set_language_public, name="set_language"),
]
