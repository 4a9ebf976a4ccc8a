from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.log, name="log"),
    path("inzage/<str:reference>/", views.inzage, name="inzage"),
]
