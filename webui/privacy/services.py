"""The inzage export and the retention rule (writes to the logs: webui.logs)."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from forms.values import display_rows
from webui.accounts.models import Role
from webui.definitions.bundles import bundle_of
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record

from .selectors import records_about


def retention_passed(*, closed_at: Any, years: int, today: date) -> bool:
    return (
        closed_at is not None
        and closed_at.date() + timedelta(days=round(365.25 * years)) <= today
    )


# ---- inzage and anonymisation -------------------------------------------------


def _submission_rows(submission: Any) -> list[dict[str, Any]]:
    try:
        definition = bundle_of(submission.version).forms.get(submission.form_key)
    except Exception:  # noqa: BLE001 - an unknown form: give the raw answers
        return [{"veld": k, "antwoord": v} for k, v in submission.data.items()]
    return [
        {"vraag": row.label, "antwoord": row.value, "privacyklasse": row.privacy}
        for row in display_rows(definition, submission.data)
    ]


def _milestone_label(milestone: Any) -> str:
    """What a reached milestone is called in the rule set of the version it was
    reached on (frozen into it), whatever the repository says today."""
    rule = bundle_of(milestone.version).rules.get(milestone.key)
    return rule.label if rule is not None else milestone.key


def inzage_export(
    *, case: Any, user: AbstractBaseUser, occasion: Occasion | None = None
) -> dict[str, Any]:
    """Everything Wegwijs holds about one statushouder, for an inzageverzoek (AVG art.
    15): the case, every answer, milestones, consents, referrals, what they did in
    Mijn Wegwijs (invitations, their own requests), the case's history and every
    processing of their data. Logged as an inzage."""
    data = {
        "dossier": {
            "kenmerk": case.reference,
            "naam": case.client_naam,
            "gemeente": case.gemeente.naam,
            "mb_organisatie": str(case.mb_organisation or ""),
            "fase": case.phase_label,
            "koppelingsdatum": case.koppeling_datum.isoformat(),
            "afgesloten": case.is_closed,
        },
        "antwoorden": [
            {
                "formulier": s.task_name,
                "ingevuld_op": s.submitted_at.isoformat(),
                "door": s.submitted_by.get_full_name() if s.submitted_by else "",
                "antwoorden": _submission_rows(s),
            }
            for s in case.submissions.select_related("submitted_by", "version")
        ],
        "mijlpalen": [
            {
                "mijlpaal": m.key,
                "omschrijving": _milestone_label(m),
                "datum": m.reached_at.isoformat(),
                "waarde": m.value,
            }
            for m in case.milestones.select_related("version")
        ],
        "toestemmingen": [
            {
                "categorie": c.get_category_display(),
                "richting": c.get_direction_display(),
                "gegeven": c.given,
                "datum": c.on_date.isoformat(),
            }
            for c in case.consents.all()
        ],
        "doorverwijzingen": [
            {
                "naar": r.organisation,
                "leefgebied": r.get_leefgebied_display(),
                "waarom": r.reason,
                "met_toestemming": r.consent,
                "opvolgen_op": r.follow_up_on.isoformat(),
                "uitkomst": r.get_outcome_display() if r.outcome else "",
                "toelichting": r.follow_up_note,
                "aangemaakt_op": r.created_at.isoformat(),
            }
            for r in case.referrals.order_by("created_at", "id")
        ],
        "mijn_wegwijs": {
            "uitnodigingen": [
                {
                    "e-mailadres": i.email,
                    "mobiel_nummer": i.phone,
                    "taal": i.language,
                    "uitgenodigd_op": i.created_at.isoformat(),
                    "ingetrokken_op": i.revoked_at.isoformat() if i.revoked_at else "",
                }
                for i in case.portal_invitations.order_by("created_at", "id")
            ],
            "vragen": [
                {
                    "soort": q.get_kind_display(),
                    "toelichting": q.text,
                    "gesteld_op": q.created_at.isoformat(),
                    "afgehandeld_op": q.done_at.isoformat() if q.done_at else "",
                }
                for q in case.portal_requests.order_by("created_at", "id")
            ],
        },
        "verloop": [
            {"wanneer": e.at.isoformat(), "wat": e.event}
            for e in case.audit_events.order_by("at", "id")
        ],
        "verwerkingen": [
            {
                "wanneer": r.at.isoformat(),
                "wie": r.username,
                "rol": r.roles,
                "handeling": r.get_action_display(),
                "categorieën": r.categories,
                "grondslag": r.ground,
            }
            for r in records_about(reference=case.reference)
        ],
    }
    processing_record(
        user=user,
        action=ProcessingRecord.Action.INZAGE,
        cases=[case],
        categories=["alle"],
        roles=["privacy"],
        occasion=occasion,
    )
    return data


def log_search_record(
    *,
    user: AbstractBaseUser,
    searched: Any | None,
    fields: Iterable[str],
    occasion: Occasion | None = None,
) -> None:
    """A search of the processing log, in the log itself: the searched dossier as a
    subject, by reference; of what was typed only which boxes were used (a name typed
    as kenmerk stays out of the log)."""
    processing_record(
        user=user,
        action=ProcessingRecord.Action.LOG_SEARCH,
        roles=[Role.PRIVACY],
        cases=[searched] if searched is not None else [],
        detail={"velden": list(fields)},
        occasion=occasion,
    )
