from django.urls import path

from . import views

app_name = "aanmeldingen"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/bevestigen/", views.confirm, name="confirm"),
    path("<int:pk>/annuleren/", views.cancel, name="cancel"),
]
