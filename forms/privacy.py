"""Privacy classes, their order, and the floor a gemeente's variant may not go below.

The classes, from open to closed::

    normaal < persoonsgegevens < bsn < gezondheid | psychisch | schulden | juridisch
                                     | begeleiding

(the classes and their labels are the vocabulary's, ``vocabulary``).

Each step up is read by fewer: ``persoonsgegevens`` reaches a manager's report with
names, ``bsn`` never does; a sensitive class is read by fewer roles than ``bsn`` (no
coördinator) and crosses between gemeente and MB organisation only with the
statushouder's consent for that category. The four sensitive classes are not ordered
among themselves: consent is given per category, so a health note classed as
``schulden`` would reach whoever may read debts. Only a change to the same class or
one step or more up is a raise; anything else lowers.

The floor of a variant is its base: every field keeps at least its base class
(:func:`lowers`). A field the base does not have, or whose name and label now speak of
a sensitive kind the base's did not (:data:`KIND_WORDS`), needs that kind's class;
so does every field of type ``bsn``, and a field with a role Wegwijs reads keeps that
role's class (forms/field_roles.py). Nothing here imports Django.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import vocabulary
from vocabulary import BSN, NORMAAL, PERSOONSGEGEVENS, PRIVACY_CLASSES

from .field_roles import FIELD_ROLES

# The classes and their labels are the vocabulary's; their rank is kept here.
SENSITIVE_CLASSES = frozenset(vocabulary.SENSITIVE_CLASSES)

_RANK = {NORMAAL: 0, PERSOONSGEGEVENS: 1, BSN: 2} | dict.fromkeys(SENSITIVE_CLASSES, 3)

# What a field's name or label says it is about. Word stems, matched in the name
# (underscores as spaces) and the label, lower case; not the help text, which may well
# say what *not* to write. "juridisch" itself is left out on purpose: "is juridische
# ondersteuning nodig?" is a question about the process (the base routes on it), not
# a legal matter of the statushouder.
KIND_WORDS = {
    "gezondheid": re.compile(
        r"gezond|medisch|medicijn|medicatie|ziekte|ziekenhuis|huisarts|zwanger"
        r"|handicap|lichamelijk|diagnose"
    ),
    "psychisch": re.compile(r"psychi|psycholo|trauma|ggz|depressi|suïcid|suicid"),
    "schulden": re.compile(r"schuld|betalingsachterstand|deurwaarder|incasso|beslag"),
    "juridisch": re.compile(
        r"strafbla|strafrecht|rechtszaak|rechtbank|veroordel|advoca|detentie"
    ),
    "bsn": re.compile(r"\bbsn\b|burgerservicenummer|sofinummer"),
}


def privacy_rank(privacy: str) -> int:
    """How closed a class is: 0 (normaal) to 3 (a sensitive category)."""
    return _RANK[privacy]


def lowers(floor: str, privacy: str) -> bool:
    """Whether ``privacy`` is below ``floor`` (or a different sensitive category)."""
    if privacy == floor:
        return False
    return privacy_rank(privacy) <= privacy_rank(floor)


def allowed_classes(floor: str) -> tuple[str, ...]:
    """Every class that does not lower ``floor``, open to closed."""
    return tuple(c for c in PRIVACY_CLASSES if not lowers(floor, c))


def kinds_of(name: str, label: str) -> frozenset[str]:
    """The sensitive kinds (and ``bsn``) a field's name or label speaks of."""
    text = f"{name.replace('_', ' ')} {label}".lower()
    return frozenset(kind for kind, words in KIND_WORDS.items() if words.search(text))


@dataclass(frozen=True)
class PrivacyFloor:
    """The base's class and what its name and label spoke of, per field name."""

    classes: Mapping[str, str]
    kinds: Mapping[str, frozenset[str]]

    def problem(
        self,
        *,
        name: str,
        label: str,
        field_type: str,
        privacy: str,
        field_role: str = "",
    ) -> tuple[str, str] | None:
        """What is wrong with this field's class (message, hint), or None."""
        where = f"veld ‘{name}’"
        role = FIELD_ROLES.get(field_role)
        floor = self.classes.get(name) or (role.privacy if role else None) or None
        if floor is not None and lowers(floor, privacy):
            return _lowered(where, floor, privacy)
        kinds = kinds_of(name, label) - self.kinds.get(name, frozenset())
        sensitive = sorted(kinds & SENSITIVE_CLASSES)
        if sensitive and privacy not in sensitive:
            choice = " of ".join(f"‘{k}’" for k in sensitive)
            return (
                f"{where} gaat volgens naam of label over {', '.join(sensitive)}, maar"
                f" heeft privacyklasse ‘{privacy}’",
                f"Geef het veld de privacyklasse {choice}. Gaat het echt niet over"
                " die gegevens, kies dan een naam en label die dat niet zeggen.",
            )
        needs_bsn = "bsn" in kinds or field_type == "bsn"
        if needs_bsn and lowers("bsn", privacy) and privacy not in SENSITIVE_CLASSES:
            return (
                f"{where} vraagt naar een BSN, maar heeft privacyklasse ‘{privacy}’",
                "Geef het veld de privacyklasse ‘bsn’.",
            )
        return None


def _lowered(where: str, floor: str, privacy: str) -> tuple[str, str]:
    if floor in SENSITIVE_CLASSES and privacy in SENSITIVE_CLASSES:
        return (
            f"{where} heeft privacyklasse ‘{privacy}’, maar in de basis ‘{floor}’: een"
            " gevoelige categorie wordt geen andere",
            "Toestemming geldt per categorie; onder een andere categorie komt het"
            f" veld bij wie daarvoor toestemming heeft. Zet het terug op ‘{floor}’.",
        )
    allowed = allowed_classes(floor)
    choice = f"‘{floor}’" if len(allowed) == 1 else ", ".join(allowed)
    return (
        f"{where} heeft privacyklasse ‘{privacy}’, lager dan ‘{floor}’ in de basis",
        "Een variant mag een privacyklasse verhogen, nooit verlagen. Kies "
        + (choice if len(allowed) == 1 else f"een van: {choice}")
        + ".",
    )


def privacy_floor(fields: Iterable[tuple[str, str, str]]) -> PrivacyFloor:
    """The floor a base's fields (name, label, privacy) set for a variant on it; a
    name the base uses on several forms keeps its most closed class."""
    classes: dict[str, str] = {}
    kinds: dict[str, frozenset[str]] = {}
    for name, label, privacy in fields:
        known = classes.get(name)
        if known is None or lowers(privacy, known):
            classes[name] = privacy
        kinds[name] = kinds.get(name, frozenset()) | kinds_of(name, label)
    return PrivacyFloor(classes=classes, kinds=kinds)


# A set without a base under it (the base itself): the named fields and the kinds.
NO_BASE = PrivacyFloor(classes={}, kinds={})
