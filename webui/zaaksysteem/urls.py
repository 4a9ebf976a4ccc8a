from django.urls import path

from . import views

app_name = "zaken"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:gemeente>/", views.configure, name="configure"),
]
