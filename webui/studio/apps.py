from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "webui.studio"
    label = "studio"
    verbose_name = "Processen"
