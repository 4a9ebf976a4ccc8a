"""Roles and privacy classes come from one place, the vocabulary: the Django choices,
the engine's lanes, the form checks, need-to-know and the studio read it."""

from django.test import Client
from django.urls import reverse

import engine
import forms
import vocabulary
from forms import registry
from webui.access import ALL_CLASSES, READABLE, SENSITIVE
from webui.accounts.models import GEMEENTE_ROLES, LANE_SIDE, MB_ROLES, Role
from webui.cases.models import Consent

from .conftest import World
from .webui.test_studio import embedded
from .webui.test_views import client_for


def test_the_role_choices_are_the_vocabularys_roles_with_their_labels() -> None:
    assert [(code, str(label)) for code, label in Role.choices] == list(
        vocabulary.ROLE_LABELS.items()
    )
    assert LANE_SIDE == vocabulary.LANE_SIDE
    assert MB_ROLES == vocabulary.MB_ROLES
    assert GEMEENTE_ROLES == vocabulary.GEMEENTE_ROLES
    assert set(READABLE) == set(vocabulary.ROLES), "every role reads a declared set"


def test_the_engines_lanes_and_a_forms_user_roles_are_the_vocabularys() -> None:
    assert engine.ROLES == vocabulary.LANE_ROLES
    assert registry.ROLES == frozenset(vocabulary.LANE_ROLES)
    assert "teamleider" in engine.ROLES


def test_the_privacy_classes_are_the_vocabularys_everywhere() -> None:
    assert forms.PRIVACY_CLASSES == vocabulary.PRIVACY_CLASSES
    assert ALL_CLASSES == frozenset(vocabulary.PRIVACY_CLASSES)
    assert (
        SENSITIVE
        == frozenset(vocabulary.SENSITIVE_CLASSES)
        == {
            "gezondheid",
            "psychisch",
            "schulden",
            "juridisch",
            "begeleiding",  # the MB's notes of its guidance: shared only with consent
        }
    )
    assert Consent.Category.values == list(vocabulary.SENSITIVE_CLASSES)


def test_the_teamleider_is_a_gemeente_role_above_the_regievoerder() -> None:
    assert str(Role.TEAMLEIDER.label) == "Teamleider"
    assert Role.TEAMLEIDER in GEMEENTE_ROLES and Role.TEAMLEIDER not in MB_ROLES
    assert LANE_SIDE[Role.TEAMLEIDER] == "gemeente"
    assert READABLE[Role.TEAMLEIDER] == READABLE[Role.REGIEVOERDER]


def test_the_form_editor_offers_every_class_and_lane_with_a_dutch_label(
    world: World,
) -> None:
    client: Client = client_for(world, "beheerder.polderdam")
    page = client.get(
        reverse("studio:form_editor", args=["polderdam", "contactmoment"])
    )
    config = embedded(page.content.decode(), "form-editor-config")
    assert isinstance(config, dict)
    classes = {c["key"]: c["label"] for c in config["privacyClasses"]}
    assert list(classes) == list(vocabulary.PRIVACY_CLASSES)
    assert classes["psychisch"] == "Psychische gezondheid en trauma (bijzonder)"
    roles = {r["key"]: r["label"] for r in config["roles"]}
    assert roles == {r: vocabulary.ROLE_LABELS[r] for r in vocabulary.LANE_ROLES}
