"""Mijn instellingen: a begeleider says which languages they speak, where and when
they work and how many statushouders they take; everybody chooses the daily e-mail."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webui.accounts.models import UserProfile
from webui.accounts.profiles import profile_of

from ..conftest import PASSWORD, World

URL = reverse("accounts:profile")


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_profile_needs_a_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_a_begeleider_saves_languages_area_and_availability(world: World) -> None:
    user = world.who("begeleider", world.polderdam)
    client = client_for(user.username)
    page = client.get(URL)
    html = page.content.decode()
    assert "Mijn instellingen" in html and "Talen die u spreekt" in html
    assert "Begeleider bij MB Polderdam" in html
    away = timezone.localdate() + timedelta(days=14)

    response = client.post(
        URL,
        {
            "languages": "Arabisch, tigrinya ,Arabisch; Koerdisch (Sorani)",
            "areas": "1234, 35 9999",
            "hours_per_week": "6",
            "days": ["ma", "do"],
            "max_statushouders": "4",
            "away_until": away.isoformat(),
            "daily_digest": "on",
        },
        follow=True,
    )

    assert "Uw instellingen zijn opgeslagen." in response.content.decode()
    profile = profile_of(user=user)
    assert profile.languages == ["Arabisch", "tigrinya", "Koerdisch (Sorani)"]
    assert profile.areas == ["1234", "35", "9999"]
    assert (profile.hours_per_week, profile.max_statushouders) == (6, 4)
    assert profile.days == ["ma", "do"] and profile.away_until == away
    assert profile.daily_digest is True
    assert profile.availability_label == "6 uur per week (maandag, donderdag)"
    # The coordinator sees it in the caseload view.
    caseload = client_for("coordinator.polderdam").get(
        reverse("coordination:begeleiders")
    )
    assert "tigrinya" in caseload.content.decode()
    assert "1234, 35, 9999" in caseload.content.decode()


def test_bad_input_gets_a_dutch_message_and_keeps_what_was_typed(
    world: World,
) -> None:
    user = world.who("begeleider", world.polderdam)
    UserProfile.objects.create(user=user, languages=["Dari"], hours_per_week=3)
    client = client_for(user.username)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client.post(
        URL,
        {
            "languages": "Arabisch, 123",
            "areas": "1234AB",
            "hours_per_week": "veel",
            "max_statushouders": "0",
            "away_until": yesterday.isoformat(),
            "daily_digest": "on",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "‘123’ is geen taal" in html
    assert "‘1234AB’ is geen postcodegebied" in html
    assert "Vul een heel aantal uren in" in html
    assert "Vul een aantal van 1 tot en met 50 in" in html
    assert "Deze datum is al voorbij" in html
    assert 'value="Arabisch, 123"' in html and 'value="1234AB"' in html
    assert 'value="veel"' in html
    profile = profile_of(user=user)
    assert (profile.languages, profile.hours_per_week) == (["Dari"], 3)


def test_someone_who_is_no_begeleider_only_chooses_the_e_mail(world: World) -> None:
    user = world.who("regievoerder", world.polderdam)
    client = client_for(user.username)
    page = client.get(URL).content.decode()
    assert "Talen die u spreekt" not in page
    assert "Stuur mij één keer per dag een e-mail" in page
    assert profile_of(user=user).daily_digest is True  # on unless switched off

    client.post(URL, {"languages": "Frans"})

    profile = profile_of(user=user)
    assert profile.daily_digest is False and profile.languages == []


def test_the_page_says_when_the_e_mail_has_nowhere_to_go(world: World) -> None:
    user = world.who("begeleider", world.polderdam)
    page = client_for(user.username).get(URL).content.decode()
    assert "de dagelijkse e-mail kan nergens heen" in page
    user.email = "bea@example.invalid"
    user.save()
    page = client_for(user.username).get(URL).content.decode()
    assert "bea@example.invalid" in page
