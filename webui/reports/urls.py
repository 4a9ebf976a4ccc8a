from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("excel/", views.download, name="download"),
    path("export/<int:run_id>/", views.run, name="run"),
    path("export/<int:run_id>/stand/", views.run_status, name="run_status"),
    path("export/<int:run_id>/bestand/", views.run_download, name="run_download"),
]
