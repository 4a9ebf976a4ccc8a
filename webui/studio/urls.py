from django.urls import path

from . import views

app_name = "studio"
urlpatterns = [
    path("", views.process_list, name="list"),
    path("<slug:gemeente>/<str:file_name>/", views.diagram, name="diagram"),
]
