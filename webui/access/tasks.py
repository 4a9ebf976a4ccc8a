"""Which tasks a user may pick up, work on and open."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from webui.accounts.models import LANE_SIDE
from webui.tasks.models import TaskItem

from .cases import visible_cases
from .roles import Grant, grants


def _pool(grant: Grant) -> Q | None:
    """The open tasks a grant's role may pick up."""
    if grant.role not in LANE_SIDE:
        return None
    if LANE_SIDE[grant.role] == "gemeente":
        return (
            Q(role=grant.role, gemeente_id=grant.gemeente_id)
            if grant.gemeente_id
            else None
        )
    return Q(role=grant.role, mb_organisation_id=grant.mb_id) if grant.mb_id else None


def task_pools(*, user: AbstractBaseUser) -> list[Q]:
    """One filter per role the user works tasks in; the queue unions them."""
    return [p for g in grants(user=user) if (p := _pool(g)) is not None]


def may_work_on(*, user: AbstractBaseUser, item: Any) -> bool:
    """Whether the task is of a role the user holds at the right organisation."""
    for grant in grants(user=user):
        if grant.role != item.role or grant.role not in LANE_SIDE:
            continue
        if (
            LANE_SIDE[grant.role] == "gemeente"
            and grant.gemeente_id == item.gemeente_id
        ):
            return True
        if LANE_SIDE[grant.role] == "mb" and grant.mb_id == item.mb_organisation_id:
            return True
    return False


def may_see_task(*, user: AbstractBaseUser, item: Any) -> bool:
    """Whether the user may open the task's page: an open task they hold now, an open
    unclaimed task of their role's pool, or any task of a case they may open now.
    A task they completed or held once opens nothing once the case has moved on to
    a colleague: a done task of a case they no longer read is a 404."""
    if item.state == TaskItem.State.OPEN:
        if item.assignee_id is not None and item.assignee_id == user.pk:
            return True
        if item.assignee_id is None and may_work_on(user=user, item=item):
            return True
    return visible_cases(user=user).filter(pk=item.case_id).exists()
