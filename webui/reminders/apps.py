from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "webui.reminders"
    verbose_name = "Herinneringen"
