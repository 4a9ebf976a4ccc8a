from django.contrib import admin

from .models import Zaaksysteem


@admin.register(Zaaksysteem)
class ZaaksysteemAdmin(admin.ModelAdmin):
    list_display = ["gemeente", "service", "active"]
