from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "carbonms.common"
    label = "common"
