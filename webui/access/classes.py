"""The privacy classes each role reads, and who records and asks for consent."""

import vocabulary
from webui.accounts.models import LANE_SIDE, Role

SENSITIVE = frozenset(vocabulary.SENSITIVE_CLASSES)
ALL_CLASSES = frozenset(vocabulary.PRIVACY_CLASSES)

# The privacy classes each role may read, on the cases it may see.
READABLE: dict[str, frozenset[str]] = {
    Role.BEGELEIDER: ALL_CLASSES,
    # "begeleiding": the MB's own notes of its guidance, read by the MB's coördinator.
    Role.COORDINATOR: frozenset({"normaal", "persoonsgegevens", "bsn", "begeleiding"}),
    Role.TRAINER: frozenset({"normaal"}),
    Role.REGIEVOERDER: ALL_CLASSES,
    Role.TEAMLEIDER: ALL_CLASSES,
    Role.MANAGER: frozenset({"normaal"}),
    Role.BEHEERDER: frozenset(),
    Role.PRIVACY: frozenset(),
}
# Roles that work on cases (and open case pages).
CASE_ROLES = frozenset(LANE_SIDE)

# Who records the statushouder's consent: the people who talk with them...
CONSENT_ROLES = frozenset({Role.BEGELEIDER, Role.COORDINATOR, Role.REGIEVOERDER})
# ...on the side that holds the data a direction lets go. The receiving side may
# ask for consent, never record it.
CONSENT_HOLDER = {"mb_naar_gemeente": "mb", "gemeente_naar_mb": "gemeente"}
# The milestones (workflows/mijlpalen.json) of a form's consent question, per
# direction.
CONSENT_MILESTONES = {
    "toestemming_gemeente": "mb_naar_gemeente",
    "toestemming_mb": "gemeente_naar_mb",
}

# What a leefgebied (of a referral, or a choice on a form such as the topics of a
# contact moment) is about, as a privacy class: a referral to schuldhulp tells as
# much as the debt itself. Values not named here are "normaal".
LEEFGEBIED_PRIVACY = {
    "financien": "schulden",
    "zorg": "gezondheid",
    "psychisch": "psychisch",
    "juridisch": "juridisch",
}


def leefgebied_privacy(value: str) -> str:
    """The privacy class of a leefgebied (a referral's, a contact moment's topic)."""
    return LEEFGEBIED_PRIVACY.get(value, "normaal")
