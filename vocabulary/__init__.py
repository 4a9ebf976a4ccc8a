"""The words Wegwijs is built from: roles and privacy classes, with their Dutch labels.

Defined once, here, because every layer needs them: the engine checks that a lane is
named after a role, the forms check a field's privacy class and the role a
``gebruiker`` field offers, accounts make the Django choices of the roles and decide
who reads which class, the studio shows the labels. It is a package of its own on the
ground floor, not a module in ``forms/`` or ``engine/``: the engine may import neither
Django nor ``forms`` (whose package builds Django forms), and ``forms`` should not
lean on the engine for words that are not about BPMN. So this package imports nothing
but the standard library, and everything else imports it.

The labels are marked with ``_`` (a no-op here, so no Django) for makemessages to find
them; Django code wraps them in ``gettext_lazy`` where it shows them.
"""

from dataclasses import dataclass


def _(text: str) -> str:
    """Mark a label for translation; Django code translates it where it is shown."""
    return text


# ---- roles ---------------------------------------------------------------------------

BEGELEIDER = "begeleider"
COORDINATOR = "coordinator"
REGIEVOERDER = "regievoerder"
TEAMLEIDER = "teamleider"
TRAINER = "trainer"
MANAGER = "manager"
BEHEERDER = "beheerder"
PRIVACY_OFFICER = "privacy"

# Every role a user can hold, in the order a form offers them.
ROLE_LABELS: dict[str, str] = {
    BEGELEIDER: _("Begeleider"),
    COORDINATOR: _("Coördinator"),
    REGIEVOERDER: _("Regievoerder"),
    TEAMLEIDER: _("Teamleider"),
    TRAINER: _("Trainer PVT"),
    MANAGER: _("Manager"),
    BEHEERDER: _("Functioneel beheerder"),
    PRIVACY_OFFICER: _("Privacyfunctionaris"),
}
ROLES = tuple(ROLE_LABELS)

# The roles that are BPMN lanes, and the side whose data their answers are: what the
# MB organisation writes reaches the gemeente only with consent, and the other way
# round. The teamleider stands above the regievoerders of a gemeente (escalations).
LANE_SIDE: dict[str, str] = {
    BEGELEIDER: "mb",
    COORDINATOR: "mb",
    REGIEVOERDER: "gemeente",
    TEAMLEIDER: "gemeente",
    TRAINER: "mb",
}
LANE_ROLES = tuple(LANE_SIDE)

# Which party holds which role. The gemeente has regie (beschikkingen, sancties); the
# MB organisation guides (a relation of trust). A manager and a privacy officer exist
# on both sides, and so does a beheerder: at a gemeente they manage its diagrams and
# its users, at an MB organisation its users. A beheerder gives only the roles of
# their own side.
_BOTH_SIDES = frozenset({MANAGER, BEHEERDER, PRIVACY_OFFICER})
MB_ROLES = frozenset(r for r, side in LANE_SIDE.items() if side == "mb") | _BOTH_SIDES
GEMEENTE_ROLES = (
    frozenset(r for r, side in LANE_SIDE.items() if side == "gemeente") | _BOTH_SIDES
)


def role_in_sentence(role: str) -> str:
    """A role's label inside a sentence ("trainer PVT"); an unknown role as it is."""
    label = ROLE_LABELS.get(role)
    return label[0].lower() + label[1:] if label else role


# ---- privacy classes -----------------------------------------------------------------


@dataclass(frozen=True)
class PrivacyClass:
    """A class of personal data: who reads it is need-to-know (accounts), a sensitive
    one crosses between gemeente and MB organisation only with consent for it."""

    code: str
    label: str  # what the form editor shows
    sensitive: bool = False
    category: str = ""  # a sensitive class as a consent category, in a sentence


NORMAAL = "normaal"
PERSOONSGEGEVENS = "persoonsgegevens"
BSN = "bsn"
GEZONDHEID = "gezondheid"
PSYCHISCH = "psychisch"
SCHULDEN = "schulden"
JURIDISCH = "juridisch"
# What the MB organisation records about its guidance (verslagen, evaluaties,
# intentions): the MB's, shared with the gemeente only with consent (sources 003, 004).
BEGELEIDING = "begeleiding"

# From open to closed; the sensitive ones are not ordered among themselves.
PRIVACY_TERMS: tuple[PrivacyClass, ...] = (
    PrivacyClass(NORMAAL, _("Normaal (mag het proces sturen)")),
    PrivacyClass(PERSOONSGEGEVENS, _("Persoonsgegevens (naam, adres, contact)")),
    PrivacyClass(BSN, _("BSN")),
    PrivacyClass(GEZONDHEID, _("Gezondheid (bijzonder)"), True, _("gezondheid")),
    PrivacyClass(
        PSYCHISCH,
        _("Psychische gezondheid en trauma (bijzonder)"),
        True,
        _("psychische gezondheid en trauma"),
    ),
    PrivacyClass(
        SCHULDEN,
        _("Schulden en financiën (gevoelig)"),
        True,
        _("schulden en financiën"),
    ),
    PrivacyClass(JURIDISCH, _("Juridisch (gevoelig)"), True, _("juridische zaken")),
    PrivacyClass(
        BEGELEIDING,
        _("Begeleiding: verslagen en afspraken van de MB (gevoelig)"),
        True,
        _("verslagen en afspraken van de begeleiding"),
    ),
)
PRIVACY_CLASSES = tuple(c.code for c in PRIVACY_TERMS)
PRIVACY_LABELS = {c.code: c.label for c in PRIVACY_TERMS}
SENSITIVE_CLASSES = tuple(c.code for c in PRIVACY_TERMS if c.sensitive)
# A sensitive class is a consent category: code -> its words in a sentence.
CONSENT_CATEGORIES = {c.code: c.category for c in PRIVACY_TERMS if c.sensitive}
# Only this class enters the workflow engine; the others stay with the submission.
ENGINE_PRIVACY = NORMAAL


# ---- API scopes and events -----------------------------------------------------------

# What an API client of a gemeente or MB organisation may do, as its beheerder grants
# it. The reading scopes open privacy classes (need-to-know, webui/access/clients.py);
# the other party's sensitive data still needs the statushouder's consent.
SCOPE_AANMELDEN = "aanmeldingen.schrijven"
SCOPE_DOSSIERS = "dossiers.lezen"
SCOPE_PERSOONSGEGEVENS = "persoonsgegevens.lezen"
SCOPE_BSN = "bsn.lezen"
SCOPE_BIJZONDER = "bijzonder.lezen"
SCOPE_ABONNEREN = "gebeurtenissen.abonneren"
API_SCOPES: dict[str, str] = {
    SCOPE_AANMELDEN: _("Statushouders aanmelden"),
    SCOPE_DOSSIERS: _("Dossiers lezen: fase, mijlpalen, termijnen, open taken"),
    SCOPE_PERSOONSGEGEVENS: _("Persoonsgegevens lezen (naam, adres, contact)"),
    SCOPE_BSN: _("BSN lezen"),
    SCOPE_BIJZONDER: _(
        "Bijzondere en gevoelige gegevens lezen (van de andere partij alleen met"
        " toestemming van de statushouder)"
    ),
    SCOPE_ABONNEREN: _("Abonneren op gebeurtenissen"),
}

# The events a client may subscribe to (CloudEvents ``type``), with their labels.
EVENT_TYPES: dict[str, str] = {
    "nl.wegwijs.dossier.aangemeld": _("Dossier aangemeld"),
    "nl.wegwijs.mijlpaal.bereikt": _("Mijlpaal bereikt"),
    "nl.wegwijs.termijn.bijna-verstreken": _("Termijn bijna verstreken"),
    "nl.wegwijs.taak.te-laat": _("Taak te laat"),
    "nl.wegwijs.dossier.afgesloten": _("Dossier afgesloten"),
    "nl.wegwijs.dossier.heropend": _("Dossier heropend"),
}
