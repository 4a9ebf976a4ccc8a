"""Under `make run` (DEBUG on) a refused page is the Dutch 404 page, as in
production, not Django's English debug page listing every URL pattern."""

from django.test import Client

from webui.settings import dev

from ..conftest import PASSWORD, World


def test_a_refused_case_shows_the_dutch_page_in_development(
    world: World, settings
) -> None:
    settings.DEBUG = True
    settings.MIDDLEWARE = dev.MIDDLEWARE
    case = world.start(world.rivierstad)
    client = Client()
    client.login(
        username=world.who("begeleider", world.polderdam).username, password=PASSWORD
    )
    response = client.get(f"/dossiers/{case.reference}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Niet gevonden" in page
    assert "Page not found" not in page
    assert "URLconf" not in page
