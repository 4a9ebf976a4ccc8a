from django.contrib import admin

from .models import AuditEvent, Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: a case moves only through its tasks, never by editing the row."""

    list_display = [
        "reference",
        "client_naam",
        "gemeente",
        "phase_label",
        "begeleider",
        "pip_deadline",
    ]
    list_filter = ["gemeente", "phase_label", "is_closed"]
    search_fields = ["reference", "client_naam"]
    exclude = ["state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "event", "case", "user"]
    list_filter = ["event"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
