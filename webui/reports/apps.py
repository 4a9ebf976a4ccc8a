from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "webui.reports"
    verbose_name = "Rapportage"
