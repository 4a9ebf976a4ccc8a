"""Correcting a date a case's deadlines were computed from (issue 18, item 4).

The regievoerder corrects a wrongly entered date (the binnenkomst in the gemeente,
guessed at aanmelding while the statushouder still waited in the AZC; the start of
the inburgeringstermijn) with a reason. The engine recomputes what the diagrams
compute from it and moves the waiting deadlines (``engine.correct_value``); this
service runs it through the one way to advance a case and audits who, the old date,
the new one and why, with every deadline that moved. A deadline that has passed by
the corrected date fires at once, and the message says so.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

import engine
from engine import Clock
from vocabulary import REGIEVOERDER
from webui.access import case_access
from webui.cases.models import Case
from webui.definitions.bundles import bundle_of
from webui.logs.context import Occasion

from .advancing import Advance, case_advance
from .base import (
    CaseError,
    TaskNotAllowed,
    as_date,
    case_state,
    change_record,
    clock_or_system,
)

CORRECTION_ROLES = frozenset({REGIEVOERDER})

# The dates a correction may touch, with their words when no form of the case's
# version labels them. Deadlines are computed from these; other dates are answers of
# one step and are corrected by doing that step again.
CORRECTABLE_DATES: dict[str, str] = {
    "datum_binnenkomst": "Datum binnenkomst in de gemeente",
    "inburgeringsplicht_start": "Begin van de inburgeringstermijn",
}

# Where the binnenkomst may be read when the MB recorded the key handover.
SLEUTELOVERDRACHT = "sleuteloverdracht_datum"


@dataclass(frozen=True)
class DateCorrection:
    """What a correction did, for the page's message."""

    case: Case
    label: str
    before: date | None
    after: date
    moved: tuple[engine.MovedTimer, ...]
    fired_before: tuple[str, ...]

    @property
    def passed(self) -> tuple[engine.MovedTimer, ...]:
        return tuple(timer for timer in self.moved if timer.passed)


def correctable_dates(case: Case) -> dict[str, str]:
    """Name -> label of the dates this case's version lets a correction touch."""
    forms = bundle_of(case.version).forms
    labels = {}
    for name, fallback in CORRECTABLE_DATES.items():
        labels[name] = next(
            (
                field.label
                for key in forms.keys()
                for field in forms.get(key).fields
                if field.name == name
            ),
            fallback,
        )
    return labels


def sleuteloverdracht_date(case: Case) -> date | None:
    """The key handover date the MB recorded, if any: what is offered as the
    binnenkomst (the day the statushouder came to live in the gemeente)."""
    for data in (
        case.submissions.filter(data__has_key=SLEUTELOVERDRACHT)
        .order_by("-submitted_at", "-id")
        .values_list("data", flat=True)
    ):
        found = as_date(data.get(SLEUTELOVERDRACHT))
        if found is not None:
            return found
    return None


def _day(value: Any) -> date | None:
    try:
        return as_date(value)
    except (TypeError, ValueError):
        return None


def _moved_detail(timer: engine.MovedTimer) -> dict[str, Any]:
    return {
        "name": timer.name,
        "before": timer.before.isoformat(),
        "after": timer.after.isoformat(),
        "passed": timer.passed,
    }


def case_date_correct(
    *,
    case: Case,
    user: AbstractBaseUser,
    field: str,
    value: date,
    reason: str,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> DateCorrection:
    """Correct ``field`` of an open case to ``value``, with a reason; the deadlines
    computed from it move along (see the module docstring). Refuses in Dutch; on a
    refusal nothing is stored."""
    access = case_access(user=user, case=case)
    if access is None or not (access.roles & CORRECTION_ROLES):
        raise TaskNotAllowed(
            "Alleen een regievoerder van dit dossier kan een datum corrigeren."
        )
    labels = correctable_dates(case)
    if field not in labels:
        raise CaseError("Deze datum kan niet worden gecorrigeerd.")
    reason = reason.strip()[:500]
    if not reason:
        raise CaseError("Geef een reden voor de correctie.")
    clock = clock_or_system(clock)
    result: dict[str, Any] = {}

    def correct(case: Case) -> Advance:
        if case.is_closed:
            raise CaseError("Dit dossier is afgesloten. Er is niets gecorrigeerd.")
        bundle = bundle_of(case.version)
        try:
            corrected = engine.correct_value(
                bundle.process,
                case_state(case),
                field,
                value.isoformat(),
                clock=clock,
            )
        except engine.CorrectionRefused as exc:
            raise CaseError(
                f"De datum kan niet worden gecorrigeerd: {exc}. Er is niets opgeslagen."
            ) from exc
        except engine.WorkflowFailed as exc:
            raise CaseError(
                f"De correctie liep vast: {exc}. Er is niets opgeslagen."
            ) from exc
        before = _day(corrected.before)
        result["correction"] = (before, corrected)
        return Advance(
            case=case,
            snapshot=corrected.snapshot,
            bundle=bundle,
            now=clock.now(),
            event="date_corrected",
            user=user,
            detail={
                "field": field,
                "label": labels[field],
                "old": before.isoformat() if before else str(corrected.before),
                "new": value.isoformat(),
                "reason": reason,
                "moved": [_moved_detail(t) for t in corrected.moved],
                "fired_before": list(corrected.fired_before),
            },
            reached=corrected.snapshot.reached,
            record=lambda stored: change_record(
                case=stored,
                user=user,
                roles=access.roles & CORRECTION_ROLES,
                categories=["normaal"],
                occasion=occasion,
                corrected=field,
            ),
        )

    stored = case_advance(case=case, step=correct)
    assert stored is not None
    before, corrected = result["correction"]
    return DateCorrection(
        case=stored,
        label=labels[field],
        before=before,
        after=value,
        moved=corrected.moved,
        fired_before=corrected.fired_before,
    )


__all__ = [
    "CORRECTABLE_DATES",
    "CORRECTION_ROLES",
    "DateCorrection",
    "case_date_correct",
    "correctable_dates",
    "sleuteloverdracht_date",
]
