from django.urls import path

from . import views

app_name = "users"
urlpatterns = [
    path("", views.user_list, name="list"),
    path("uitnodigen/<str:organisation>/", views.invite, name="invite"),
    path("vervolgstappen/<str:organisation>/", views.continuity, name="continuity"),
    path("<int:pk>/", views.user_detail, name="detail"),
    path("<int:pk>/actief/", views.active, name="active"),
    path("<int:pk>/wachtwoordlink/", views.password_link, name="password_link"),
    path(
        "wachtwoord/<uidb64>/<token>/",
        views.PasswordSetView.as_view(),
        name="password_set",
    ),
    path("wachtwoord/klaar/", views.PasswordDoneView.as_view(), name="password_done"),
]
