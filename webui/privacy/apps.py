from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "webui.privacy"
    label = "privacy"
    verbose_name = "Verwerkingenlog"
