from django.contrib import admin
from django.urls import include, path

from webui.api.views import unknown as api_unknown
from webui.signin.views import SignInView, SignOutView

urlpatterns = [
    path("", include("webui.taskpages.urls")),
    path("dossiers/", include("webui.casepages.urls")),
    path("processen/", include("webui.studio.urls")),
    path("privacy/", include("webui.privacy.urls")),
    path("coordinatie/", include("webui.coordination.urls")),
    path("pvt/", include("webui.pvt.urls")),
    path("overzicht/", include("webui.reports.urls")),
    path("account/", include("webui.accountpages.urls")),
    # Sign-in with the organisation's own account, and its beheerder's page.
    path("", include("webui.signin.urls")),
    path("gebruikers/", include("webui.users.urls")),
    # Mijn Wegwijs: the statushouder's own pages (and the staff's invitation).
    path("mijn/", include("webui.portalpages.urls")),
    path("zaaksysteem/", include("webui.zaaksysteem.urls")),
    path("aanmelden/bestand/", include("webui.aanmeldingen.urls")),
    path("koppelingen/", include("webui.api.page_urls")),
    path("api/v1/", include("webui.api.urls")),
    # The API's root without its slash answers as the API does, not as the site.
    path("api/v1", api_unknown, name="api_root"),
    path("inloggen/", SignInView.as_view(), name="login"),
    path("uitloggen/", SignOutView.as_view(), name="logout"),
    # For superusers only (webui.admin_site); to everybody else a 404.
    path("admin/", admin.site.urls),
]

# Too much data (RequestDataTooBig and the like) gets the Dutch 413 page; the other
# error pages are the templates 400/403/404/500.html.
handler400 = "webui.middleware.bad_request"
