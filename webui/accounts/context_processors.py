from django.http import HttpRequest

from .selectors import roles_held


def roles(request: HttpRequest) -> dict[str, object]:
    """The roles the user holds anywhere, for menus (not for access checks)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": set()}
    return {"my_roles": roles_held(user=user)}
