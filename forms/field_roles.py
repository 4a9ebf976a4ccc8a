"""Field roles: what Wegwijs's own code reads from a form, declared on the field
instead of guessed from its name or label.

A form definition marks a field with ``"field_role": key`` (as it marks a milestone
with ``"milestone"``, engine/milestones.py), and the code asks for the field with a
role in a form (``FormDefinition.field_with_role``). A gemeente may then rename or
relabel a field, and the name of the case, the MB report, the last contact in the
reports and the PVT session still find it. (``role`` on a field is something else:
the user role a ``gebruiker`` field offers.)

The forms the code opens by their key, and the roles it cannot do without in them
(:data:`NEEDED`), are checked when a set becomes a version (:func:`missing_roles`):
a set that lacks one is refused with a Dutch finding. Nothing here imports Django.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vocabulary import GEZONDHEID, PERSOONSGEGEVENS, SCHULDEN

if TYPE_CHECKING:
    from .registry import FormRegistry

# The forms the code opens by key: the statushouder is registered with the first, a
# contact moment (a table, not a task in a diagram) recorded with the second.
START_FORM = "aanmelding"
CONTACT_FORM = "contactmoment"


@dataclass(frozen=True)
class FieldRole:
    """What the code reads a field for, the field types that can carry it, and the
    privacy class such a field keeps at least (forms/privacy.py)."""

    label: str
    types: frozenset[str]
    privacy: str = ""


def _role(label: str, *types: str, privacy: str = "") -> FieldRole:
    return FieldRole(label, frozenset(types), privacy)


FIELD_ROLES: dict[str, FieldRole] = {
    # The aanmelding: the case's name.
    "voornaam": _role("voornaam van de statushouder", "text", privacy=PERSOONSGEGEVENS),
    "achternaam": _role(
        "achternaam van de statushouder", "text", privacy=PERSOONSGEGEVENS
    ),
    # The aanmelding: the case page's summary, the coördinator's matching.
    "telefoon": _role("telefoonnummer", "phone", privacy=PERSOONSGEGEVENS),
    "email": _role("e-mailadres", "email", privacy=PERSOONSGEGEVENS),
    "adres": _role("adres", "text", privacy=PERSOONSGEGEVENS),
    "postcode": _role("postcode", "postcode", privacy=PERSOONSGEGEVENS),
    "taal": _role("taal van de statushouder", "text", "choice"),
    "gezinsgrootte": _role("gezinsgrootte", "number"),
    "herkomstland": _role("herkomstland", "text", "choice"),
    # The contact moment: the reports and the MB report count these.
    "contact_datum": _role("datum van het contact", "date"),
    "contact_soort": _role("soort contact", "choice"),
    "contact_leefgebieden": _role("besproken leefgebieden", "multichoice"),
    "contact_duur": _role("duur in minuten", "number"),
    # Whether the contact led to a referral: then its form is offered next.
    "contact_doorverwezen": _role("doorverwezen naar een andere instantie", "yesno"),
    "signaal_gezondheid": _role(
        "signaal over gezondheid", "text", "textarea", privacy=GEZONDHEID
    ),
    "signaal_schulden": _role(
        "signaal over schulden", "text", "textarea", privacy=SCHULDEN
    ),
    # A PVT task form, filled in by the trainer's session (webui/pvt/answers.py).
    "pvt_datum": _role("datum van de bijeenkomst", "date"),
    "pvt_plaats": _role("plaats van de bijeenkomst", "text"),
    "pvt_bijzijn": _role("in het bijzijn van (bestuurder)", "text"),
    "pvt_reden": _role(
        "reden van afwezigheid of van niet ondertekenen", "choice", "text", "textarea"
    ),
    "pvt_notitie": _role("notitie over de bijeenkomst", "textarea"),
}

# A form made before field roles existed (stored in a version deployed earlier)
# declares none: the code then finds a field by the name the base gave it, as it did
# before, so old versions keep their case names, reports and PVT sessions. A form
# that declares any role is read by its roles only.
NAMES_BEFORE_ROLES: dict[str, tuple[str, ...]] = {
    **{
        key: (key,)
        for key in (
            "voornaam",
            "achternaam",
            "telefoon",
            "email",
            "adres",
            "postcode",
            "taal",
            "gezinsgrootte",
            "herkomstland",
            "contact_datum",
            "contact_soort",
            "contact_leefgebieden",
        )
    },
    "contact_duur": ("contact_duur_minuten",),
    "contact_doorverwezen": ("contact_doorverwezen",),
    "signaal_gezondheid": ("contact_signaal_gezondheid",),
    "signaal_schulden": ("contact_signaal_schulden",),
    "pvt_datum": ("workshop_datum", "inhaal_datum", "ondertekening_datum"),
    "pvt_plaats": ("ondertekening_plaats",),
    "pvt_bijzijn": ("ondertekend_bij",),
    "pvt_reden": ("afwezigheid_reden", "reden_niet_ondertekend"),
    "pvt_notitie": ("workshop_opmerkingen", "inhaal_opmerkingen"),
}

# Form key -> the roles the code needs in that form.
NEEDED: dict[str, tuple[str, ...]] = {
    START_FORM: ("voornaam", "achternaam"),
    CONTACT_FORM: ("contact_datum", "contact_soort", "contact_leefgebieden"),
}

_WHY = {
    START_FORM: "daarmee wordt een statushouder aangemeld",
    CONTACT_FORM: "daarmee worden contactmomenten vastgelegd",
}


@dataclass(frozen=True)
class MissingRole:
    """A form, or a field role in it, that the code needs and a set lacks."""

    form_key: str
    role: str  # "" when the whole form is missing
    message: str
    hint: str


def missing_roles(registry: "FormRegistry") -> Iterator[MissingRole]:
    """Every form of :data:`NEEDED` the registry lacks, and every needed role that
    no field of such a form declares."""
    for key, roles in NEEDED.items():
        if key not in registry:
            yield MissingRole(
                key,
                "",
                f"het formulier ‘{key}’ ontbreekt",
                f"Elke versie heeft het formulier ‘{key}’ nodig: {_WHY[key]}.",
            )
            continue
        definition = registry.get(key)
        for role in roles:
            if definition.field_with_role(role) is None:
                label = FIELD_ROLES[role].label
                yield MissingRole(
                    key,
                    role,
                    f"het formulier ‘{key}’ heeft geen veld met de rol ‘{role}’"
                    f" ({label})",
                    f"Wegwijs leest de {label} uit dit formulier. Geef het veld dat"
                    f' ernaar vraagt de rol ‘{role}’ ("field_role": "{role}").',
                )


def field_role_choices() -> list[dict[str, object]]:
    """The field roles as the form editor offers them: key, label, the field types
    that can carry one, and the form that must have it (:data:`NEEDED`) or ""."""
    needed = {role: key for key, roles in NEEDED.items() for role in roles}
    return [
        {
            "key": key,
            "label": role.label[0].upper() + role.label[1:],
            "types": sorted(role.types),
            "needed": needed.get(key, ""),
        }
        for key, role in FIELD_ROLES.items()
    ]
