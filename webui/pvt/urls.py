from django.urls import path

from . import views

app_name = "pvt"
urlpatterns = [
    path("", views.home, name="home"),
    path("nieuw/", views.session_new, name="new"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/vastleggen/", views.session_record_view, name="record"),
    path("<int:pk>/annuleren/", views.session_cancel_view, name="cancel"),
]
