"""The case list shows each case's number of open tasks."""

from django.test import Client

from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World


def test_each_row_of_the_case_list_shows_its_open_tasks(world: World) -> None:
    busy = world.start(voornaam="Amal")
    quiet = world.start(voornaam="Rami")
    TaskItem.objects.filter(case=quiet, state="open").update(state="cancelled")
    open_here = TaskItem.objects.filter(case=busy, state="open").count()
    assert open_here > 0
    client = Client()
    assert client.login(username="regievoerder.polderdam", password=PASSWORD)

    page = client.get("/dossiers/").content.decode()

    def cell(case) -> str:
        row = page.split(case.reference, 1)[1].split("</tr>", 1)[0]
        return row.split('data-label="Open taken">', 1)[1].split("<", 1)[0]

    assert cell(busy) == str(open_here)
    assert cell(quiet) == "0"
