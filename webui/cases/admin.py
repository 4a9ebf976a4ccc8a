from django.contrib import admin
from django.http import Http404

from webui.accounts.selectors import case_access, roles_held, visible_cases
from webui.privacy.models import ProcessingRecord
from webui.privacy.services import processing_record

from .models import AuditEvent, Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only, and need-to-know like every page: a user sees only the cases their
    roles may open (a superuser without roles sees none); every look is logged. A
    case moves only through its tasks, never by editing the row."""

    list_display = ["reference", "client_naam", "gemeente", "phase_label", "begeleider"]
    list_filter = ["gemeente", "phase_label", "is_closed"]
    search_fields = ["reference", "client_naam"]
    fields = [
        "reference",
        "client_naam",
        "gemeente",
        "mb_organisation",
        "phase_label",
        "begeleider",
        "koppeling_datum",
        "pip_deadline",
        "is_closed",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=visible_cases(user=request.user).values("pk"))
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        shown = getattr(
            getattr(response, "context_data", {}).get("cl"), "result_list", []
        )
        if shown:
            processing_record(
                user=request.user,
                action=ProcessingRecord.Action.ADMIN,
                cases=list(shown),
                categories=["persoonsgegevens"],
                roles=roles_held(user=request.user),
                detail={"path": request.get_full_path()},
                request=request,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        if case is not None:
            access = case_access(user=request.user, case=case)
            processing_record(
                user=request.user,
                action=ProcessingRecord.Action.ADMIN,
                cases=[case],
                categories=["persoonsgegevens"],
                roles=access.roles if access else (),
                detail={"path": request.path},
                request=request,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "event", "case", "user"]
    list_filter = ["event"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An event's detail may name a leefgebied ("referral_recorded": financien):
        # it inherits that class, so without consent it is a 404 like the page.
        event = self.get_object(request, object_id)
        leefgebied = str((event.detail or {}).get("leefgebied", "")) if event else ""
        if event is not None and event.case is not None and leefgebied:
            access = case_access(user=request.user, case=event.case)
            if access is None or not access.shows_leefgebied(leefgebied, "mb"):
                raise Http404(
                    "Deze gebeurtenis bestaat niet of u heeft er geen toegang toe."
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(case__in=visible_cases(user=request.user).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
