from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("taal/", views.choose_language, name="language"),
    path("uitloggen/", views.sign_out, name="sign_out"),
    path("uitnodiging/<str:token>/", views.invitation, name="invitation"),
    # Staff: the invitation of a case, a request handled.
    path("uitnodigen/<str:reference>/", views.invite, name="invite"),
    path("uitnodigen/<str:reference>/intrekken/", views.revoke, name="revoke"),
    path("vraag/<int:pk>/afgehandeld/", views.request_done, name="request_done"),
    # The statushouder's own case.
    path("<str:reference>/", views.home, name="home"),
    path("<str:reference>/toestemming/", views.consents, name="consents"),
    path("<str:reference>/contact/", views.contact, name="contact"),
    path("<str:reference>/inzage/", views.inzage, name="inzage"),
    path(
        "<str:reference>/inzage/download/",
        views.inzage_download,
        name="inzage_download",
    ),
]
