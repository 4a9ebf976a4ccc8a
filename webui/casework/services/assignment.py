"""Reassigning a case's vaste begeleider: when a volunteer stops or is away, the
coördinator moves their cases to colleagues. The case and its open begeleider tasks
move together, in one transaction per case, with an audit event for the timeline.

The engine's own copy of the koppeling answer is left alone: who does the
begeleider's tasks is the case record's ``begeleider`` (what the task projection
assigns from), not a process variable.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from engine import Clock
from webui.access import case_access
from webui.accounts.models import Role
from webui.accounts.selectors import users_for_role
from webui.cases.models import Case
from webui.logs.services import audit
from webui.tasks.models import TaskDraft, TaskItem

from .base import CaseError, TaskNotAllowed, clock_or_system, locked_case

logger = logging.getLogger("webui.cases")

NOTE_MAX = 500


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _checked_note(note: str) -> str:
    note = note.strip()
    if not note:
        raise CaseError(
            "Schrijf kort waarom de begeleider wisselt, bijvoorbeeld: stopt als"
            " vrijwilliger. Er is niets overgedragen."
        )
    if len(note) > NOTE_MAX:
        raise CaseError(
            f"De toelichting is te lang (hoogstens {NOTE_MAX} tekens). Er is niets"
            " overgedragen."
        )
    return note


def _refusal(case: Case, from_user: Any, to_user: Any) -> str | None:
    """Why this case cannot go from ``from_user`` to ``to_user`` (Dutch), or None."""
    if case.is_closed:
        return f"{case.reference} is afgesloten."
    if case.begeleider_id != from_user.pk:
        now = _name(case.begeleider) if case.begeleider else "niemand"
        return f"{case.reference} heeft intussen een andere vaste begeleider ({now})."
    if to_user.pk == from_user.pk:
        return f"{_name(to_user)} is al de vaste begeleider van {case.reference}."
    colleagues = users_for_role(
        role=Role.BEGELEIDER,
        gemeente_id=case.gemeente_id,
        mb_id=case.mb_organisation_id,
    )
    if to_user.pk not in {u.pk for u in colleagues}:
        return (
            f"{_name(to_user)} is geen (actieve) begeleider bij de MB-organisatie van"
            f" {case.reference}."
        )
    return None


def case_begeleider_reassign(
    *,
    case_id: int,
    from_user: AbstractBaseUser,
    to_user: AbstractBaseUser,
    by: AbstractBaseUser,
    note: str,
    clock: Clock | None = None,
) -> int:
    """Make ``to_user`` the vaste begeleider of the case instead of ``from_user``;
    the open begeleider tasks ``from_user`` held (or nobody had picked up) go along.
    Returns how many tasks moved. On a refusal nothing changes."""
    note = _checked_note(note)
    now = clock_or_system(clock).now()
    with transaction.atomic():
        case = locked_case(case_id)
        if case is None:
            raise CaseError("Dit dossier bestaat niet (meer).")
        access = case_access(user=by, case=case)
        if access is None or Role.COORDINATOR not in access.roles:
            raise TaskNotAllowed(
                "Alleen een coördinator van dit dossier kan de vaste begeleider"
                " wijzigen."
            )
        refusal = _refusal(case, from_user, to_user)
        if refusal:
            raise CaseError(f"{refusal} Er is niets overgedragen.")
        case.begeleider = to_user
        case.save(update_fields=["begeleider", "updated_at"])
        moving = TaskItem.objects.filter(
            case=case, state=TaskItem.State.OPEN, role=Role.BEGELEIDER
        ).filter(Q(assignee=from_user) | Q(assignee__isnull=True))
        # What the former begeleider typed stays theirs, and they no longer read
        # the case: their drafts of the moving tasks go, as on a task hand-over.
        TaskDraft.objects.filter(item__in=moving, user=from_user).delete()
        moved = moving.update(assignee=to_user)
        audit(
            case=case,
            user=by,
            event="begeleider_reassigned",
            at=now,
            **{
                "from": from_user.get_username(),
                "from_name": _name(from_user),
                "to": to_user.get_username(),
                "to_name": _name(to_user),
                "note": note,
                "tasks": moved,
            },
        )
    return moved


@dataclass(frozen=True)
class Reassignment:
    """What happened to one case of a bulk reassignment."""

    case_id: int
    reference: str
    client_naam: str
    to_name: str
    tasks: int = 0
    error: str = ""

    @property
    def moved(self) -> bool:
        return not self.error


def cases_begeleider_reassign(
    *,
    moves: Sequence[tuple[int, AbstractBaseUser]],
    from_user: AbstractBaseUser,
    by: AbstractBaseUser,
    note: str,
    clock: Clock | None = None,
) -> list[Reassignment]:
    """Reassign several cases, each (case id, new begeleider) in its own
    transaction: one that cannot move never stops the others."""
    note = _checked_note(note)
    cases = Case.objects.in_bulk([case_id for case_id, _ in moves])
    results = []
    for case_id, to_user in moves:
        case = cases.get(case_id)
        reference = case.reference if case else str(case_id)
        naam = case.client_naam if case else ""
        try:
            tasks = case_begeleider_reassign(
                case_id=case_id,
                from_user=from_user,
                to_user=to_user,
                by=by,
                note=note,
                clock=clock,
            )
        except CaseError as exc:
            error = str(exc)
        except Exception:  # noqa: BLE001 - one case never stops the others
            logger.exception("Reassigning the begeleider of case %s failed", case_id)
            error = "Er ging onverwacht iets mis; er is niets overgedragen."
        else:
            results.append(
                Reassignment(case_id, reference, naam, _name(to_user), tasks)
            )
            continue
        results.append(Reassignment(case_id, reference, naam, _name(to_user), 0, error))
    return results
