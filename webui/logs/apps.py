from django.apps import AppConfig


class LogsConfig(AppConfig):
    name = "webui.logs"
    label = "logs"
    verbose_name = "Logboeken"

    def ready(self) -> None:
        # Failed logins are processing too (of the person trying); the receiver
        # only calls the service. Imported here because connecting a signal needs
        # the app registry ready, not to dodge a cycle.
        from django.contrib.auth.signals import user_login_failed

        from .services import login_failed

        user_login_failed.connect(login_failed, dispatch_uid="privacy_login_failed")
