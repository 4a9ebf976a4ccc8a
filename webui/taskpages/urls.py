from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.queue, name="queue"),
    path(
        "taak/<str:task_id>/",
        views.TaskFormView.as_view(form_list=[views._Placeholder]),
        name="task",
    ),
    path("taak/<str:task_id>/oppakken/", views.claim, name="claim"),
    path("taak/<str:task_id>/teruggeven/", views.release, name="release"),
    path("taak/<str:task_id>/overdragen/", views.hand_over, name="hand_over"),
    path("taak/<str:task_id>/concept/", views.save_draft, name="save_draft"),
    path(
        "taak/<str:task_id>/concept/weggooien/",
        views.discard_draft,
        name="discard_draft",
    ),
]
