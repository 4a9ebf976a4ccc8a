"""Who does a role's work, and the roles a beheerder may give. Who may see what
(need-to-know) is webui.access."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from .models import (
    GEMEENTE_ROLES,
    LANE_SIDE,
    MB_ROLES,
    Gemeente,
    MbOrganisation,
    Membership,
    Role,
)


def users_for_role(
    *, role: str, gemeente_id: int | None, mb_id: int | None
) -> Iterable[Any]:
    """Active users holding ``role`` at the organisation that does that role's work."""
    members = Membership.objects.filter(role=role, user__is_active=True)
    if LANE_SIDE.get(role) == "gemeente":
        members = members.filter(gemeente_id=gemeente_id)
    else:
        members = members.filter(mb_organisation_id=mb_id)
    return [
        m.user
        for m in members.select_related("user").order_by(
            "user__first_name", "user__username"
        )
    ]


def username_of(*, pk: str) -> str | None:
    """The username of the user with this id (as an address carries it), or None.
    Addresses name a user by id, forms and the engine by username."""
    if not pk.isdigit():
        return None
    model = get_user_model()
    found = model.objects.filter(pk=int(pk)).values_list(
        model.USERNAME_FIELD, flat=True
    )
    return next(iter(found), None)


def user_choices(*, gemeente_id: int | None, mb_id: int | None):  # type: ignore[no-untyped-def]
    """For a form's `gebruiker` field: given a role, (username, name) of the users who
    do that role's work for a case of this gemeente and MB organisation."""

    def choices(role: str) -> list[tuple[str, str]]:
        return [
            (u.get_username(), u.get_full_name() or u.get_username())
            for u in users_for_role(role=role, gemeente_id=gemeente_id, mb_id=mb_id)
        ]

    return choices


# ---- the beheerder's Gebruikers page ----

Organisation = Gemeente | MbOrganisation


def organisation_key(organisation: Organisation) -> str:
    """A stable name for an organisation in addresses and form fields."""
    kind = "gemeente" if isinstance(organisation, Gemeente) else "mb"
    return f"{kind}-{organisation.pk}"


def assignable_roles(*, organisation: Organisation) -> list[str]:
    """The roles a beheerder may give at ``organisation``: the gemeente's roles at a
    gemeente (regie, never the MB work), the MB organisation's at an MB
    organisation."""
    side = GEMEENTE_ROLES if isinstance(organisation, Gemeente) else MB_ROLES
    return [role for role in Role.values if role in side]


def roles_at(*, target: AbstractBaseUser, organisation: Organisation) -> set[str]:
    """The roles ``target`` holds at one organisation."""
    place = (
        {"gemeente": organisation}
        if isinstance(organisation, Gemeente)
        else {"mb_organisation": organisation}
    )
    return set(
        Membership.objects.filter(user=target, **place).values_list("role", flat=True)
    )
