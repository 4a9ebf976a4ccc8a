from django.http import HttpRequest

from .models import Membership


def roles(request: HttpRequest) -> dict[str, object]:
    """The roles the user holds in any gemeente, for menus (not for access checks)."""
    if not request.user.is_authenticated:
        return {"my_roles": set()}
    held = Membership.objects.filter(user=request.user).values_list("role", flat=True)
    return {"my_roles": set(held)}
