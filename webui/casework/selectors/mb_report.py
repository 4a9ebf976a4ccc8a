"""The MB report to the gemeente about one case ("rapportage MB")."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from forms.field_roles import CONTACT_FORM
from forms.registry import FormDefinition
from webui.access import CaseAccess
from webui.accounts.models import LANE_SIDE
from webui.cases.models import Case
from webui.definitions.bundles import bundle_of

from .milestones import milestone_label


@dataclass(frozen=True)
class MbReport:
    """What the MB organisation reports to the gemeente about one case: the guidance
    given and the agreements kept, within the consent given ("rapportage MB")."""

    case: Case
    begeleidingsvorm: str
    contacts: int
    minutes: int
    by_kind: list[tuple[str, int]]
    by_leefgebied: list[tuple[str, int]]
    referrals: list[tuple[str, str, int]]  # leefgebied, outcome, count
    agreements: list[tuple[date, bool]]
    piezo: list[tuple[date, str]]
    signals: list[tuple[str, int | None]]  # category, count (None: no consent)


def _choice_label(definition: FormDefinition, role: str, value: str) -> str:
    """The label of a choice of the field with ``role`` (forms/field_roles.py)."""
    field = definition.field_with_role(role)
    return dict(field.choices).get(value, value) if field is not None else value


def _answer(definition: FormDefinition, data: dict[str, Any], role: str) -> Any:
    """The answer to the field with ``role`` in a submission's data, or None."""
    field = definition.field_with_role(role)
    return data.get(field.name) if field is not None else None


def mb_report(*, case: Case, access: CaseAccess) -> MbReport:
    contacts = list(
        case.submissions.filter(form_key=CONTACT_FORM).select_related("version")
    )
    kinds: dict[str, int] = {}
    areas: dict[str, int] = {}
    minutes = 0
    signals = {"gezondheid": 0, "schulden": 0}
    for submission in contacts:
        definition = bundle_of(submission.version).forms.get(CONTACT_FORM)
        data = submission.data
        kind = _choice_label(
            definition,
            "contact_soort",
            _answer(definition, data, "contact_soort") or "",
        )
        kinds[kind] = kinds.get(kind, 0) + 1
        side = LANE_SIDE.get(submission.role)
        for area in _answer(definition, data, "contact_leefgebieden") or []:
            if not access.shows_leefgebied(area, side):
                continue
            label = _choice_label(definition, "contact_leefgebieden", area)
            areas[label] = areas.get(label, 0) + 1
        minutes += int(_answer(definition, data, "contact_duur") or 0)
        for category in signals:
            if _answer(definition, data, f"signaal_{category}"):
                signals[category] += 1
    referrals: dict[tuple[str, str], int] = {}
    for referral in case.referrals.all():
        if not access.shows_leefgebied(referral.leefgebied, "mb"):
            continue
        key = (
            referral.get_leefgebied_display(),
            referral.get_outcome_display() or "nog niet opgevolgd",
        )
        referrals[key] = referrals.get(key, 0) + 1
    milestones = list(
        case.milestones.filter(
            key__in=("afspraken_nagekomen", "piezo_fase", "begeleidingsvorm")
        )
        .select_related("version")
        .order_by("reached_at", "id")
    )
    # The form of guidance as the intake chose it: the first time it was recorded.
    chosen = next((m for m in milestones if m.key == "begeleidingsvorm"), None)
    vorm = (
        milestone_label(version=chosen.version, key=chosen.key, value=chosen.value)
        if chosen is not None and chosen.value not in (None, "")
        else ""
    )
    return MbReport(
        case=case,
        begeleidingsvorm=vorm,
        contacts=len(contacts),
        minutes=minutes,
        by_kind=sorted(kinds.items()),
        by_leefgebied=sorted(areas.items(), key=lambda item: -item[1]),
        referrals=[(a, o, n) for (a, o), n in sorted(referrals.items())],
        agreements=[
            (timezone.localdate(m.reached_at), bool(m.value))
            for m in milestones
            if m.key == "afspraken_nagekomen"
        ],
        # The phase in words ("Fase 2 – lerend vrijwilligerswerk"), not its number.
        piezo=[
            (
                timezone.localdate(m.reached_at),
                milestone_label(version=case.version, key=m.key, value=m.value),
            )
            for m in milestones
            if m.key == "piezo_fase"
        ],
        signals=[
            (category, n if access.may_read(category, "mb") else None)
            for category, n in signals.items()
        ],
    )
