from django.contrib import admin
from django.http import Http404

from webui.access import case_access, roles_held, visible_cases
from webui.cases.models import Case
from webui.logs.context import occasion_of
from webui.logs.models import AuditEvent, ProcessingRecord
from webui.logs.services import processing_record


class LoggedAdmin(admin.ModelAdmin):
    """Every look at a list or a row that shows a statushouder is logged, naming each
    dossier shown (``case_of`` gives a row's case)."""

    def case_of(self, obj):  # type: ignore[no-untyped-def]
        return obj.case

    def _log(self, request, cases) -> None:  # type: ignore[no-untyped-def]
        cases = {case.pk: case for case in cases if case is not None}
        if not cases:
            return
        roles: set[str] = set(roles_held(user=request.user))
        if len(cases) == 1:
            access = case_access(user=request.user, case=next(iter(cases.values())))
            roles = set(access.roles) if access else roles
        processing_record(
            user=request.user,
            action=ProcessingRecord.Action.ADMIN,
            cases=list(cases.values()),
            categories=["persoonsgegevens"],
            roles=roles,
            detail={"path": request.get_full_path()[:500]},
            occasion=occasion_of(request),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        shown = getattr(
            getattr(response, "context_data", {}).get("cl"), "result_list", []
        )
        self._log(request, [self.case_of(obj) for obj in shown])
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            self._log(request, [self.case_of(obj)])
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # Its title is the row's name, and a case's name is the statushouder's.
        obj = self.get_object(request, object_id)
        if obj is not None:
            self._log(request, [self.case_of(obj)])
        return super().history_view(request, object_id, extra_context)


@admin.register(Case)
class CaseAdmin(LoggedAdmin):
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

    def case_of(self, obj):  # type: ignore[no-untyped-def]
        return obj

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(LoggedAdmin):
    """Read-only; only the events of cases the user may open, every look logged
    (an event names its case and may hold names and notes)."""

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
            .select_related("case", "user")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
