from django.urls import path

from . import pages

app_name = "koppelingen"

urlpatterns = [
    path("", pages.client_list, name="list"),
    path("<str:key>/nieuw/", pages.client_new, name="new"),
    path("client/<int:pk>/", pages.client_detail, name="detail"),
    path("client/<int:pk>/intrekken/", pages.client_revoke_view, name="revoke"),
]
