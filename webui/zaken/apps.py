from django.apps import AppConfig


class ZakenConfig(AppConfig):
    name = "webui.zaken"
    verbose_name = "Zaaksysteem"
