"""An aanmelding from another system: the API (``POST /api/v1/aanmeldingen``) and a
COA informatieformulier file both register a statushouder here, with the same
validation as the aanmelding form a coördinator fills in (the start form of the
gemeente's version in use: required fields, dates, the BSN's elfproef), and
idempotent on the sender's own reference: sending the same aanmelding again finds
the case it made; the same reference with other answers is refused as a conflict.

``register`` answers with a ``Registration`` outcome, never raises for bad input:
``created`` (with the new case), ``known`` (the case the reference made before) or
``refused`` (Dutch messages per field; nothing stored). ``dry_run=True`` checks
without storing (a file's preview), and says ``created`` for what would be
registered (without a case)."""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from django import forms as django_forms
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from engine import Clock
from forms.builder import build_form_class
from forms.registry import FormDefinition
from webui.accounts.models import Gemeente, MbOrganisation
from webui.cases.models import Case, Registration
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.models import DefinitionVersion
from webui.definitions.services import active_version
from webui.logs.context import Occasion

from .advancing import Advance, advance_store_many
from .base import CaseError, clock_or_system
from .lifecycle import case_start_advance

Status = Literal["created", "known", "refused"]

# The keys of the errors that are about the aanmelding as a whole, not one field.
SENDER_REFERENCE = "referentie"
GEMEENTE = "gemeente"
MB_ORGANISATION = "mbOrganisatie"
GENERAL = "__all__"


@dataclass(frozen=True)
class RegistrationOutcome:
    """What became of one aanmelding. ``errors`` maps a field name (or
    ``referentie``, ``gemeente``, ``__all__``) to its Dutch messages; ``conflict``
    says the reference is known with other answers (HTTP 409 in the API)."""

    status: Status
    case: Case | None = None
    errors: Mapping[str, list[str]] = field(default_factory=dict)
    conflict: bool = False

    @property
    def refused(self) -> bool:
        return self.status == "refused"


def _refused(key: str, message: str, *, conflict: bool = False) -> RegistrationOutcome:
    return RegistrationOutcome("refused", errors={key: [message]}, conflict=conflict)


def answers_digest(answers: Mapping[str, Any]) -> str:
    """A fingerprint of the answers as sent (keys sorted, empty values left out), to
    tell a repeat from a different aanmelding under the same reference."""

    def plain(value: Any) -> Any:
        if isinstance(value, date | datetime):
            return value.isoformat()
        return value

    kept = {k: plain(v) for k, v in answers.items() if v not in (None, "", [])}
    text = json.dumps(kept, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _gemeente_for(
    organisation: Gemeente | MbOrganisation,
    gemeente: Gemeente | None,
    mb_organisation: MbOrganisation | None,
) -> tuple[Gemeente | None, MbOrganisation | None, str]:
    """(gemeente, MB organisation, refusal): where the case goes for a sender of
    this organisation. A gemeente names the MB organisation that will guide (one
    it contracts; with one alone, that one)."""
    if isinstance(organisation, Gemeente):
        if gemeente is not None and gemeente.pk != organisation.pk:
            return None, None, f"{organisation} meldt alleen voor zichzelf aan."
        # .all(): a caller that registers many (a COA file) prefetched them once.
        if (
            mb_organisation is not None
            and mb_organisation not in organisation.mb_organisations.all()
        ):
            return None, None, f"{mb_organisation} werkt niet voor {organisation}."
        return organisation, mb_organisation, ""
    contracted = list(organisation.gemeenten.all())
    if gemeente is None:
        if len(contracted) == 1:
            return contracted[0], organisation, ""
        return None, None, "Geef de gemeente waarvoor de statushouder wordt aangemeld."
    if gemeente not in contracted:
        return None, None, f"{organisation} werkt niet voor {gemeente}."
    return gemeente, organisation, ""


# The aanmelding form of each stored version, built once: a version is immutable
# (its content hash in the key), and a form class keeps no answers.
_START_FORMS: dict[tuple[int, str], type[django_forms.Form]] = {}


def _start_form_class(
    version: DefinitionVersion, definition: FormDefinition
) -> type[django_forms.Form]:
    key = (version.pk, version.content_hash)
    form_class = _START_FORMS.get(key)
    if form_class is None:
        if len(_START_FORMS) >= 64:
            _START_FORMS.clear()
        form_class = _START_FORMS[key] = build_form_class(definition)
    return form_class


def _validated(
    gemeente: Gemeente,
    answers: Mapping[str, Any],
    in_use: DefinitionVersion | None = None,
) -> tuple[dict[str, Any] | None, dict[str, list[str]], DefinitionVersion | None]:
    """The answers as the aanmelding form cleans them (with the version in use
    whose form cleaned them), or its errors per field (an unknown field is an error
    too: nothing sent is silently dropped). ``in_use`` is the gemeente's version in
    use as the caller just read it (a file's rows share one read)."""
    if in_use is not None and in_use.gemeente_id == gemeente.pk:
        version: DefinitionVersion | None = in_use
    else:
        version = active_version(gemeente)
    if version is None:
        return (
            None,
            {GEMEENTE: [f"Voor {gemeente} is nog geen proces in gebruik genomen."]},
            None,
        )
    definition = bundle_of(version).forms.get(START_FORM)
    known = {f.name for f in definition.fields}
    errors: dict[str, list[str]] = {
        name: [f"Onbekend veld '{name}': het aanmeldformulier kent het niet."]
        for name in answers
        if name not in known
    }
    data = {
        name: value.isoformat() if isinstance(value, date | datetime) else value
        for name, value in answers.items()
        if name in known and value is not None
    }
    form = _start_form_class(version, definition)(data=data)
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(m) for m in messages)
    if errors:
        return None, errors, version
    return form.cleaned_data, {}, version


def _earlier(sender: str, references: Iterable[str]) -> dict[str, Registration]:
    """The registrations ``sender`` made before under any of ``references``, with
    their cases: one read for a whole file's rows."""
    found = Registration.objects.select_related("case").filter(
        sender=sender, reference__in=set(references)
    )
    return {r.reference: r for r in found.order_by()}  # no ORDER BY to run


def _known(
    earlier: Registration | None, reference: str, digest: str
) -> RegistrationOutcome | None:
    if earlier is None:
        return None
    if earlier.answers_digest != digest:
        return _refused(
            SENDER_REFERENCE,
            f"Referentie '{reference}' is al gebruikt voor een andere aanmelding"
            f" ({earlier.case.reference}) met andere gegevens.",
            conflict=True,
        )
    return RegistrationOutcome("known", case=earlier.case)


@dataclass(frozen=True)
class Aanmelding:
    """One aanmelding of many: the sender's reference and the answers (field name
    -> value, as the aanmelding form names them)."""

    reference: str
    answers: Mapping[str, Any]


class RegistrationsRefused(Exception):
    """An aanmelding of many was refused: none of them is stored. ``outcomes`` are
    those of the aanmeldingen up to it, the refused one last."""

    def __init__(self, outcomes: list[RegistrationOutcome]) -> None:
        super().__init__(outcomes[-1].errors)
        self.outcomes = outcomes


# A file's cases are stored this many at a time (one INSERT per table each): the
# engine states of a chunk are held in memory until it is stored.
CHUNK = 500


def register(
    *,
    organisation: Gemeente | MbOrganisation,
    answers: Mapping[str, Any],
    sender: str,
    reference: str,
    actor: AbstractBaseUser | None,
    gemeente: Gemeente | None = None,
    mb_organisation: MbOrganisation | None = None,
    dry_run: bool = False,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
    log_roles: tuple[str, ...] = ("coordinator",),
    in_use: DefinitionVersion | None = None,
) -> RegistrationOutcome:
    """Register a statushouder for ``organisation`` (a gemeente, optionally with
    the ``mb_organisation`` that will guide; or an MB organisation with the
    ``gemeente`` it works for; one it works for alone needs none) from
    ``answers`` (field name -> value, as the aanmelding form names them), once per
    ``sender`` and ``reference``. ``actor`` is the user who sent it (None for an
    API client: the ``occasion`` names the client in the log, and ``log_roles``
    give the ground of the change there). ``in_use`` is the target gemeente's
    version in use as a caller registering many read it once (a COA file); the
    aanmelding is validated against it and the case starts on it."""
    try:
        [outcome] = register_many(
            organisation=organisation,
            aanmeldingen=[Aanmelding(reference, answers)],
            sender=sender,
            actor=actor,
            gemeente=gemeente,
            mb_organisation=mb_organisation,
            dry_run=dry_run,
            clock=clock,
            occasion=occasion,
            log_roles=log_roles,
            in_use=in_use,
        )
    except RegistrationsRefused as refused:
        return refused.outcomes[-1]
    return outcome


def register_many(
    *,
    organisation: Gemeente | MbOrganisation,
    aanmeldingen: Sequence[Aanmelding],
    sender: str,
    actor: AbstractBaseUser | None,
    gemeente: Gemeente | None = None,
    mb_organisation: MbOrganisation | None = None,
    dry_run: bool = False,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
    log_roles: tuple[str, ...] = ("coordinator",),
    in_use: DefinitionVersion | None = None,
) -> list[RegistrationOutcome]:
    """``register`` for many aanmeldingen (a COA file's rows), all or nothing: in
    one transaction, their cases stored ``CHUNK`` at a time with one INSERT per
    table. The first one refused raises ``RegistrationsRefused`` and nothing is
    stored; a dry run stores nothing and says what each would become, refused ones
    included."""
    sending = _Sending(
        organisation=organisation,
        sender=sender,
        actor=actor,
        gemeente=gemeente,
        mb_organisation=mb_organisation,
        dry_run=dry_run,
        clock=clock_or_system(clock),
        occasion=occasion,
        log_roles=log_roles,
        in_use=in_use,
    )
    if dry_run:
        return _registered(sending, aanmeldingen)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _registered(sending, aanmeldingen)
        except IntegrityError:
            # Another request with one of these references won the race: its case
            # stands, this attempt rolled back whole; the next finds it known.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class _Sending:
    """What the aanmeldingen of one ``register_many`` share."""

    organisation: Gemeente | MbOrganisation
    sender: str
    actor: AbstractBaseUser | None
    gemeente: Gemeente | None
    mb_organisation: MbOrganisation | None
    dry_run: bool
    clock: Clock
    occasion: Occasion | None
    log_roles: tuple[str, ...]
    in_use: DefinitionVersion | None


def _registered(
    sending: _Sending, aanmeldingen: Sequence[Aanmelding]
) -> list[RegistrationOutcome]:
    outcomes: list[RegistrationOutcome] = []
    for start in range(0, len(aanmeldingen), CHUNK):
        chunk = aanmeldingen[start : start + CHUNK]
        earlier = _earlier(sending.sender, ((a.reference or "").strip() for a in chunk))
        to_store: list[tuple[int, Advance]] = []
        for aanmelding in chunk:
            prepared = _prepared(sending, aanmelding, earlier)
            if isinstance(prepared, Advance):
                to_store.append((len(outcomes), prepared))
                outcomes.append(RegistrationOutcome("created"))
                continue
            outcomes.append(prepared)
            if prepared.refused and not sending.dry_run:
                raise RegistrationsRefused(outcomes)
        stored = advance_store_many([advance for _, advance in to_store])
        for (index, _), case in zip(to_store, stored, strict=True):
            outcomes[index] = RegistrationOutcome("created", case=case)
    return outcomes


def _prepared(
    sending: _Sending, aanmelding: Aanmelding, earlier: Mapping[str, Registration]
) -> RegistrationOutcome | Advance:
    """One aanmelding checked, and (unless a dry run) its case started by the
    engine, to store: an ``Advance``; or what became of it (known, refused, or for
    a dry run would be created)."""
    reference = (aanmelding.reference or "").strip()
    if not reference or len(reference) > 100:
        return _refused(
            SENDER_REFERENCE,
            "Geef de eigen referentie van de afzender (ten hoogste 100 tekens).",
        )
    answers = aanmelding.answers
    digest = answers_digest(answers)
    known = _known(earlier.get(reference), reference, digest)
    if known is not None:
        return known
    target, guide, refusal = _gemeente_for(
        sending.organisation, sending.gemeente, sending.mb_organisation
    )
    if target is None:
        key = MB_ORGANISATION if sending.mb_organisation else GEMEENTE
        return _refused(key, refusal)
    cleaned, errors, version = _validated(target, answers, sending.in_use)
    if cleaned is None:
        return RegistrationOutcome("refused", errors=errors)
    if sending.dry_run:
        return RegistrationOutcome("created")
    now = sending.clock.now()

    def remember(case: Case) -> list[Registration]:
        return [
            Registration(
                sender=sending.sender,
                reference=reference,
                case=case,
                answers_digest=digest,
                registered_at=now,
            )
        ]

    try:
        return case_start_advance(
            gemeente=target,
            mb_organisation=guide,
            version=version,
            cleaned_data=cleaned,
            user=sending.actor,
            clock=sending.clock,
            occasion=sending.occasion,
            also_rows=remember,
            log_roles=sending.log_roles,
        )
    except CaseError as exc:
        return _refused(GENERAL, str(exc))
