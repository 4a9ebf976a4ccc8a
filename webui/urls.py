from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("webui.tasks.urls")),
    path("dossiers/", include("webui.cases.urls")),
    path("processen/", include("webui.studio.urls")),
    path("privacy/", include("webui.privacy.urls")),
    path("coordinatie/", include("webui.coordination.urls")),
    path("pvt/", include("webui.pvt.urls")),
    path("overzicht/", include("webui.reports.urls")),
    path("account/", include("webui.accounts.urls")),
    path("gebruikers/", include("webui.users.urls")),
    path("zaaksysteem/", include("webui.zaken.urls")),
    path("aanmelden/bestand/", include("webui.aanmeldingen.urls")),
    path("koppelingen/", include("webui.api.page_urls")),
    path("api/v1/", include("webui.api.urls")),
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    # For superusers only (webui.admin_site); to everybody else a 404.
    path("admin/", admin.site.urls),
]

# Too much data (RequestDataTooBig and the like) gets the Dutch 413 page; the other
# error pages are the templates 400/403/404/500.html.
handler400 = "webui.middleware.bad_request"
