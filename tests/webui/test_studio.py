"""The process pages: which diagrams a gemeente runs, and one of them in the viewer."""

import json
import re

from django.test import Client
from django.urls import reverse

from webui.cases.models import Case
from webui.definitions.bundles import version_files
from webui.definitions.services import version_deploy

from ..conftest import World
from .test_views import client_for


def diagram_url(gemeente: str, file_name: str, dossier: str = "") -> str:
    url = reverse("studio:diagram", args=[gemeente, file_name])
    return f"{url}?dossier={dossier}" if dossier else url


def embedded(html: str, element_id: str) -> object:
    """The value a page embeds with json_script under ``element_id``."""
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert found, f"no json_script {element_id!r} in the page"
    return json.loads(found.group(1))


def test_process_pages_need_login(client: Client) -> None:
    for url in (reverse("studio:list"), diagram_url("polderdam", "traject.bpmn")):
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_process_list_marks_rivierstads_own_files_as_maatwerk(world: World) -> None:
    world.user("manager.polderdam", world.rivierstad, "manager")
    client = client_for(world, "manager.polderdam")
    response = client.get(reverse("studio:list"))
    assert response.status_code == 200
    sets = {s.gemeente.slug: s for s in response.context["sets"]}
    assert sets.keys() == {"polderdam", "rivierstad"}
    for slug, expected in (
        ("polderdam", set()),
        ("rivierstad", {"voortraject.bpmn", "uitvoering.bpmn"}),
    ):
        process_set = sets[slug]
        assert process_set.version == world.versions[slug]
        assert {f.name for f in process_set.files} == {
            n for n in process_set.version.files if n.endswith(".bpmn")
        }
        assert {f.name for f in process_set.files if f.is_maatwerk} == expected
    # The trajectory's order: the main process first, then the phases as they run.
    assert [f.process_name for f in sets["polderdam"].files][:3] == [
        "Traject maatschappelijke begeleiding",
        "Aanmelding en koppeling",
        "Voortraject",
    ]
    html = response.content.decode()
    assert f"v{world.versions['rivierstad'].number}" in html
    assert f'href="{diagram_url("rivierstad", "voortraject.bpmn")}"' in html


def test_process_list_shows_only_the_users_gemeenten(world: World) -> None:
    client = client_for(world, "begeleider.polderdam")
    sets = client.get(reverse("studio:list")).context["sets"]
    assert [s.gemeente.slug for s in sets] == ["polderdam"]


def test_a_file_of_another_gemeente_or_an_unknown_file_is_not_found(
    world: World,
) -> None:
    client = client_for(world, "begeleider.polderdam")
    response = client.get(diagram_url("polderdam", "voortraject.bpmn"))
    assert response.status_code == 200
    assert response.context["diagram"].process_name == "Voortraject"
    assert client.get(diagram_url("rivierstad", "voortraject.bpmn")).status_code == 404
    assert client.get(diagram_url("polderdam", "bestaat_niet.bpmn")).status_code == 404
    assert client.get(diagram_url("nergens", "traject.bpmn")).status_code == 404


def test_the_viewer_embeds_the_active_xml_and_loads_only_local_assets(
    world: World,
) -> None:
    client = client_for(world, "begeleider.rivierstad")
    response = client.get(diagram_url("rivierstad", "uitvoering.bpmn"))
    html = response.content.decode()
    xml = version_files(world.versions["rivierstad"])["uitvoering.bpmn"]
    assert embedded(html, "diagram-xml") == xml
    assert embedded(html, "diagram-markers") == []
    assert "pvt_workshop_5" in xml
    assert "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "nothing from a CDN"


def test_a_dossier_of_another_gemeente_is_not_found(world: World) -> None:
    case = world.start(world.rivierstad)
    world.user("begeleider.polderdam", world.rivierstad, "begeleider")
    both = client_for(world, "begeleider.polderdam")
    only_polderdam = client_for(world, "coordinator.polderdam")
    url = diagram_url("polderdam", "aanmelding.bpmn", case.reference)
    assert only_polderdam.get(url).status_code == 404
    # A user of both gemeenten sees the case, but not under the other gemeente.
    assert both.get(url).status_code == 404
    ok = both.get(diagram_url("rivierstad", "aanmelding.bpmn", case.reference))
    assert ok.status_code == 200
    assert (
        only_polderdam.get(
            diagram_url("polderdam", "aanmelding.bpmn", "BESTAAT-NIET")
        ).status_code
        == 404
    )


def test_a_dossier_is_shown_on_its_own_version_with_its_open_tasks_marked(
    world: World,
) -> None:
    case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    old_xml = version_files(case.version)["voortraject.bpmn"]
    new_xml = old_xml.replace(
        '<bpmn:process id="voortraject" name="Voortraject"',
        '<bpmn:process id="voortraject" name="Voortraject (nieuw)"',
    )
    newer, _created = version_deploy(
        gemeente=world.polderdam, own_files={"voortraject.bpmn": new_xml}
    )
    assert newer.is_active and newer != case.version

    client = client_for(world, "begeleider.polderdam")
    own = client.get(diagram_url("polderdam", "voortraject.bpmn", case.reference))
    html = own.content.decode()
    assert embedded(html, "diagram-xml") == old_xml
    assert embedded(html, "diagram-markers") == [
        "financien_regelen",
        "huisvesting_inschrijvingen",
    ]
    assert own.context["diagram"].process_name == "Voortraject"
    assert "Huisvesting en inschrijvingen regelen" in html

    active = client.get(diagram_url("polderdam", "voortraject.bpmn"))
    assert embedded(active.content.decode(), "diagram-xml") == new_xml
    diagram = active.context["diagram"]
    assert diagram.process_name == "Voortraject (nieuw)"
    assert diagram.is_maatwerk, "it no longer equals the base file"


def test_case_page_links_to_the_diagram_of_its_current_phase(world: World) -> None:
    case = world.run_until(world.start(world.rivierstad), "huisvesting_inschrijvingen")
    client = client_for(world, "begeleider.rivierstad")
    page = client.get(reverse("cases:detail", args=[case.reference]))
    assert page.context["view"].phase_file == "voortraject.bpmn"
    link = diagram_url("rivierstad", "voortraject.bpmn", case.reference)
    assert f'href="{link}">Bekijk het proces</a>' in page.content.decode()

    for change in ({"phase": "bestaat_niet"}, {"is_closed": True}):
        Case.objects.filter(pk=case.pk).update(**change)
        page = client.get(reverse("cases:detail", args=[case.reference]))
        assert page.context["view"].phase_file is None
        assert "Bekijk het proces" not in page.content.decode()
