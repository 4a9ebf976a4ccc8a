from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "webui.tasks"
    label = "tasks"
    verbose_name = "Taken"
