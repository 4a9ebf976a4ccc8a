"""The roles a user holds, and where: every rule of need-to-know starts here."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from webui.accounts.models import Membership


@dataclass(frozen=True)
class Grant:
    """One role a user holds at one organisation."""

    role: str
    gemeente_id: int | None = None
    mb_id: int | None = None


# Within one request the user's memberships are read once (see grants_per_request);
# outside a request (commands, background tasks, services called directly) always.
_request_grants: ContextVar[dict[int, tuple[Grant, ...]] | None] = ContextVar(
    "wegwijs_request_grants", default=None
)


@contextmanager
def grants_per_request() -> Iterator[None]:
    """Read each user's memberships at most once inside this block: a page asks
    need-to-know a dozen times, and the answer does not change while it is built.
    Nested blocks share the outer one's reads."""
    if _request_grants.get() is not None:
        yield
        return
    token = _request_grants.set({})
    try:
        yield
    finally:
        _request_grants.reset(token)


def grants(*, user: AbstractBaseUser) -> tuple[Grant, ...]:
    if not user.is_authenticated or not user.is_active:
        return ()
    cached = _request_grants.get()
    if cached is not None and user.pk in cached:
        return cached[user.pk]
    found = tuple(
        Grant(role, gemeente_id, mb_id)
        for role, gemeente_id, mb_id in Membership.objects.filter(
            user=user
        ).values_list("role", "gemeente_id", "mb_organisation_id")
    )
    if cached is not None:
        cached[user.pk] = found
    return found


def roles_held(*, user: AbstractBaseUser) -> set[str]:
    """Every role the user holds anywhere (for menus, not for access)."""
    return {grant.role for grant in grants(user=user)}


def organisations_of(*, user: AbstractBaseUser, role: str) -> tuple[set[int], set[int]]:
    """(gemeente ids, MB organisation ids) where the user holds ``role``."""
    held = [g for g in grants(user=user) if g.role == role]
    return (
        {g.gemeente_id for g in held if g.gemeente_id},
        {g.mb_id for g in held if g.mb_id},
    )
