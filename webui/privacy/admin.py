from django.contrib import admin

from webui.logs.models import ProcessingRecord


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(admin.ModelAdmin):
    """Read-only, and only for superusers; privacy officers search it in the app."""

    list_display = ["at", "username", "action", "roles"]
    list_filter = ["action"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
