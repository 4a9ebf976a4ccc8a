"""Reads of the aanmelding in bulk: a file as its uploader's colleagues may see it
(need-to-know: webui.access), and the dry run per row, logged where it shows a
dossier."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from webui.access import RegistrationPlace, registration_place, registration_places
from webui.cases.models import Case
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.services import active_version
from webui.logs.context import Occasion
from webui.logs.services import Unregistered, list_record

from .models import BulkAanmelding


def bulk_run(*, user: AbstractBaseUser, pk: int) -> BulkAanmelding | None:
    """The file if the user may register for its gemeente (as it was uploaded: the
    same MB organisation, or the gemeente itself); None (a 404) otherwise."""
    run = BulkAanmelding.objects.select_related("gemeente", "mb_organisation").filter(
        pk=pk
    )
    found = run.first()
    if found is None:
        return None
    place = registration_place(
        user=user,
        gemeente_id=found.gemeente_id,
        mb_organisation_id=found.mb_organisation_id,
    )
    return found if place is not None else None


def bulk_runs(*, user: AbstractBaseUser, limit: int = 10) -> list[BulkAanmelding]:
    """The latest files of the places the user registers for."""
    places = registration_places(user=user)
    runs = []
    for run in BulkAanmelding.objects.select_related(
        "gemeente", "mb_organisation"
    ).order_by("-uploaded_at", "-id")[:200]:
        if any(_same(place, run) for place in places):
            runs.append(run)
        if len(runs) >= limit:
            break
    return runs


def _same(place: RegistrationPlace, run: BulkAanmelding) -> bool:
    mb_id = place.mb_organisation.pk if place.mb_organisation else None
    return place.gemeente.pk == run.gemeente_id and mb_id == run.mb_organisation_id


@dataclass(frozen=True)
class RowView:
    number: int
    reference: str
    name: str
    status: str
    errors: list[tuple[str, str]]
    case: Case | None


STATUS_WORDS = {
    "created": "wordt aangemeld",
    "known": "al bekend",
    "refused": "geweigerd",
}
DONE_WORDS = {"created": "aangemeld", "known": "al bekend", "refused": "geweigerd"}


def bulk_rows(
    *,
    run: BulkAanmelding,
    user: AbstractBaseUser,
    occasion: Occasion,
    labels: dict[str, str] | None = None,
) -> list[RowView]:
    """The dry run (or the outcome) per row, refused rows first; a row that is or
    became a dossier links to it, and the page's read of those dossiers is logged."""
    labels = labels if labels is not None else field_labels(run=run)
    names = {row["number"]: _name(row["answers"]) for row in run.rows}
    kenmerken = {o["case"] for o in run.outcomes if o.get("case")}
    cases = (
        {c.reference: c for c in Case.objects.filter(reference__in=kenmerken)}
        if kenmerken
        else {}
    )
    words = DONE_WORDS if run.status == BulkAanmelding.Status.DONE else STATUS_WORDS
    views = [
        RowView(
            number=o["row"],
            reference=o["reference"],
            name=names.get(o["row"], ""),
            status=words.get(o["status"], o["status"]),
            errors=[
                (labels.get(field, field), message)
                for field, messages in (o.get("errors") or {}).items()
                for message in messages
            ],
            case=cases.get(o.get("case") or ""),
        )
        for o in run.outcomes
    ]
    views.sort(key=lambda v: (v.status != "geweigerd", v.number))
    # The names of the rows that are no dossier yet are shown too: read as well.
    unregistered = [
        Unregistered(
            reference=v.reference,
            row=v.number,
            gemeente_id=run.gemeente_id,
            mb_organisation_id=run.mb_organisation_id,
        )
        for v in views
        if v.name and v.case is None
    ]
    list_record(
        user=user,
        cases=cases.values(),
        categories=["normaal"],
        roles=[run.role],
        occasion=occasion,
        unregistered=unregistered,
        bulk=run.pk,
    )
    return views


def field_labels(*, run: BulkAanmelding) -> dict[str, str]:
    """The aanmelding form's labels, to name a refused field as the form does."""
    labels = {
        "referentie": "Referentie",
        "gemeente": "Gemeente",
        "__all__": "Aanmelding",
    }
    version = active_version(run.gemeente)
    if version is not None:
        definition = bundle_of(version).forms.get(START_FORM)
        labels.update({f.name: f.label for f in definition.fields})
    return labels


def _name(answers: dict[str, Any]) -> str:
    return " ".join(
        str(answers.get(k) or "") for k in ("voornaam", "achternaam")
    ).strip()
