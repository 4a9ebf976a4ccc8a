"""Who may do what, read from memberships."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import Gemeente, Membership, Role


def user_gemeenten(*, user: AbstractBaseUser) -> QuerySet[Gemeente]:
    """The gemeenten the user holds any role in."""
    return Gemeente.objects.filter(memberships__user=user).distinct()


def user_roles(*, user: AbstractBaseUser, gemeente: Gemeente) -> set[str]:
    """The user's roles in one gemeente."""
    return set(
        Membership.objects.filter(user=user, gemeente=gemeente).values_list(
            "role", flat=True
        )
    )


def user_role_pairs(*, user: AbstractBaseUser) -> list[tuple[int, str]]:
    """(gemeente id, role) for every membership of the user."""
    return list(Membership.objects.filter(user=user).values_list("gemeente_id", "role"))


def users_with_role(*, gemeente: Gemeente, role: str) -> list[tuple[str, str]]:
    """(username, full name) of the users holding ``role`` in ``gemeente``."""
    members = (
        Membership.objects.filter(gemeente=gemeente, role=role, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    return [
        (m.user.username, m.user.get_full_name() or m.user.username) for m in members
    ]


def is_manager(*, user: AbstractBaseUser, gemeente: Gemeente | None = None) -> bool:
    members = Membership.objects.filter(user=user, role=Role.MANAGER)
    if gemeente is not None:
        members = members.filter(gemeente=gemeente)
    return members.exists()
