from django.http import HttpRequest

from engine import ROLES
from webui.access import CASE_ROLES, roles_held
from webui.accounts.models import Role


def lane_labels(request: HttpRequest) -> dict[str, object]:
    """The Dutch name of each lane's role (begeleider → Begeleider), for the process
    diagrams: a lane is named by its role code, which is what the engine reads."""
    return {"lane_labels": {role: str(Role(role).label) for role in ROLES}}


def roles(request: HttpRequest) -> dict[str, object]:
    """The roles the user holds anywhere, and whether any of them works on cases
    (tasks and case pages), for menus (not for access checks)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": set(), "opens_cases": False}
    held = roles_held(user=user)
    return {"my_roles": held, "opens_cases": bool(held & CASE_ROLES)}
