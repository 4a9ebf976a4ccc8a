"""The case list: each row with its open tasks, a page at a time, searchable by
name or kenmerk within what the user may see."""

from django.test import Client

import pytest

from webui.casepages import views
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_each_row_of_the_case_list_shows_its_open_tasks(world: World) -> None:
    busy = world.start(voornaam="Amal")
    quiet = world.start(voornaam="Rami")
    TaskItem.objects.filter(case=quiet, state="open").update(state="cancelled")
    open_here = TaskItem.objects.filter(case=busy, state="open").count()
    assert open_here > 0

    page = client_for("regievoerder.polderdam").get("/dossiers/").content.decode()

    def cell(case) -> str:
        row = page.split(case.reference, 1)[1].split("</tr>", 1)[0]
        return row.split('data-label="Open taken">', 1)[1].split("<", 1)[0]

    assert cell(busy) == str(open_here)
    assert cell(quiet) == "0"


def test_the_case_list_comes_a_page_at_a_time(world: World, monkeypatch) -> None:
    monkeypatch.setattr(views, "CASE_PAGE", 2)
    cases = [world.start(voornaam=name) for name in ("Amal", "Bilal", "Cyrus")]
    client = client_for("regievoerder.polderdam")

    first = client.get("/dossiers/")
    html = first.content.decode()
    assert [case for case, _ in first.context["rows"]] == [cases[2], cases[1]]
    assert "Dossier 1–2 van 3" in html and "Pagina 1 van 2" in html
    assert cases[0].reference not in html

    second = client.get("/dossiers/", {"pagina": "2"})
    assert [case for case, _ in second.context["rows"]] == [cases[0]]
    assert "‹ Vorige pagina" in second.content.decode()
    # A page past the end shows the last one, a word the first.
    assert client.get("/dossiers/", {"pagina": "9"}).context["rows"][0][0] == cases[0]
    assert client.get("/dossiers/", {"pagina": "x"}).context["rows"][0][0] == cases[2]


@pytest.mark.parametrize("by", ["name", "reference"])
def test_the_case_list_finds_a_case_by_name_or_kenmerk(world: World, by: str) -> None:
    amal = world.start(voornaam="Amal", achternaam="Haddad")
    world.start(voornaam="Rami", achternaam="Saleh")
    other = world.start(world.rivierstad, voornaam="Amal", achternaam="Haddad")
    client = client_for("regievoerder.polderdam")
    query = "hADDa" if by == "name" else amal.reference[-6:]

    response = client.get("/dossiers/", {"zoek": query})
    assert [case for case, _ in response.context["rows"]] == [amal]
    html = response.content.decode()
    assert "Gefilterd op ‘" in html and ": 1 dossier." in html
    assert other.reference not in html, "another gemeente's case is never found"

    none = client.get("/dossiers/", {"zoek": "Zzyzx"}).content.decode()
    assert "Geen dossiers die hieraan voldoen." in none
