"""Django's admin is for superusers only: people created on the command line
(``manage.py createsuperuser``) who keep the installation running. Everybody else,
the functioneel beheerder included, manages users on Wegwijs's own Gebruikers page,
where need-to-know holds; to them the admin does not exist (a 404)."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse

NOT_HERE = "Deze pagina bestaat niet."


class WegwijsAdminSite(admin.AdminSite):
    site_header = "Wegwijs — technisch beheer"
    site_title = "Wegwijs technisch beheer"
    index_title = "Technisch beheer (alleen voor superusers)"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        wrapped = super().admin_view(view, cacheable)

        def refuse_others(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404(NOT_HERE)
            return wrapped(request, *args, **kwargs)

        refuse_others.admin_site = self  # type: ignore[attr-defined]
        return refuse_others

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One door in: Wegwijs's own login page (where the lockout and any second
        factor apply), never a second login form for the admin."""
        # Imported here: this module loads with the app registry, before the auth
        # models are ready.
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or request.path)
        if not self.has_permission(request):
            raise Http404(NOT_HERE)
        return super().login(request, extra_context)


class WegwijsAdminConfig(AdminConfig):
    default_site = "webui.admin_site.WegwijsAdminSite"
