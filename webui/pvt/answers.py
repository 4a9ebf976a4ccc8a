"""How a session's record becomes the answers of one participant's task form.

A gemeente's variant may rename tasks, forms and fields, so nothing here names a form
key or a field. The fields are found by what they declare (forms/field_roles.py):

- the answer: the yes/no field that declares the milestone ``pvt_workshop`` (was the
  statushouder there?) or ``verklaring_ondertekend`` (was it signed?);
- the date (role ``pvt_datum``): a required one (the workshop's date) always gets the
  session's date; an optional one (the date of signing) only with a "ja";
- the place (``pvt_plaats``): the session's place, with a "ja";
- in whose presence (``pvt_bijzijn``): the session's ``bestuurder``, with a "ja";
- the reason (``pvt_reden``): what the trainer chose for an absent (or not signing)
  statushouder;
- the notes (``pvt_notitie``): one line saying which session recorded it.

Any other field stays empty; when the form requires it, the participant's task cannot
be recorded by the session and the trainer is told which question is missing.
"""

from dataclasses import dataclass
from datetime import date

from forms.registry import FieldDefinition, FormDefinition

ATTENDANCE = "pvt_workshop"
SIGNED = "verklaring_ondertekend"
PVT_MILESTONES = (ATTENDANCE, SIGNED)


@dataclass(frozen=True)
class FormMapping:
    """Which field of one task form takes which part of the session's record."""

    answer: FieldDefinition
    date: FieldDefinition | None = None
    place: FieldDefinition | None = None
    witness: FieldDefinition | None = None
    reason: FieldDefinition | None = None
    notes: FieldDefinition | None = None

    @property
    def is_signing(self) -> bool:
        return self.answer.milestone == SIGNED


def form_mapping(definition: FormDefinition) -> FormMapping | None:
    """The mapping for a PVT task form; None when the form records no PVT
    milestone (not a task a session can record)."""
    answer = next(
        (
            f
            for f in definition.fields
            if f.type == "yesno" and f.milestone in PVT_MILESTONES
        ),
        None,
    )
    if answer is None:
        return None
    return FormMapping(
        answer=answer,
        date=definition.field_with_role("pvt_datum"),
        place=definition.field_with_role("pvt_plaats"),
        witness=definition.field_with_role("pvt_bijzijn"),
        reason=definition.field_with_role("pvt_reden"),
        notes=definition.field_with_role("pvt_notitie"),
    )


@dataclass(frozen=True)
class SessionFacts:
    """What a session knows that a task form may ask."""

    date: date
    place: str
    bestuurder: str = ""
    interpreter: str = ""


def session_line(facts: SessionFacts) -> str:
    """The note each participant's form gets: which session recorded it."""
    line = (
        f"Vastgelegd in de PVT-bijeenkomst van {facts.date:%d-%m-%Y} in {facts.place}."
    )
    return f"{line} Tolk: {facts.interpreter}." if facts.interpreter else line


def form_data(
    mapping: FormMapping, facts: SessionFacts, *, yes: bool, reason: str = ""
) -> dict[str, str]:
    """The answers as a browser would post them, for the task's own form class to
    validate (so a session is held to the same rules as the task page)."""
    data = {mapping.answer.name: "ja" if yes else "nee"}
    if mapping.date is not None and (yes or mapping.date.required):
        data[mapping.date.name] = facts.date.isoformat()
    if yes and mapping.place is not None:
        data[mapping.place.name] = facts.place
    if yes and mapping.witness is not None and facts.bestuurder:
        data[mapping.witness.name] = facts.bestuurder
    if not yes and mapping.reason is not None and reason:
        data[mapping.reason.name] = reason
    if mapping.notes is not None:
        data[mapping.notes.name] = session_line(facts)
    return data
