from django.urls import path

from . import twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path(
        "inlogcode/",
        twofactor_views.second_factor_code,
        name="second_factor_code",
    ),
    path(
        "tweestapsverificatie/",
        twofactor_views.second_factor_setup,
        name="second_factor_setup",
    ),
    path(
        "tweestapsverificatie/uitzetten/",
        twofactor_views.second_factor_off,
        name="second_factor_off",
    ),
]
