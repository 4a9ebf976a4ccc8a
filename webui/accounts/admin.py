from django.contrib import admin

from .models import Gemeente, MbOrganisation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ["naam", "slug", "bewaartermijn_jaren"]
    inlines = [MembershipInline]


@admin.register(MbOrganisation)
class MbOrganisationAdmin(admin.ModelAdmin):
    list_display = ["naam", "slug"]
    filter_horizontal = ["gemeenten"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "gemeente", "mb_organisation"]
    list_filter = ["role", "gemeente", "mb_organisation"]
