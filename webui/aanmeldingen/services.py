"""Aanmelding in bulk from a COA informatieformulier file: read and map it
(``coa.py``), check every row without storing anything (the dry run, through the
registration service's ``register(dry_run=True)``), and on confirmation register
them all in one transaction: one row that fails at that moment refuses the whole
file and nothing is registered."""

from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from webui.access import RegistrationPlace
from webui.casework.services.registration import (
    Aanmelding,
    RegistrationOutcome,
    RegistrationsRefused,
    register_many,
)
from webui.definitions.services import active_version
from webui.logs.context import Occasion

from . import coa
from .models import BulkAanmelding

# The sender of every row: its reference is COA's kenmerk of the koppeling.
SENDER = "coa-informatieformulier"
# Above this many rows the check and the registration go to the background worker.
INLINE_ROWS = 200


class BulkRefused(Exception):
    """The file cannot be registered (the message is Dutch)."""


def bulk_record(
    *,
    place: RegistrationPlace,
    user: AbstractBaseUser,
    file_name: str,
    content: bytes,
) -> BulkAanmelding:
    """Read the file and keep its mapped rows for the dry run. A file that cannot
    be read, or has a column Wegwijs does not know, is refused whole, with why."""
    bulk_purge()
    run = BulkAanmelding(
        gemeente=place.gemeente,
        mb_organisation=place.mb_organisation,
        role=place.role,
        uploaded_by=user,
        uploaded_at=timezone.now(),
        file_name=file_name[:200],
    )
    try:
        parsed = coa.parse(content, file_name)
    except coa.FileRefused as exc:
        run.status = BulkAanmelding.Status.REFUSED
        run.file_errors = [str(exc)]
        run.save()
        return run
    run.total = len(parsed.rows)
    run.left_out = parsed.left_out
    if parsed.errors:
        run.status = BulkAanmelding.Status.REFUSED
        run.file_errors = parsed.errors
    else:
        run.rows = [asdict(row) for row in parsed.rows]
    run.save()
    return run


def _place_args(run: BulkAanmelding) -> dict[str, Any]:
    """What every row of the file shares, read once for the file rather than per
    row: the organisation, the gemeente with the MB organisations it contracts, and
    its version in use (against whose aanmelding form the rows are checked and on
    which their cases start)."""
    organisation = run.mb_organisation or run.gemeente
    prefetch_related_objects([run.gemeente], "mb_organisations")
    if run.mb_organisation is not None:
        prefetch_related_objects([run.mb_organisation], "gemeenten")
    return {
        "organisation": organisation,
        "gemeente": run.gemeente,
        "in_use": active_version(run.gemeente),
    }


def _outcome(row: Mapping[str, Any], status: str) -> dict[str, Any]:
    return {"row": row["number"], "reference": row["reference"], "status": status}


def _row_outcome(row: Mapping[str, Any], result: RegistrationOutcome) -> dict[str, Any]:
    outcome = _outcome(row, result.status)
    if result.refused:
        outcome["errors"] = {k: list(v) for k, v in result.errors.items()}
    if result.case is not None:
        outcome["case"] = result.case.reference
    return outcome


def _aanmeldingen(rows: list[Mapping[str, Any]]) -> list[Aanmelding]:
    return [Aanmelding(row["reference"], row["answers"]) for row in rows]


def bulk_check(*, run_id: int) -> BulkAanmelding:
    """The dry run: what each row would become (registered, already known, refused
    with the reason per field). Stores nothing but the outcome."""
    run = BulkAanmelding.objects.select_related(
        "gemeente", "mb_organisation", "uploaded_by"
    ).get(pk=run_id)
    if run.status != BulkAanmelding.Status.CHECKING:
        return run
    readable = [row for row in run.rows if not row["errors"]]
    results = register_many(
        **_place_args(run),
        aanmeldingen=_aanmeldingen(readable),
        sender=SENDER,
        actor=run.uploaded_by,
        dry_run=True,
    )
    checked = {
        row["number"]: _row_outcome(row, result)
        for row, result in zip(readable, results, strict=True)
    }
    run.outcomes = [
        checked.get(row["number"])
        or {**_outcome(row, "refused"), "errors": row["errors"]}
        for row in run.rows
    ]
    run.status = BulkAanmelding.Status.CHECKED
    run.save(update_fields=["outcomes", "status"])
    return run


def bulk_confirm(
    *, run: BulkAanmelding, user: AbstractBaseUser, occasion: Occasion | None
) -> BulkAanmelding:
    """Mark a checked file for registration; refused when a row was refused in the
    dry run (fix the file and upload it again) or it is not waiting any more."""
    if run.status != BulkAanmelding.Status.CHECKED:
        raise BulkRefused("Dit bestand wacht niet (meer) op bevestiging.")
    if run.refused_rows:
        raise BulkRefused(
            "Er zijn rijen geweigerd: verbeter het bestand en lees het opnieuw in."
            " Er is niets aangemeld."
        )
    updated = BulkAanmelding.objects.filter(
        pk=run.pk, status=BulkAanmelding.Status.CHECKED
    ).update(
        status=BulkAanmelding.Status.REGISTERING,
        occasion=asdict(occasion) if occasion else {},
    )
    if not updated:
        raise BulkRefused("Dit bestand wordt al aangemeld.")
    run.refresh_from_db()
    return run


def bulk_register(*, run_id: int) -> BulkAanmelding:
    """Register every row of a confirmed file in one transaction. A row refused now
    (its reference used meanwhile with other answers, the process taken out of
    use) rolls back all of them: the file is refused, with that row named."""
    run = BulkAanmelding.objects.select_related(
        "gemeente", "mb_organisation", "uploaded_by"
    ).get(pk=run_id)
    if run.status != BulkAanmelding.Status.REGISTERING:
        return run
    occasion = Occasion(**run.occasion) if run.occasion else None
    try:
        with transaction.atomic():
            results = register_many(
                **_place_args(run),
                aanmeldingen=_aanmeldingen(run.rows),
                sender=SENDER,
                actor=run.uploaded_by,
                occasion=occasion,
            )
            outcomes = [
                _row_outcome(row, result)
                for row, result in zip(run.rows, results, strict=True)
            ]
            _finish(run, BulkAanmelding.Status.DONE, outcomes)
    except RegistrationsRefused as refused:
        outcomes = [
            _row_outcome(row, result)
            for row, result in zip(run.rows, refused.outcomes, strict=False)
        ]
        _finish(run, BulkAanmelding.Status.REFUSED, outcomes)
        run.file_errors = [
            f"Rij {outcomes[-1]['row']} werd bij het aanmelden geweigerd;"
            " er is niets aangemeld."
        ]
        run.save(update_fields=["file_errors"])
    return run


def bulk_cancel(*, run: BulkAanmelding) -> None:
    """Drop a file that was not registered (its rows go)."""
    if run.status in (BulkAanmelding.Status.CHECKED, BulkAanmelding.Status.REFUSED):
        _finish(run, BulkAanmelding.Status.CANCELLED, run.outcomes)


def bulk_purge(*, now: Any = None) -> int:
    """Files left unconfirmed longer than WEGWIJS_EXPORT_KEEP_HOURS are cancelled and
    their rows (personal data) dropped; run at every upload. Returns how many."""
    now = now or timezone.now()
    stale = BulkAanmelding.objects.filter(
        status__in=[BulkAanmelding.Status.CHECKED, BulkAanmelding.Status.REFUSED],
        uploaded_at__lt=now - timedelta(hours=settings.WEGWIJS_EXPORT_KEEP_HOURS),
    ).exclude(rows=[])
    return stale.update(
        status=BulkAanmelding.Status.CANCELLED, rows=[], finished_at=now
    )


def _finish(run: BulkAanmelding, status: str, outcomes: list[dict[str, Any]]) -> None:
    run.status = status
    run.outcomes = outcomes
    run.rows = []  # the personal data goes once the file is dealt with
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "outcomes", "rows", "finished_at"])
