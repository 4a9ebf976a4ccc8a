from django.apps import AppConfig


class CasePagesConfig(AppConfig):
    name = "webui.casepages"
    label = "casepages"
    verbose_name = "Dossierpagina's"
