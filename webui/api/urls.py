"""/api/v1/: the REST API, its OpenAPI document and its reference page. No trailing
slashes (NL API Design Rules)."""

from django.urls import path, re_path

from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView

from . import pages, views

app_name = "api"

urlpatterns = [
    path("token", views.TokenView.as_view(), name="token"),
    path("aanmeldingen", views.AanmeldingenView.as_view(), name="aanmeldingen"),
    path("dossiers", views.DossiersView.as_view(), name="dossiers"),
    path("dossiers/<str:kenmerk>", views.DossierView.as_view(), name="dossier"),
    path(
        "dossiers/<str:kenmerk>/mijlpalen",
        views.MijlpalenView.as_view(),
        name="mijlpalen",
    ),
    path(
        "dossiers/<str:kenmerk>/gebeurtenissen",
        views.GebeurtenissenView.as_view(),
        name="gebeurtenissen",
    ),
    path("abonnementen", views.AbonnementenView.as_view(), name="abonnementen"),
    path("abonnementen/<uuid:pk>", views.AbonnementView.as_view(), name="abonnement"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("openapi.yaml", SpectacularYAMLAPIView.as_view(), name="schema-yaml"),
    # Rendered from docs/api/openapi.yaml on the server (webui/api/reference.py).
    path("docs", pages.reference, name="docs"),
    # Last: whatever else is asked under /api/v1/ is a 404 in problem+json.
    re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"),
]
