from django.http import HttpRequest

from .selectors import CASE_ROLES, roles_held


def roles(request: HttpRequest) -> dict[str, object]:
    """The roles the user holds anywhere, and whether any of them works on cases
    (tasks and case pages), for menus (not for access checks)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": set(), "opens_cases": False}
    held = roles_held(user=user)
    return {"my_roles": held, "opens_cases": bool(held & CASE_ROLES)}
