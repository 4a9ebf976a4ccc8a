from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "webui.privacy"
    label = "privacy"
    verbose_name = "Verwerkingenlog"

    def ready(self) -> None:
        # Failed logins are processing too (of the person trying); the receiver
        # only calls the service.
        from django.contrib.auth.signals import user_login_failed

        from .services import login_failed

        user_login_failed.connect(login_failed, dispatch_uid="privacy_login_failed")
