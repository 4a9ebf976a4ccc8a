from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from forms.builder import TEXT_MAX_LENGTH, TEXTAREA_MAX_LENGTH
from forms.fields import BoundedDateField
from webui.confirmation import CONFIRM_FIELD, confirm_field

from .selectors import Candidate, Row


class SessionForm(forms.Form):
    """When and where a session is; the statushouders come from ParticipantsForm."""

    datum = BoundedDateField(label="Datum")
    begintijd = forms.TimeField(
        label="Begintijd",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Vul een tijd in als 14:00."},
    )
    plaats = forms.CharField(
        label="Plaats",
        max_length=200,
        help_text="Bijvoorbeeld Buurthuis De Brug, Dorpsstraat 1.",
    )
    tolk = forms.CharField(
        label="Tolk",
        max_length=200,
        required=False,
        help_text="De taal of talen waarin getolkt wordt, bijvoorbeeld Arabisch.",
    )
    bestuurder = forms.CharField(
        label="Ondertekening in het bijzijn van",
        max_length=200,
        required=False,
        help_text="Bijvoorbeeld de wethouder.",
    )
    notitie = forms.CharField(
        label="Notitie",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Alleen voor u en uw collega-trainers; niet in de dossiers.",
    )

    def __init__(self, *args, signing: bool, languages: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not signing:
            del self.fields["bestuurder"]
        if languages:
            self.fields["tolk"].help_text = f"Talen van de deelnemers: {languages}."


class ParticipantsForm(forms.Form):
    """Who comes: every suggested statushouder, ticked unless already planned."""

    deelnemers = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Niet iedereen die u koos wacht nog op deze workshop:"
            " intussen is een taak afgerond of door iemand anders opgepakt. Kijk de"
            " lijst opnieuw na."
        },
    )

    def __init__(self, *args, candidates: Sequence[Candidate], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["deelnemers"].choices = [
            (c.item.task_id, c.item.case.client_naam) for c in self.candidates
        ]
        self.fields["deelnemers"].initial = [
            c.item.task_id for c in self.candidates if c.planned_in is None
        ]

    def clean_deelnemers(self) -> list[str]:
        chosen = self.cleaned_data["deelnemers"]
        if not chosen:
            raise ValidationError(
                "Kies minstens één statushouder voor deze bijeenkomst."
            )
        return chosen

    def chosen(self) -> set[str]:
        """The task ids ticked now (what was posted, or the initial choice)."""
        if self.is_bound:
            return set(self.data.getlist("deelnemers"))
        return set(self.fields["deelnemers"].initial)


@dataclass(frozen=True)
class Entry:
    """One participant on the recording page: the row and its two fields."""

    row: Row
    yes: forms.BoundField
    reason: forms.BoundField | None


class AttendanceForm(forms.Form):
    """Per participant: there (or signed), ticked by default; when not, the reason
    the participant's own task form offers."""

    def __init__(self, *args, rows: Sequence[Row], signing: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        # A whole group's tasks complete at once: the trainer confirms first.
        self.fields[CONFIRM_FIELD] = confirm_field()
        for row in self.rows:
            pk = row.participant.pk
            self.fields[f"ja_{pk}"] = forms.BooleanField(
                label="Ondertekend" if signing else "Aanwezig",
                required=False,
                initial=True,
            )
            field = row.mapping.reason if row.mapping else None
            if field is None:
                continue
            if field.type == "choice":
                self.fields[f"reden_{pk}"] = forms.ChoiceField(
                    label=field.label,
                    required=False,
                    choices=[("", "Kies een reden"), *field.choices],
                )
            else:
                self.fields[f"reden_{pk}"] = forms.CharField(
                    label=field.label,
                    required=False,
                    max_length=TEXT_MAX_LENGTH
                    if field.type == "text"
                    else TEXTAREA_MAX_LENGTH,
                )

    def entries(self) -> list[Entry]:
        return [
            Entry(
                row,
                self[f"ja_{row.participant.pk}"],
                self[f"reden_{row.participant.pk}"]
                if f"reden_{row.participant.pk}" in self.fields
                else None,
            )
            for row in self.rows
        ]

    def attendance(self) -> dict[int, tuple[bool, str]]:
        """Participant pk -> (there or signed, the reason when not)."""
        result = {}
        for row in self.rows:
            pk = row.participant.pk
            yes = self.cleaned_data[f"ja_{pk}"]
            reason = "" if yes else self.cleaned_data.get(f"reden_{pk}", "")
            result[pk] = (yes, reason)
        return result
