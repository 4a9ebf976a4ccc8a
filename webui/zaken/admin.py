from django.contrib import admin

from .models import ZaakDossier, Zaaksysteem


@admin.register(Zaaksysteem)
class ZaaksysteemAdmin(admin.ModelAdmin):
    list_display = ["gemeente", "service", "active"]


@admin.register(ZaakDossier)
class ZaakDossierAdmin(admin.ModelAdmin):
    list_display = ["case", "zaak_url", "failures", "retry_at", "last_error"]
    readonly_fields = ["case", "zaaksysteem", "zaak_url"]
