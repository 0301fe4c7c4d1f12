from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "carbonms.api"
    label = "api"
