from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "webui.cases"
    label = "cases"
    verbose_name = "Dossiers"
