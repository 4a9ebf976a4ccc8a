"""The user's own profile: read it (a user who never saved one has the defaults) and
save what they changed on "Mijn instellingen"."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from .models import Membership, UserProfile


def profile_of(*, user: AbstractBaseUser) -> UserProfile:
    """The user's profile; an unsaved one with the defaults if they never saved
    theirs."""
    return UserProfile.objects.filter(user=user).first() or UserProfile(user=user)


def profiles_for(*, users: Iterable[AbstractBaseUser]) -> dict[int, UserProfile]:
    """user pk -> profile, for several users at once (defaults where none saved)."""
    users = list(users)
    saved = {
        p.user_id: p for p in UserProfile.objects.filter(user__in=[u.pk for u in users])
    }
    return {u.pk: saved.get(u.pk) or UserProfile(user=u) for u in users}


def wants_digest(*, user: AbstractBaseUser) -> bool:
    return profile_of(user=user).daily_digest


def profile_update(
    *,
    user: AbstractBaseUser,
    daily_digest: bool,
    languages: list[str] | None = None,
    areas: list[str] | None = None,
    hours_per_week: int | None = None,
    days: list[str] | None = None,
    max_statushouders: int | None = None,
    away_until: date | None = None,
    matching: bool = True,
) -> UserProfile:
    """Save the user's own settings. Without ``matching`` (a user who is no
    begeleider) only the e-mail choice changes."""
    values: dict[str, Any] = {"daily_digest": daily_digest}
    if matching:
        values.update(
            languages=list(languages or []),
            areas=list(areas or []),
            hours_per_week=hours_per_week,
            days=list(days or []),
            max_statushouders=max_statushouders,
            away_until=away_until,
        )
    profile, _ = UserProfile.objects.update_or_create(user=user, defaults=values)
    return profile


def roles_in_words(*, user: AbstractBaseUser) -> list[str]:
    """The user's roles, each with its organisation ("Begeleider bij Samen Verder")."""
    members = Membership.objects.filter(user=user).select_related(
        "gemeente", "mb_organisation"
    )
    return sorted(f"{m.get_role_display()} bij {m.organisation}" for m in members)
