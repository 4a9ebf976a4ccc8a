from django.contrib import admin

from .models import DigestSent


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "queued_at", "sent_at", "tasks"]
    list_filter = ["date"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
