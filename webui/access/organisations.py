"""The gemeenten and organisations a user works for or manages, and the users a
beheerder may manage (the Gebruikers page): never themselves, never a superuser,
never anyone outside their organisations."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from webui.accounts.models import Gemeente, MbOrganisation, Membership, Role
from webui.accounts.selectors import Organisation, organisation_key

from .roles import grants, organisations_of


def managed_gemeenten(*, user: AbstractBaseUser) -> QuerySet[Gemeente]:
    """The gemeenten whose process the user manages (functioneel beheerder)."""
    ids = [g.gemeente_id for g in grants(user=user) if g.role == Role.BEHEERDER]
    return Gemeente.objects.filter(pk__in=ids).order_by("naam")


def related_gemeenten(*, user: AbstractBaseUser) -> QuerySet[Gemeente]:
    """The gemeenten a user works for: their own, or those their MB organisation
    works for (whose processes they may view)."""
    own = {g.gemeente_id for g in grants(user=user) if g.gemeente_id}
    mbs = {g.mb_id for g in grants(user=user) if g.mb_id}
    return (
        Gemeente.objects.filter(Q(pk__in=own) | Q(mb_organisations__in=mbs))
        .distinct()
        .order_by("naam")
    )


def registering_organisations(
    *, user: AbstractBaseUser
) -> list[tuple[MbOrganisation, list[Gemeente]]]:
    """Where a coördinator may register statushouders: their MB organisations, each
    with the gemeenten it works for."""
    _gemeenten, mbs = organisations_of(user=user, role=Role.COORDINATOR)
    return [
        (org, list(org.gemeenten.order_by("naam")))
        for org in MbOrganisation.objects.filter(pk__in=mbs).order_by("naam")
    ]


def managed_organisations(*, user: AbstractBaseUser) -> list[Organisation]:
    """The gemeenten and MB organisations whose users ``user`` manages (beheerder)."""
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    return [
        *Gemeente.objects.filter(pk__in=gemeenten).order_by("naam"),
        *MbOrganisation.objects.filter(pk__in=mbs).order_by("naam"),
    ]


def managed_organisation(*, user: AbstractBaseUser, key: str) -> Organisation | None:
    """One of the user's managed organisations by its key; None (a 404) otherwise."""
    for organisation in managed_organisations(user=user):
        if organisation_key(organisation) == key:
            return organisation
    return None


def _members_of(gemeenten: set[int], mbs: set[int]) -> "QuerySet[Membership]":
    return Membership.objects.filter(
        Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
    )


@dataclass(frozen=True)
class Member:
    """A user of one of the beheerder's organisations, as the Gebruikers page lists
    them: their roles there and whether the beheerder may change them."""

    user: Any
    roles: tuple[str, ...]
    manageable: bool


def organisation_members(
    *, user: AbstractBaseUser
) -> list[tuple[Organisation, list[Member]]]:
    """Per managed organisation, its users with their roles there."""
    organisations = managed_organisations(user=user)
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    held: dict[tuple[str, int], dict[int, list[str]]] = {}
    people: dict[int, Any] = {}
    labels = dict(Role.choices)
    for membership in _members_of(gemeenten, mbs).select_related("user"):
        org = (
            ("gemeente", membership.gemeente_id)
            if membership.gemeente_id
            else ("mb", membership.mb_organisation_id)
        )
        people[membership.user_id] = membership.user
        held.setdefault(org, {}).setdefault(membership.user_id, []).append(
            str(labels[membership.role])
        )
    result = []
    for organisation in organisations:
        kind = "gemeente" if isinstance(organisation, Gemeente) else "mb"
        members = held.get((kind, organisation.pk), {})
        rows = [
            Member(
                user=people[pk],
                roles=tuple(sorted(roles)),
                manageable=_may_manage(user, people[pk]),
            )
            for pk, roles in members.items()
        ]
        rows.sort(
            key=lambda m: (m.user.last_name.casefold(), m.user.first_name.casefold())
        )
        result.append((organisation, rows))
    return result


def _may_manage(user: AbstractBaseUser, target: Any) -> bool:
    # Never oneself (nobody raises their own rights) and never an account of the
    # technical beheer (superuser or staff, made on the command line).
    return target.pk != user.pk and not target.is_superuser and not target.is_staff


def manageable_user(*, user: AbstractBaseUser, pk: int) -> Any | None:
    """The user ``pk`` if ``user`` may manage them: someone with a role at one of
    the organisations ``user`` is beheerder of, not ``user`` themselves, not a
    superuser. None (a 404) otherwise."""
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    if not gemeenten and not mbs:
        return None
    target = (
        get_user_model()
        .objects.filter(pk=pk, pk__in=_members_of(gemeenten, mbs).values("user_id"))
        .first()
    )
    if target is None or not _may_manage(user, target):
        return None
    return target


def has_roles_elsewhere(*, user: AbstractBaseUser, target: AbstractBaseUser) -> bool:
    """Whether ``target`` also holds a role at an organisation ``user`` does not
    manage (which ``user`` then may not switch off by deactivating the account)."""
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    return (
        Membership.objects.filter(user=target)
        .exclude(pk__in=_members_of(gemeenten, mbs).values("pk"))
        .exists()
    )
