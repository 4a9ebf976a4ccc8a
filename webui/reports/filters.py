"""The filters of the managers' overview and export: one small value, parsed alike
from the page's GET form and from `manage.py export_cases`, validated with Dutch
errors."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms

STATUSES = (("open", "Lopend"), ("afgesloten", "Afgesloten"))


@dataclass(frozen=True)
class ReportScope:
    """What a manager may filter on: (value, label) pairs, in the order shown."""

    gemeenten: tuple[tuple[str, str], ...] = ()
    organisations: tuple[tuple[str, str], ...] = ()
    begeleiders: tuple[tuple[str, str], ...] = ()
    phases: tuple[tuple[str, str], ...] = ()  # process id, name; trajectory order


@dataclass(frozen=True)
class ReportFilter:
    gemeenten: tuple[str, ...] = ()  # slugs; none: all the manager's
    organisatie: str = ""  # MB organisation slug
    fase: str = ""  # process id of a phase the case is in now
    koppeling_van: date | None = None
    koppeling_tot: date | None = None  # inclusive
    begeleider: str = ""  # username of the vaste begeleider
    status: str = ""  # "open" or "afgesloten"
    met_namen: bool = False

    def as_data(self) -> dict[str, Any]:
        """JSON-able, for a background run and the processing log."""
        data = asdict(self)
        data["gemeenten"] = list(self.gemeenten)
        for key in ("koppeling_van", "koppeling_tot"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "ReportFilter":
        def day(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            gemeenten=tuple(data.get("gemeenten") or ()),
            organisatie=data.get("organisatie") or "",
            fase=data.get("fase") or "",
            koppeling_van=day(data.get("koppeling_van")),
            koppeling_tot=day(data.get("koppeling_tot")),
            begeleider=data.get("begeleider") or "",
            status=data.get("status") or "",
            met_namen=bool(data.get("met_namen")),
        )

    def query(self) -> str:
        """The page's query string for these filters (the download link carries it)."""
        pairs: list[tuple[str, str]] = [("gemeente", slug) for slug in self.gemeenten]
        for key in ("organisatie", "fase", "begeleider", "status"):
            if value := getattr(self, key):
                pairs.append((key, value))
        for key in ("koppeling_van", "koppeling_tot"):
            if value := getattr(self, key):
                pairs.append((key, value.isoformat()))
        return urlencode(pairs)

    def describe(self, scope: ReportScope) -> list[tuple[str, str]]:
        """The filters in words, one (name, value) per filter."""

        def label(pairs: tuple[tuple[str, str], ...], value: str) -> str:
            return dict(pairs).get(value, value)

        period = "alle"
        if self.koppeling_van or self.koppeling_tot:
            start = f"{self.koppeling_van:%d-%m-%Y}" if self.koppeling_van else "…"
            end = f"{self.koppeling_tot:%d-%m-%Y}" if self.koppeling_tot else "…"
            period = f"{start} tot en met {end}"
        return [
            (
                "Gemeente(n)",
                ", ".join(label(scope.gemeenten, g) for g in self.gemeenten)
                or "alle gemeenten waarover u rapporteert",
            ),
            ("MB-organisatie", label(scope.organisations, self.organisatie) or "alle"),
            ("Fase", label(scope.phases, self.fase) or "alle"),
            ("Koppelingsdatum", period),
            ("Vaste begeleider", label(scope.begeleiders, self.begeleider) or "alle"),
            ("Status", label(STATUSES, self.status) or "lopend en afgesloten"),
        ]


class ReportFilterForm(forms.Form):
    """The filters as a form: the choices are those of the user's scope, so a value
    outside it is refused by name."""

    gemeente = forms.MultipleChoiceField(
        label="Gemeente",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Niets aangevinkt: alle gemeenten.",
        error_messages={
            "invalid_choice": "Gemeente ‘%(value)s’ hoort niet bij de gemeenten"
            " waarover u rapporteert."
        },
    )
    organisatie = forms.ChoiceField(
        label="MB-organisatie",
        required=False,
        error_messages={
            "invalid_choice": "MB-organisatie ‘%(value)s’ begeleidt geen dossier"
            " waarover u rapporteert."
        },
    )
    fase = forms.ChoiceField(
        label="Fase",
        required=False,
        help_text="Dossiers die nu in deze fase zijn.",
        error_messages={
            "invalid_choice": "Fase ‘%(value)s’ komt niet voor in de processen van uw"
            " gemeenten."
        },
    )
    koppeling_van = forms.DateField(
        label="Koppeling vanaf",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Vul bij ‘koppeling vanaf’ een datum in (dd-mm-jjjj)."
        },
    )
    koppeling_tot = forms.DateField(
        label="Koppeling tot en met",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Vul bij ‘koppeling tot en met’ een datum in (dd-mm-jjjj)."
        },
    )
    begeleider = forms.ChoiceField(
        label="Vaste begeleider",
        required=False,
        error_messages={
            "invalid_choice": "‘%(value)s’ is geen vaste begeleider van een dossier"
            " waarover u rapporteert."
        },
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=(("", "Lopend en afgesloten"), *STATUSES),
        error_messages={
            "invalid_choice": "Status ‘%(value)s’ bestaat niet: kies ‘lopend’ of"
            " ‘afgesloten’."
        },
    )
    met_namen = forms.BooleanField(label="Met namen", required=False)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        scope: ReportScope,
        names_allowed: bool,
    ) -> None:
        super().__init__(data)
        self.names_allowed = names_allowed
        fields = self.fields
        fields["gemeente"].choices = scope.gemeenten  # type: ignore[attr-defined]
        fields["organisatie"].choices = [("", "Alle"), *scope.organisations]  # type: ignore[attr-defined]
        fields["fase"].choices = [("", "Alle fasen"), *scope.phases]  # type: ignore[attr-defined]
        fields["begeleider"].choices = [("", "Alle"), *scope.begeleiders]  # type: ignore[attr-defined]
        if not names_allowed:
            del fields["met_namen"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("koppeling_van"), data.get("koppeling_tot")
        if start and end and start > end:
            self.add_error(
                "koppeling_tot",
                f"‘Koppeling tot en met’ ({end:%d-%m-%Y}) ligt vóór ‘koppeling vanaf’"
                f" ({start:%d-%m-%Y}).",
            )
        return data

    def report_filter(self) -> ReportFilter:
        """The filter of a valid form."""
        data = self.cleaned_data
        return ReportFilter(
            gemeenten=tuple(data.get("gemeente") or ()),
            organisatie=data.get("organisatie") or "",
            fase=data.get("fase") or "",
            koppeling_van=data.get("koppeling_van"),
            koppeling_tot=data.get("koppeling_tot"),
            begeleider=data.get("begeleider") or "",
            status=data.get("status") or "",
            met_namen=bool(data.get("met_namen")),
        )


def _choices(scope: ReportScope) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per filter that picks from a list: (value, the page's words) pairs."""
    return {
        "gemeente": scope.gemeenten,
        "organisatie": scope.organisations,
        "fase": scope.phases,
        "begeleider": scope.begeleiders,
        "status": STATUSES,
    }


def from_words(data: Mapping[str, Any], scope: ReportScope) -> dict[str, Any]:
    """The filters as typed on the command line, in the page's words or by value:
    ``--status lopend``, ``--fase "Brede intake en PIP"``, ``--gemeente Polderdam``
    become the values the page's form sends; anything else stays as typed (and is
    refused by the form, see ``valid_words``)."""

    def value(name: str, typed: str) -> str:
        wanted = typed.strip().casefold()
        for code, words in _choices(scope)[name]:
            if wanted in (code.casefold(), words.casefold()):
                return code
        return typed

    converted = dict(data)
    for name in _choices(scope):
        typed = converted.get(name)
        if isinstance(typed, list | tuple):
            converted[name] = [value(name, str(t)) for t in typed]
        elif typed:
            converted[name] = value(name, str(typed))
    return converted


def valid_words(name: str, scope: ReportScope) -> str:
    """What a filter accepts, in the page's words, for a refusal ("" when the filter
    takes no list, such as a date)."""
    pairs = _choices(scope).get(name)
    if not pairs:
        return ""
    return "kies uit " + ", ".join(f"‘{words}’" for _code, words in pairs)


NAMES_REFUSED = (
    "Namen kunnen niet mee: uw rol leest alleen gegevens van de klasse ‘normaal’."
    " Het bestand bevat het kenmerk van elk dossier."
)


def parse_filter(
    data: Mapping[str, Any], *, scope: ReportScope, names_allowed: bool
) -> tuple[ReportFilter | None, ReportFilterForm]:
    """The filter the data asks for (None with the form's errors). Without any data,
    every case of the scope."""
    names_asked = bool(data.get("met_namen"))
    form = ReportFilterForm(
        data if data else None, scope=scope, names_allowed=names_allowed
    )
    if not form.is_bound:
        return ReportFilter(), form
    if not form.is_valid():
        return None, form
    if names_asked and not names_allowed:
        form.add_error(None, NAMES_REFUSED)
        return None, form
    return form.report_filter(), form
