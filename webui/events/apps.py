from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "webui.events"
    verbose_name = "Gebeurtenissen"
