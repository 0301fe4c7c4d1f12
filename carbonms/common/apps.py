from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "carbonms.common"
    label = "common"

    def ready(self):
        from .workflow import load_all

        load_all()
