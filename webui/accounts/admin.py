from django.contrib import admin

from .models import Gemeente, MbOrganisation, Membership, UserProfile


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ["naam", "slug", "bewaartermijn_jaren", "keep_with_completer"]
    inlines = [MembershipInline]


@admin.register(MbOrganisation)
class MbOrganisationAdmin(admin.ModelAdmin):
    list_display = ["naam", "slug", "keep_with_completer"]
    filter_horizontal = ["gemeenten"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "gemeente", "mb_organisation"]
    list_filter = ["role", "gemeente", "mb_organisation"]


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "hours_per_week",
        "max_statushouders",
        "away_until",
        "daily_digest",
    ]
    list_filter = ["daily_digest"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
