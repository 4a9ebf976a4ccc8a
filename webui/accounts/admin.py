from django.contrib import admin

from .models import Gemeente, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ["naam", "slug"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "gemeente", "role"]
    list_filter = ["gemeente", "role"]
