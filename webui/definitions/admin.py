from django.contrib import admin

from .models import DefinitionVersion, Draft


@admin.register(DefinitionVersion)
class DefinitionVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are made by deploying, in the studio or with a command."""

    list_display = ["__str__", "base", "is_active", "deployed_at", "deployed_by"]
    list_filter = ["gemeente", "is_active"]
    exclude = ["files", "derived", "milestone_rules"]
    readonly_fields = [
        "own_files",
        "provenance",
        "setting_values",
        "content_hash",
        "note",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["gemeente", "base", "updated_at", "updated_by"]
    exclude = ["files"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
