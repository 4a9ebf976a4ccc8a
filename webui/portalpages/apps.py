from django.apps import AppConfig


class PortalPagesConfig(AppConfig):
    """A Django app (without models) so that its templates, static files, catalogs
    and template tags are found."""

    name = "webui.portalpages"
    label = "portalpages"
    verbose_name = "Mijn Wegwijs (pagina's)"
