from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo world and ``load_demo``: installed by the dev and test
    settings only, so production has no command that seeds fictional cases."""

    name = "webui.demo"
    label = "demo"
    verbose_name = "Demo"
