from django.apps import AppConfig


class DefinitionsConfig(AppConfig):
    name = "webui.definitions"
    label = "definitions"
    verbose_name = "Procesdefinities"
