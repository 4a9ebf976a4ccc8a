from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "webui.signin"
    label = "signin"
    verbose_name = "Inloggen met het organisatieaccount"
