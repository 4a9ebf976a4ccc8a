from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("nieuw/", views.case_new, name="new"),
    # The export moved to the managers' overview (webui.reports).
    path("export.xlsx", RedirectView.as_view(pattern_name="reports:overview")),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/contactmoment/", views.case_contact, name="contact"),
    path("<str:reference>/toestemming/", views.case_consent, name="consent"),
    path(
        "<str:reference>/toestemming/vragen/",
        views.case_consent_request,
        name="consent_request",
    ),
    path("<str:reference>/verwijzing/", views.referral_new, name="referral"),
    path(
        "<str:reference>/verwijzing/<int:referral_id>/",
        views.referral_follow_up_view,
        name="follow_up",
    ),
    path("<str:reference>/rapportage/", views.case_report, name="report"),
    path("<str:reference>/pip/", views.case_pip, name="pip"),
    path(
        "<str:reference>/datum-corrigeren/",
        views.case_date_correct_view,
        name="date_correct",
    ),
    path("<str:reference>/heropenen/", views.case_reopen_view, name="reopen"),
]
