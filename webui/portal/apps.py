from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "webui.portal"
    label = "portal"
    verbose_name = "Mijn Wegwijs"
    default_auto_field = "django.db.models.BigAutoField"
