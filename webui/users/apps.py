from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "webui.users"
    verbose_name = "Gebruikersbeheer"
