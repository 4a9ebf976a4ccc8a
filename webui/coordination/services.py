"""The coördinator's changes: moving a begeleider's cases to colleagues."""

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser

from webui.accounts.models import Role
from webui.cases.models import Case
from webui.casework.services import Reassignment, cases_begeleider_reassign
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record


def begeleider_cases_move(
    *,
    moves: Sequence[tuple[int, AbstractBaseUser]],
    cases: Iterable[Case],
    from_user: AbstractBaseUser,
    by: AbstractBaseUser,
    note: str,
    occasion: Occasion | None = None,
) -> Sequence[Reassignment]:
    """Move some or all of a begeleider's ``cases`` to colleagues
    (``cases_begeleider_reassign``, one transaction per case: one refused does not
    stop the others); the cases moved in one processing-log record."""
    results = cases_begeleider_reassign(
        moves=moves, from_user=from_user, by=by, note=note
    )
    moved = {r.case_id for r in results if r.moved}
    if moved and occasion is not None:
        processing_record(
            user=by,
            action=ProcessingRecord.Action.CHANGE,
            cases=[c for c in cases if c.pk in moved],
            categories=["normaal"],
            roles=[Role.COORDINATOR],
            detail={"begeleider_reassigned": from_user.get_username()},
            occasion=occasion,
        )
    return results
