"""The task pages' reads in the processing log: the queue (its task rows and the
follow-ups due) and a task's page, each logged as seen by the user on the page's
occasion. The pages hand over what they show; they write no log themselves."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from webui.access import leefgebied_privacy, roles_held
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record
from webui.tasks.models import TaskItem

from .needs import TaskNeeds


def queue_seen(
    *,
    user: AbstractBaseUser,
    rows: Iterable[TaskItem],
    follow_ups: Iterable[Any],
    occasion: Occasion,
    requests: Iterable[Any] = (),
) -> None:
    """One record for the queue page: the statushouders of its task rows, of its
    follow-up block (name, organisation and leefgebied of each referral) and of the
    requests they made in Mijn Wegwijs."""
    rows, follow_ups = list(rows), list(follow_ups)
    cases = {item.case_id: item.case for item in rows}
    cases.update((referral.case_id, referral.case) for referral in follow_ups)
    cases.update((request.case_id, request.case) for request in requests)
    if not cases:
        return
    categories = {"persoonsgegevens"} | {
        leefgebied_privacy(referral.leefgebied) for referral in follow_ups
    }
    processing_record(
        user=user,
        action=ProcessingRecord.Action.LIST,
        cases=list(cases.values()),
        categories=categories,
        roles=sorted({item.role for item in rows} or roles_held(user=user)),
        detail={
            "path": occasion.full_path,
            "follow_ups": [referral.pk for referral in follow_ups],
        },
        occasion=occasion,
    )


def task_seen(
    *,
    item: TaskItem,
    user: AbstractBaseUser,
    occasion: Occasion,
    needs: TaskNeeds | None = None,
    page: str = "",
) -> None:
    """A task's page (or its hand-over page): the statushouder's name, and what
    the side panel showed of the case (``needs``)."""
    processing_record(
        user=user,
        action=ProcessingRecord.Action.TASK,
        cases=[item.case],
        categories=needs.categories if needs else ["persoonsgegevens"],
        consented=needs.consented if needs else (),
        roles=[item.role],
        detail={"task": item.bpmn_id, **({"page": page} if page else {})},
        occasion=occasion,
    )
