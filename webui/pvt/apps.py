from django.apps import AppConfig


class PvtConfig(AppConfig):
    name = "webui.pvt"
    verbose_name = "Participatieverklaringstraject"
