from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.home, name="home"),
    path("begeleiders/", views.begeleiders, name="begeleiders"),
    path("begeleiders/<int:pk>/", views.begeleider, name="begeleider"),
    path("te-laat/", views.overdue, name="overdue"),
    path("koppelen/<str:task_id>/", views.match, name="match"),
]
