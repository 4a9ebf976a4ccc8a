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


def _counts(html: str) -> dict[str, dict[str, str]]:
    """The case list's counts: track -> phase -> number, as the page shows them."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    found: dict[str, dict[str, str]] = {}
    for group in tree.xpath('//div[@class="track-counts"]'):
        track = "".join(group.xpath('./span[@class="meta"]/text()')).strip(" :")
        for item in group.xpath(".//li"):
            name = item.xpath("./a/text()")[0]
            found.setdefault(track, {})[name] = item.text_content()[len(name) :].strip()
    return found


def test_the_case_list_counts_each_tracks_phase_once_across_versions(
    world: World,
) -> None:
    """A v3 case and a first-version case in the brede intake count under one
    "Brede intake en PIP" of the gemeente's track; a case in two tracks counts in
    each; ?fase= finds the cases by the phase's key on either version."""
    newest = world.run_until(world.start(), "brede_intake")
    voortraject = world.run_until(world.start(), "huisvesting_inschrijvingen")
    base_register(files=archived_base_v1())
    version_deploy(gemeente=world.polderdam, own_files={})
    first = world.run_until(world.start(), "brede_intake")
    assert first.version_id != newest.version_id
    client = client_for(world, "coordinator.polderdam")

    html = client.get("/dossiers/").content.decode()
    counts = _counts(html)
    assert counts["Gemeente"]["Brede intake en PIP"] == "3"
    assert counts["Begeleiding"]["Voortraject"] == "2"
    assert not any("·" in name for track in counts.values() for name in track)

    found = client.get("/dossiers/", {"fase": "brede_intake_pip"})
    shown = {case.reference for case, _overdue in found.context["rows"]}
    assert shown == {newest.reference, voortraject.reference, first.reference}
    assert "op fase ‘Gemeente: Brede intake en PIP’: 3 dossiers" in (
        found.content.decode()
    )
    # The v3 cases run the voortraject beside the brede intake; v1's does not.
    only = client.get("/dossiers/", {"fase": "voortraject"}).context["rows"]
    assert {case.reference for case, _overdue in only} == {
        newest.reference,
        voortraject.reference,
    }
