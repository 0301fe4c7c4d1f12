from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "carbonms.demo"
    label = "demo"
