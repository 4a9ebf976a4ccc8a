"""A case's phases per track, in words: the begeleiding and the gemeente's regie run
side by side, on every version."""

import re

from webui.definitions.services import base_register, version_deploy
from webui.demo.seed import archived_base_v1

from ..conftest import World
from .test_views import client_for


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(dd|p)>', html, re.S)
    assert found, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_the_case_page_names_each_tracks_current_phase(world: World) -> None:
    case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    client = client_for(world, "coordinator.polderdam")

    html = client.get(f"/dossiers/{case.reference}/").content.decode()
    assert text_of(html, "case-phase") == (
        "Begeleiding: Voortraject Gemeente: Brede intake en PIP en Financieel ontzorgen"
    )
    assert text_of(html, "steps-title") == (
        "Voortgang per spoor (ze lopen naast elkaar): begeleiding 1 van 5 fasen"
        " afgerond, nu Voortraject; gemeente 0 van 5 fasen afgerond, nu Brede"
        " intake en PIP en Financieel ontzorgen."
    )
    listing = client.get("/dossiers/").content.decode()
    row = re.search(rf"{case.reference}.*?</tr>", listing, re.S)
    assert row
    assert "Begeleiding:</span> Voortraject<br>" in row.group(0)
    assert "Gemeente:</span> Brede intake en PIP en Financieel ontzorgen" in (
        row.group(0)
    )


def test_a_first_version_case_reads_per_track_the_same_way(world: World) -> None:
    base_register(files=archived_base_v1())
    version_deploy(gemeente=world.polderdam, own_files={})
    case = world.run_until(world.start(), "brede_intake")
    client = client_for(world, "regievoerder.polderdam")

    html = client.get(f"/dossiers/{case.reference}/").content.decode()
    assert "Gemeente: Brede intake en PIP" in text_of(html, "case-phase")
    assert "gemeente 0 van 1 fasen afgerond" in text_of(html, "steps-title")
