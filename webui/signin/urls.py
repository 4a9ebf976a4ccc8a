from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("inloggen/organisatie/terug/", views.sign_in_callback, name="callback"),
    path(
        "inloggen/organisatie/<str:organisation>/",
        views.SignInStartView.as_view(),
        name="start",
    ),
    path(
        "gebruikers/organisatieaccount/<str:organisation>/",
        views.provider_edit,
        name="provider",
    ),
]
