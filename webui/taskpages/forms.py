from typing import Any

from django import forms

from webui.taskwork.selectors import (
    AVAILABLE,
    BY_DUE,
    MINE,
    NEWEST,
    QueueFilters,
    QueueOptions,
)
from webui.taskwork.services import NOTE_MAX_LENGTH

ORDERS = [(BY_DUE, "Uiterlijke datum (te laat eerst)"), (NEWEST, "Nieuwste eerst")]


class QueueFilterForm(forms.Form):
    """The queue's filters, as a GET form. A value that is not on offer is reported
    and left out; the rest still filters."""

    lijst = forms.ChoiceField(
        choices=[(MINE, "Mijn taken"), (AVAILABLE, "Op te pakken")], required=False
    )
    zoek = forms.CharField(
        label="Zoek op naam of kenmerk", max_length=100, required=False
    )
    gemeente = forms.ChoiceField(label="Gemeente", required=False)
    fase = forms.ChoiceField(label="Fase", required=False)
    te_laat = forms.BooleanField(label="Alleen te laat", required=False)
    deze_week = forms.BooleanField(label="Uiterlijk deze week", required=False)
    volgorde = forms.ChoiceField(label="Volgorde", choices=ORDERS, required=False)

    def __init__(self, *args: Any, options: QueueOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].choices = [("", "Alle gemeenten"), *options.gemeenten]
        self.fields["fase"].choices = [("", "Alle fasen")] + [
            (phase, phase) for phase in options.phases
        ]
        self.fields["gemeente"].error_messages["invalid_choice"] = (
            "Deze gemeente staat niet in de lijst; er is niet op gemeente gefilterd."
        )
        self.fields["fase"].error_messages["invalid_choice"] = (
            "Er zijn geen open taken in deze fase; er is niet op fase gefilterd."
        )

    def value(self, name: str, default: Any = "") -> Any:
        """The cleaned value of a field, or the default where it was wrong."""
        self.is_valid()
        if name in self.errors:
            return default
        return self.cleaned_data.get(name) or default

    def filters(self) -> QueueFilters:
        return QueueFilters(
            gemeente=self.value("gemeente"),
            phase=self.value("fase"),
            overdue=self.value("te_laat", False),
            this_week=self.value("deze_week", False),
            search=self.value("zoek").strip(),
            order=self.value("volgorde", BY_DUE),
        )


class HandOverForm(forms.Form):
    aan = forms.ChoiceField(
        label="Aan wie draagt u de taak over?",
        error_messages={
            "required": "Kies de collega die de taak overneemt.",
            "invalid_choice": "Kies een collega uit de lijst.",
        },
    )
    notitie = forms.CharField(
        label="Notitie voor uw collega",
        help_text="Waarom u de taak overdraagt en wat er al gedaan is. Uw collega"
        " ziet dit bij de taak.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={
            "required": "Schrijf een korte notitie voor uw collega.",
            "max_length": "De notitie mag hoogstens %(limit_value)d tekens lang zijn"
            " (nu %(show_value)d).",
        },
    )

    def __init__(self, *args: Any, colleagues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The options carry the user id, not the username (no code in the page);
        # recipient() maps the choice back.
        self.colleagues = {str(u.pk): u for u in colleagues}
        self.fields["aan"].choices = [("", "Kies een collega")] + [
            (user_id, u.get_full_name() or u.get_username())
            for user_id, u in self.colleagues.items()
        ]

    def recipient(self) -> str:
        """The username of the chosen colleague (of a valid form)."""
        return str(self.colleagues[self.cleaned_data["aan"]].get_username())
