from django.apps import AppConfig


class AanmeldingenConfig(AppConfig):
    name = "webui.aanmeldingen"
    verbose_name = "Aanmelding in bulk"
