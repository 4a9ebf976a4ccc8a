"""The beheerder manages the users of their own organisation on Wegwijs's Gebruikers
page, and nowhere else: Django's admin is for superusers only. Never their own roles,
never another organisation's users, never superuser or a password; every change is
in the processing log with its reason."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

import pytest

from webui.accounts.models import MbOrganisation, Membership, Role
from webui.accounts.selectors import organisation_key
from webui.logs.models import ProcessingRecord
from webui.users.services import UserChangeRefused, user_roles_set

from ..conftest import PASSWORD, World

NEW_PASSWORD = "Zonnebloem-Kade-42"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def roles_of(user, **place) -> set[str]:
    return set(
        Membership.objects.filter(user=user, **place).values_list("role", flat=True)
    )


def user_records() -> list[ProcessingRecord]:
    return list(
        ProcessingRecord.objects.filter(action=ProcessingRecord.Action.USERS).order_by(
            "id"
        )
    )


# ---- Django's admin: superusers only ---------------------------------------------


def test_beheerder_gets_not_found_from_the_django_admin_even_with_staff_rights(
    world: World,
) -> None:
    beheerder = world.who("beheerder", world.polderdam)
    # What the demo used to give the beheerder: staff, and rights on users and roles.
    beheerder.is_staff = True
    beheerder.save()
    beheerder.user_permissions.set(
        Permission.objects.filter(
            codename__in=["change_user", "add_membership", "change_membership"]
        )
    )
    client = client_for("beheerder.polderdam")
    for url in (
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[beheerder.pk]),
        reverse("admin:accounts_membership_add"),
        reverse("admin:login"),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("admin:auth_user_change", args=[beheerder.pk]),
        {"username": "beheerder.polderdam", "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 404
    beheerder.refresh_from_db()
    assert not beheerder.is_superuser
    assert "Technisch beheer" not in client.get(reverse("users:list")).text


def test_the_admin_opens_for_a_superuser_and_sends_others_to_the_one_login(
    world: World,
) -> None:
    get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    root = client_for("root")
    assert root.get(reverse("admin:index")).status_code == 200
    assert root.get(reverse("admin:auth_user_changelist")).status_code == 200

    anonymous = Client().get(reverse("admin:index"), follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("login"))


# ---- who the beheerder may manage ------------------------------------------------


def test_the_menu_offers_gebruikers_to_the_beheerder_only(world: World) -> None:
    page = client_for("beheerder.polderdam").get(reverse("users:list"))
    assert page.status_code == 200
    assert 'href="/gebruikers/"' in page.text
    assert "Regievoerder Polderdam" in page.text
    # Not the users of another gemeente, nor of the MB organisation.
    assert "regievoerder.rivierstad" not in page.text
    assert "begeleider.polderdam" not in page.text

    regie = client_for("regievoerder.polderdam")
    assert 'href="/gebruikers/"' not in regie.get(reverse("cases:list")).text
    assert regie.get(reverse("users:list")).status_code == 404


def test_beheerder_cannot_give_themselves_a_role(world: World) -> None:
    beheerder = world.who("beheerder", world.polderdam)
    client = client_for("beheerder.polderdam")
    key = organisation_key(world.polderdam)
    own = reverse("users:detail", args=[beheerder.pk])

    assert client.get(own).status_code == 404
    response = client.post(
        own,
        {
            f"rollen-roles_{key}": ["beheerder", "regievoerder"],
            "rollen-reason": "Even zelf kijken",
        },
    )
    assert response.status_code == 404
    assert roles_of(beheerder) == {Role.BEHEERDER}
    with pytest.raises(UserChangeRefused):
        user_roles_set(
            actor=beheerder,
            target=beheerder,
            roles={world.polderdam: [Role.BEHEERDER, Role.REGIEVOERDER]},
            reason="zelf",
        )
    assert roles_of(beheerder) == {Role.BEHEERDER}
    assert user_records() == []


def test_users_of_another_organisation_are_not_found(world: World) -> None:
    client = client_for("beheerder.polderdam")
    others = [
        world.who("regievoerder", world.rivierstad),  # another gemeente
        world.who("begeleider", world.polderdam),  # the MB organisation
    ]
    for other in others:
        assert client.get(reverse("users:detail", args=[other.pk])).status_code == 404
        assert (
            client.post(
                reverse("users:active", args=[other.pk]), {"actief-reason": "weg"}
            ).status_code
            == 404
        )
        assert (
            client.post(reverse("users:password_link", args=[other.pk])).status_code
            == 404
        )
        other.refresh_from_db()
        assert other.is_active
    invite_there = reverse("users:invite", args=[organisation_key(world.rivierstad)])
    assert client.get(invite_there).status_code == 404
    assert mail.outbox == []
    assert user_records() == []


def test_beheerder_cannot_make_a_superuser_nor_set_a_password(world: World) -> None:
    colleague = world.who("manager", world.polderdam)
    client = client_for("beheerder.polderdam")
    key = organisation_key(world.polderdam)
    page = client.get(reverse("users:detail", args=[colleague.pk])).text
    assert "is_superuser" not in page and 'type="password"' not in page

    client.post(
        reverse("users:detail", args=[colleague.pk]),
        {
            f"rollen-roles_{key}": ["manager"],
            "rollen-reason": "Geen wijziging",
            "is_superuser": "on",
            "is_staff": "on",
            "password": "overgenomen-wachtwoord",
            "password1": "overgenomen-wachtwoord",
        },
    )
    colleague.refresh_from_db()
    assert not colleague.is_superuser and not colleague.is_staff
    assert colleague.check_password(PASSWORD)

    # A superuser with a role at the gemeente is out of the beheerder's reach.
    root = get_user_model().objects.create_superuser("root", "r@example.invalid", "x")
    Membership.objects.create(user=root, role=Role.MANAGER, gemeente=world.polderdam)
    assert client.get(reverse("users:detail", args=[root.pk])).status_code == 404


def test_roles_of_the_other_side_cannot_be_given(world: World) -> None:
    colleague = world.who("manager", world.polderdam)
    client = client_for("beheerder.polderdam")
    key = organisation_key(world.polderdam)
    response = client.post(
        reverse("users:detail", args=[colleague.pk]),
        {f"rollen-roles_{key}": ["begeleider"], "rollen-reason": "Helpt mee"},
    )
    assert "Deze rol kunt u hier niet geven." in response.text
    assert roles_of(colleague) == {Role.MANAGER}


# ---- what the beheerder may do, each in the log ------------------------------------


def test_beheerder_sets_a_colleagues_roles_and_the_privacy_officer_finds_why(
    world: World,
) -> None:
    colleague = world.who("manager", world.polderdam)
    client = client_for("beheerder.polderdam")
    key = organisation_key(world.polderdam)
    url = reverse("users:detail", args=[colleague.pk])

    no_reason = client.post(url, {f"rollen-roles_{key}": ["regievoerder"]})
    assert "Schrijf kort op waarom" in no_reason.text
    assert roles_of(colleague) == {Role.MANAGER}

    response = client.post(
        url,
        {
            f"rollen-roles_{key}": ["regievoerder"],
            "rollen-reason": "Vervangt Rana tijdens haar verlof",
        },
        follow=True,
    )
    assert "De rollen zijn gewijzigd." in response.text
    assert roles_of(colleague) == {Role.REGIEVOERDER}
    [record] = user_records()
    assert record.username == "beheerder.polderdam"
    assert record.detail["gebruiker"] == "manager.polderdam"
    assert record.detail["rollen_erbij"] == ["Regievoerder"]
    assert record.detail["rollen_eraf"] == ["Manager"]
    assert record.detail["waarom"] == "Vervangt Rana tijdens haar verlof"

    # The privacy officer finds it by the name of whose account changed.
    log = client_for("privacy.polderdam").get(
        reverse("privacy:log"), {"gebruiker": "manager.polderdam"}
    )
    assert "gebruikersbeheer" in log.text
    assert "Vervangt Rana tijdens haar verlof" in log.text
    assert "erbij: Regievoerder" in log.text
    elsewhere = client_for("privacy.rivierstad").get(
        reverse("privacy:log"), {"gebruiker": "manager.polderdam"}
    )
    assert "Vervangt Rana" not in elsewhere.text

    # Taking every role away is no way to end someone's access: deactivate instead.
    empty = client.post(url, {"rollen-reason": "Weg"})
    assert "zet het account dan op non-actief" in empty.text
    assert roles_of(colleague) == {Role.REGIEVOERDER}


def test_beheerder_deactivates_and_reactivates_a_colleague(world: World) -> None:
    colleague = world.who("regievoerder", world.polderdam)
    client = client_for("beheerder.polderdam")
    url = reverse("users:active", args=[colleague.pk])

    assert "Schrijf kort op waarom" in client.post(url, {}).text
    colleague.refresh_from_db()
    assert colleague.is_active

    colleague.email = "rana@example.invalid"
    colleague.save()
    client.post(reverse("users:password_link", args=[colleague.pk]))
    [message] = mail.outbox
    link = re.search(r"/gebruikers/wachtwoord/\S+", message.body).group(0)

    client.post(url, {"actief-reason": "Uit dienst per 1 december"})
    colleague.refresh_from_db()
    assert not colleague.is_active
    assert not Client().login(username="regievoerder.polderdam", password=PASSWORD)
    # A link sent before is no way back in.
    assert "Deze link werkt niet meer" in Client().get(link, follow=True).text

    client.post(url, {"actief-reason": "Terug van detachering"})
    colleague.refresh_from_db()
    assert colleague.is_active
    assert [r.detail["wat"] for r in user_records()] == [
        "link voor een nieuw wachtwoord gestuurd",
        "op non-actief gezet",
        "weer actief gemaakt",
    ]
    assert user_records()[1].detail["waarom"] == "Uit dienst per 1 december"


def test_a_password_link_goes_to_the_user_not_the_beheerder(world: World) -> None:
    colleague = world.who("privacy", world.polderdam)
    colleague.email = "pim@example.invalid"
    colleague.save()
    client = client_for("beheerder.polderdam")
    response = client.post(
        reverse("users:password_link", args=[colleague.pk]), follow=True
    )
    [message] = mail.outbox
    assert message.to == ["pim@example.invalid"]
    link = re.search(r"http\S+/gebruikers/wachtwoord/\S+", message.body).group(0)
    assert link.split("/gebruikers")[1] not in response.text
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD), "the password itself is unchanged"
    assert user_records()[0].detail["gebruiker"] == "privacy.polderdam"


def test_an_invitee_chooses_a_password_through_the_link_and_logs_in(
    world: World,
) -> None:
    client = client_for("beheerder.polderdam")
    key = organisation_key(world.polderdam)
    invite = reverse("users:invite", args=[key])
    form = client.get(invite).text
    assert 'for="id_email"' in form and "Waarom?" in form

    response = client.post(
        invite,
        {
            "first_name": "Nadia",
            "last_name": "Nieuw",
            "email": "Nadia@Polderdam.example",
            "roles": ["regievoerder"],
            "reason": "Nieuwe regievoerder team inburgering",
        },
        follow=True,
    )
    assert "is uitgenodigd" in response.text
    nadia = get_user_model().objects.get(username="nadia@polderdam.example")
    assert not nadia.has_usable_password()
    assert not nadia.is_staff and not nadia.is_superuser
    assert roles_of(nadia, gemeente=world.polderdam) == {Role.REGIEVOERDER}
    [record] = user_records()
    assert record.detail["wat"] == "uitgenodigd"
    assert record.detail["gebruiker"] == "nadia@polderdam.example"
    assert record.detail["waarom"] == "Nieuwe regievoerder team inburgering"

    [message] = mail.outbox
    assert message.to == ["nadia@polderdam.example"]
    link = re.search(r"http\S+/gebruikers/wachtwoord/\S+", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]

    invitee = Client()
    form_page = invitee.get(path, follow=True)
    assert "Wachtwoord kiezen" in form_page.text
    set_url = form_page.redirect_chain[-1][0]
    weak = invitee.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "form-errors" in weak.text
    done = invitee.post(
        set_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Wachtwoord opgeslagen" in done.text
    logged_in = invitee.post(
        reverse("login"),
        {"username": "nadia@polderdam.example", "password": NEW_PASSWORD},
    )
    assert logged_in.status_code == 302
    # The link works once.
    again = Client().get(path, follow=True)
    assert "Deze link werkt niet meer" in again.text


def test_an_invitation_needs_a_new_address_and_a_role_of_this_side(
    world: World,
) -> None:
    client = client_for("beheerder.polderdam")
    world.who("manager", world.polderdam).email = "mila@example.invalid"
    world.who("manager", world.polderdam).save()
    invite = reverse("users:invite", args=[organisation_key(world.polderdam)])
    base = {
        "first_name": "Ali",
        "last_name": "Dubbel",
        "reason": "Nieuwe collega",
    }
    taken = client.post(
        invite, {**base, "email": "MILA@example.invalid", "roles": ["manager"]}
    )
    assert "Er is al een account met dit e-mailadres" in taken.text
    wrong_side = client.post(
        invite, {**base, "email": "ali@example.invalid", "roles": ["begeleider"]}
    )
    assert "Deze rol kunt u hier niet geven." in wrong_side.text
    assert "Ali" in wrong_side.text, "what was typed stays"
    assert not get_user_model().objects.filter(last_name="Dubbel").exists()
    assert mail.outbox == []


def test_an_mb_beheerder_gives_the_mb_organisations_roles_only(world: World) -> None:
    mb: MbOrganisation = world.mb["polderdam"]
    boss = get_user_model().objects.create_user("beheer.mb", password=PASSWORD)
    Membership.objects.create(user=boss, role=Role.BEHEERDER, mb_organisation=mb)
    begeleider = world.who("begeleider", world.polderdam)
    client = client_for("beheer.mb")
    key = organisation_key(mb)
    url = reverse("users:detail", args=[begeleider.pk])

    client.post(
        url,
        {f"rollen-roles_{key}": ["begeleider", "trainer"], "rollen-reason": "PVT"},
    )
    assert roles_of(begeleider, mb_organisation=mb) == {
        Role.BEGELEIDER,
        Role.TRAINER,
    }
    with pytest.raises(UserChangeRefused):
        user_roles_set(
            actor=boss, target=begeleider, roles={mb: [Role.REGIEVOERDER]}, reason="x"
        )
    # The gemeente's people are not theirs.
    regie = world.who("regievoerder", world.polderdam)
    assert client.get(reverse("users:detail", args=[regie.pk])).status_code == 404


def test_the_demo_beheerder_has_no_admin_rights(db) -> None:
    from webui.demo.seed import DEMO_PASSWORD, _users

    _users()
    beheerder = get_user_model().objects.get(username="beheerder")
    assert not beheerder.is_staff and not beheerder.is_superuser
    assert not beheerder.user_permissions.exists()
    client = Client()
    assert client.login(username="beheerder", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 404
    assert client.get(reverse("users:list")).status_code == 200


def test_an_invitation_whose_mail_fails_keeps_nothing_but_what_was_typed(
    world: World, monkeypatch
) -> None:
    def refuse(self, fail_silently=False):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    client = client_for("beheerder.polderdam")
    response = client.post(
        reverse("users:invite", args=[organisation_key(world.polderdam)]),
        {
            "first_name": "Sam",
            "last_name": "Storing",
            "email": "sam@example.invalid",
            "roles": ["manager"],
            "reason": "Nieuwe manager",
        },
    )
    assert "De e-mail kon niet worden verstuurd" in response.text
    assert "Storing" in response.text
    assert not get_user_model().objects.filter(email="sam@example.invalid").exists()
    assert user_records() == []
