from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "webui.coordination"
    verbose_name = "Coördinatie"
