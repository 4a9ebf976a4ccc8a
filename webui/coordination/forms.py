from typing import Any

from django import forms

from webui.cases.models import Case
from webui.casework.services.assignment import NOTE_MAX
from webui.confirmation import CONFIRM_FIELD, CONFIRM_LABEL

from .selectors import Caseload

SAME_AS_ALL = ""


class ReassignForm(forms.Form):
    """Move some or all cases of one begeleider to colleagues: one new begeleider for
    all chosen cases, or one per case, and a note. Three buttons: the chosen cases,
    all cases, or just the case whose own button was pressed."""

    note = forms.CharField(
        label="Waarom wisselt de begeleider?",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bijvoorbeeld: stopt als vrijwilliger, of is drie maanden afwezig."
        " Dit komt in de tijdlijn van elk dossier.",
        error_messages={
            "required": "Schrijf kort waarom de begeleider wisselt, bijvoorbeeld:"
            " stopt als vrijwilliger.",
            "max_length": f"Houd de toelichting korter dan {NOTE_MAX} tekens.",
        },
    )
    to_all = forms.ChoiceField(
        label="Nieuwe begeleider voor alle gekozen dossiers",
        required=False,
        help_text="Per dossier kunt u hieronder ook iemand anders kiezen.",
    )
    chosen = forms.MultipleChoiceField(
        label="Dossiers", required=False, widget=forms.CheckboxSelectMultiple
    )
    # Required (in clean) when more than one case moves: one tick too many on a
    # button that hands over a whole caseload is hard to undo for the statushouders.
    zeker = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(
        self, *args: Any, cases: list[Case], colleagues: list[Caseload], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.cases = cases
        # The options carry the user id, not the username (a code no one should
        # read in the page's source or a form post); moves() maps it back.
        self.colleagues = {str(load.user.pk): load for load in colleagues}
        options = [
            (user_id, f"{load.name} ({load.load_label})")
            for user_id, load in self.colleagues.items()
        ]
        self.fields["to_all"].choices = [("", "— kies een begeleider —"), *options]
        self.fields["chosen"].choices = [(str(c.pk), c.reference) for c in cases]
        for case in cases:
            self.fields[f"to_{case.pk}"] = forms.ChoiceField(
                label=f"Nieuwe begeleider voor {case.reference}",
                required=False,
                choices=[(SAME_AS_ALL, "zoals hierboven gekozen"), *options],
            )

    def rows(self) -> list[tuple[Case, forms.BoundField, bool]]:
        """Per case: its own "new begeleider" field and whether it was ticked."""
        ticked = set(self.data.getlist("chosen")) if self.is_bound else set()
        return [(c, self[f"to_{c.pk}"], str(c.pk) in ticked) for c in self.cases]

    def selected(self) -> list[Case]:
        """The cases this submission is about, by the button that was pressed."""
        if self.data.get("alle"):
            return list(self.cases)
        only = self.data.get("alleen", "")
        if only:
            return [c for c in self.cases if str(c.pk) == only]
        chosen = set(self.cleaned_data.get("chosen") or [])
        return [c for c in self.cases if str(c.pk) in chosen]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        selected = self.selected()
        if not selected:
            raise forms.ValidationError(
                "Kies ten minste één dossier, of kies ‘Alle dossiers overdragen’."
            )
        missing = [
            c
            for c in selected
            if not (cleaned.get(f"to_{c.pk}") or cleaned.get("to_all"))
        ]
        if len(selected) > 1 and not cleaned.get(CONFIRM_FIELD):
            self.add_error(
                CONFIRM_FIELD,
                f"Vink ‘{CONFIRM_LABEL}’ aan: u draagt {len(selected)} dossiers"
                " over. Er is nog niets veranderd.",
            )
        for case in missing:
            self.add_error(
                f"to_{case.pk}",
                f"Kies een nieuwe begeleider voor {case.reference}, hier of hierboven"
                " voor alle gekozen dossiers.",
            )
        return cleaned

    def moves(self) -> list[tuple[int, Any]]:
        """(case id, new begeleider) for every selected case."""
        return [
            (
                case.pk,
                self.colleagues[
                    self.cleaned_data.get(f"to_{case.pk}")
                    or self.cleaned_data["to_all"]
                ].user,
            )
            for case in self.selected()
        ]
