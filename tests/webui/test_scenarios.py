"""Scenarios kept with the version: every deploy and every rebase replays them, and
one that fails blocks it with the difference shown; a proefdossier saved as a
scenario runs on the next deploy."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

import pytest

from engine.scenarios import scenario_data, scenario_from_data
from webui.definitions.bundles import version_files
from webui.definitions.models import Draft, Scenario
from webui.definitions.scenarios import scenario_add, scenario_record
from webui.definitions.services import (
    DeployRefused,
    active_version,
    base_register,
    draft_check,
    draft_open,
    draft_rebase,
    draft_save_files,
    draft_set,
    version_deploy,
)

from ..conftest import World
from ..engine.conftest import WORKFLOWS
from .test_views import client_for

SCENARIOS_ON = override_settings(WEGWIJS_SCENARIOS=True)
PLICHTIG = 'inburgeringsplicht_besluit == "plichtig"'
# Ontheffing now goes the way of the plichtigen: into the PVT and the exams.
NOT_EXEMPT = 'inburgeringsplicht_besluit != "vrijstelling"'


def changed(world: World, old: str, new: str) -> Draft:
    draft = draft_open(gemeente=world.polderdam, user=None)
    text = draft_set(draft)["inburgering.bpmn"]
    assert old in text
    draft_save_files(
        draft=draft, files={"inburgering.bpmn": text.replace(old, new)}, user=None
    )
    return Draft.objects.get(pk=draft.pk)


def test_the_base_and_every_version_keep_the_base_scenarios(world: World) -> None:
    version = world.versions["polderdam"]
    names = set(version.base.scenarios.values_list("name", flat=True))
    assert {"Leerroute B1", "Ontheffing: geen PVT", "PVT met inhaalworkshop"} <= names
    assert set(version.scenarios.values_list("name", flat=True)) == names
    draft = draft_open(gemeente=world.polderdam, user=None)
    assert set(draft.scenarios.values_list("name", flat=True)) == names


@SCENARIOS_ON
def test_a_failing_scenario_blocks_the_deploy_and_the_version_stays(
    world: World,
) -> None:
    before = active_version(world.polderdam)
    draft = changed(world, PLICHTIG, NOT_EXEMPT)

    with pytest.raises(DeployRefused) as refused:
        version_deploy(gemeente=world.polderdam, note="ontheffing anders")

    message = refused.value.message
    assert message.startswith(
        "De versie is niet in gebruik genomen: scenario ‘Ontheffing: geen PVT’ faalt:"
        " verwacht: taak ‘PVT-workshop 1 van 4’ komt niet aan de beurt; werkelijk: wel"
    ), message
    assert message.endswith("De vorige versie blijft in gebruik.")
    assert any(
        f.message.startswith("scenario ‘Ontheffing: geen PVT’: verwacht:")
        for f in refused.value.findings
    )
    assert active_version(world.polderdam) == before
    failed = draft.scenarios.get(name="Ontheffing: geen PVT")
    assert failed.passed is False
    assert draft.scenarios.get(name="Leerroute B1").passed is True


@SCENARIOS_ON
def test_a_failing_scenario_blocks_a_rebase_and_the_draft_stays(world: World) -> None:
    base_v1 = world.versions["polderdam"].base
    files = version_files(base_v1)
    files["inburgering.bpmn"] = files["inburgering.bpmn"].replace(PLICHTIG, NOT_EXEMPT)
    with override_settings(WEGWIJS_SCENARIOS=False):
        base_v2, _created = base_register(files=files)
    draft = draft_open(gemeente=world.polderdam, user=None)
    # The gemeente's own scenario, next to the base's: it says ontheffing skips KNM.
    scenario_add(
        draft=draft,
        data={
            "naam": "Ontheffing zonder KNM",
            "antwoorden": {
                "pip_opstellen": {"inburgeringsplicht_besluit": "ontheffing"}
            },
            "verwacht": {"niet_bereikt": ["knm_resultaat"]},
        },
    )

    with pytest.raises(DeployRefused) as refused:
        draft_rebase(draft=draft, base=base_v2, user=None)

    assert refused.value.message.startswith(
        f"Het concept is niet naar basis v{base_v2.number} verplaatst: scenario"
    )
    assert "faalt" in refused.value.message
    assert "komt niet aan de beurt; werkelijk: wel" in refused.value.message
    assert refused.value.message.endswith(f"blijft op basis v{base_v1.number}.")
    assert Draft.objects.get(pk=draft.pk).base == base_v1
    assert draft.scenarios.get(name="Ontheffing zonder KNM").passed is False


@SCENARIOS_ON
def test_a_rebase_on_a_base_the_scenarios_pass_brings_the_new_base_scenarios(
    world: World,
) -> None:
    base_v1 = world.versions["polderdam"].base
    files = version_files(base_v1)
    files["vervolgtraject.bpmn"] = files["vervolgtraject.bpmn"].replace(
        'name="Eindgesprek"', 'name="Eindgesprek voeren"'
    )
    base_v2, _created = base_register(files=files)
    draft = draft_open(gemeente=world.polderdam, user=None)
    draft.scenarios.filter(name="Leerroute Z").delete()

    draft_rebase(draft=draft, base=base_v2, user=None)

    assert Draft.objects.get(pk=draft.pk).base == base_v2
    rows = {s.name: s for s in draft.scenarios.all()}
    assert "Leerroute Z" in rows, "the new base's scenarios come with it"
    assert all(row.passed for row in rows.values() if row.name != "Leerroute Z")


@SCENARIOS_ON
def test_a_proefdossier_saved_as_a_scenario_runs_on_the_next_deploy(
    world: World,
) -> None:
    draft = draft_open(gemeente=world.polderdam, user=None)
    _findings, bundle = draft_check(draft=draft)
    saved = scenario_record(
        draft=draft,
        bundle=bundle,
        name="Vrijstelling",
        proves="Een vrijgestelde doet geen examens",
        start={"datum_binnenkomst": "2026-02-02"},
        answers={"pip_opstellen": {"inburgeringsplicht_besluit": "vrijstelling"}},
    )
    expected = saved.data["verwacht"]
    assert "knm_resultaat" not in expected["pad"]
    assert expected["einde"] is True
    assert {"taak": "pip_vaststellen", "vanaf": "datum_binnenkomst", "dagen": 70} in (
        expected["termijnen"]
    )
    assert saved.passed is True

    # Now vrijstelling goes the way of the plichtigen: the saved scenario says where.
    changed(world, PLICHTIG, 'inburgeringsplicht_besluit != "ontheffing"')
    with pytest.raises(DeployRefused) as refused:
        version_deploy(gemeente=world.polderdam)
    assert "scenario ‘Vrijstelling’ faalt: verwacht pad … " in refused.value.message

    # Back as it was, the deploy passes and the new version keeps the scenario.
    draft = Draft.objects.get(gemeente=world.polderdam)
    draft_save_files(
        draft=draft,
        files={"inburgering.bpmn": version_files(draft.base)["inburgering.bpmn"]},
        user=None,
    )
    draft_save_files(
        draft=draft,
        files={"instellingen.json": json.dumps({"pvt_workshops": 4})},
        user=None,
    )
    version, created = version_deploy(gemeente=world.polderdam)
    assert created
    kept = version.scenarios.get(name="Vrijstelling")
    assert kept.passed is True and kept.origin == Scenario.Origin.OWN
    assert kept.data == saved.data


def test_a_scenario_written_as_json_round_trips(world: World) -> None:
    draft = draft_open(gemeente=world.polderdam, user=None)
    written = {
        "naam": "Z-route met uren",
        "bewijst": "de Z-route telt uren",
        "start": {"datum_binnenkomst": "2026-02-02"},
        "antwoorden": {
            "pip_opstellen": {"leerroute": "z"},
            "pvt_workshop": [{"aanwezig": True}, {"aanwezig": False}],
        },
        "verwacht": {
            "taken": ["z_route_voortgang"],
            "termijnen": [{"taak": "pip_vaststellen", "weken": 10}],
            "einde": True,
        },
    }
    row = scenario_add(draft=draft, data=written)
    assert scenario_from_data(row.data) == scenario_from_data(written)
    assert scenario_data(scenario_from_data(row.data)) == row.data


# ---- the studio pages ----


def scenario_url(name: str, *args: object) -> str:
    return reverse(f"studio:{name}", args=["polderdam", *args])


@SCENARIOS_ON
def test_the_scenarios_page_shows_a_failing_scenario_with_its_difference(
    world: World,
) -> None:
    changed(world, PLICHTIG, NOT_EXEMPT)
    client = client_for(world, "beheerder.polderdam")
    assert client.post(scenario_url("scenarios_run")).status_code == 302

    page = client.get(scenario_url("scenarios")).content.decode()
    assert "Faalt" in page and "Slaagt" in page
    assert (
        "verwacht: taak ‘PVT-workshop 1 van 4’ komt niet aan de beurt; werkelijk: wel"
        in page
    )


@SCENARIOS_ON
def test_a_rebase_refused_by_a_scenario_says_so_in_the_studio(world: World) -> None:
    files = version_files(world.versions["polderdam"].base)
    files["inburgering.bpmn"] = files["inburgering.bpmn"].replace(PLICHTIG, NOT_EXEMPT)
    base_register(files=files)
    client = client_for(world, "beheerder.polderdam")
    draft_open(gemeente=world.polderdam, user=None)

    response = client.post(scenario_url("rebase"), follow=True)

    page = response.content.decode()
    assert "scenario ‘Ontheffing: geen PVT’ faalt" in page
    assert "Het concept blijft op basis v1." in page
    assert Draft.objects.get(gemeente=world.polderdam).base.number == 1


@SCENARIOS_ON
def test_bewaar_als_scenario_on_the_proefrit_page(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    page = client.get(scenario_url("proefrit")).content.decode()
    assert "Bewaar als scenario" in page

    response = client.post(
        scenario_url("scenario_save"),
        {
            "naam": "Z-route",
            "bewijst": "De Z-route volgt de uren",
            "start": "",
            "antwoorden": '{"pip_opstellen": {"leerroute": "z"}}',
        },
    )
    assert response.status_code == 302
    saved = Draft.objects.get(gemeente=world.polderdam).scenarios.get(name="Z-route")
    assert "z_route_voortgang" in saved.data["verwacht"]["pad"]

    refused = client.post(
        scenario_url("scenario_save"),
        {"naam": "Kapot", "bewijst": "niets", "antwoorden": "{nee"},
    )
    assert refused.status_code == 422
    assert "De antwoorden is geen geldige JSON" in refused.content.decode()


def test_a_scenario_file_goes_in_and_comes_out_the_same(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    draft_open(gemeente=world.polderdam, user=None)
    written = (WORKFLOWS / "base/scenarios/pvt_inhaalworkshop.json").read_text()
    data = json.loads(written)
    data["naam"] = "Eigen PVT"
    upload = SimpleUploadedFile("eigen.json", json.dumps(data).encode())

    client.post(scenario_url("scenario_upload"), {"bestand": upload})

    row = Draft.objects.get(gemeente=world.polderdam).scenarios.get(name="Eigen PVT")
    download = client.get(scenario_url("scenario_download", row.pk))
    assert download["Content-Disposition"] == 'attachment; filename="eigen_pvt.json"'
    assert json.loads(download.content) == data


def test_deleting_a_scenario_asks_for_confirmation(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    draft = draft_open(gemeente=world.polderdam, user=None)
    row = draft.scenarios.get(name="Leerroute Z")

    unconfirmed = client.post(scenario_url("scenario_delete", row.pk))
    assert unconfirmed.status_code == 200
    assert "Vink ‘Ik weet het zeker’ aan" in unconfirmed.content.decode()
    assert draft.scenarios.filter(pk=row.pk).exists()

    client.post(scenario_url("scenario_delete", row.pk), {"zeker": "on"})
    assert not draft.scenarios.filter(pk=row.pk).exists()
    # A version keeps its scenarios: it cannot lose one.
    kept = world.versions["polderdam"].scenarios.get(name="Leerroute Z")
    assert client.get(scenario_url("scenario_delete", kept.pk)).status_code == 404
