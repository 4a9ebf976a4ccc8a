"""A beheerder cannot deploy a variant whose cases can stand still or fail a script on
any path the forms allow; the studio shows which paths the proefrit drove."""

from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

import pytest

from webui.definitions.bundles import check_files, version_files
from webui.definitions.models import Draft, Proefrit
from webui.definitions.proefrit import drive_bundle, report_data
from webui.definitions.services import (
    DeployRefused,
    active_version,
    draft_open,
    draft_save_files,
    draft_set,
    version_deploy,
)

from ..conftest import World
from .test_studio import embedded, studio_url
from .test_views import client_for

DRIVEN = override_settings(WEGWIJS_PROEFRIT=True)

# A gateway whose conditions can all be false: the default branch ("Individueel")
# became a condition with a typo, so the intake's ordinary answer strands the case.
STRANDING = (
    "intake_mb.bpmn",
    'default="flow_vorm_van_begeleiding_to_begeleider_koppelen"',
    "",
    '<bpmn:sequenceFlow id="flow_vorm_van_begeleiding_to_begeleider_koppelen"'
    ' name="Individueel" sourceRef="vorm_van_begeleiding"'
    ' targetRef="begeleider_koppelen" />',
    '<bpmn:sequenceFlow id="flow_vorm_van_begeleiding_to_begeleider_koppelen"'
    ' name="Individueel" sourceRef="vorm_van_begeleiding"'
    ' targetRef="begeleider_koppelen"><bpmn:conditionExpression>'
    'begeleidingsvorm == "individuel"</bpmn:conditionExpression>'
    "</bpmn:sequenceFlow>",
)


def draft_with(world: World, name: str, *replacements: str) -> Draft:
    draft = draft_open(gemeente=world.polderdam, user=None)
    text = draft_set(draft)[name]
    for old, new in zip(replacements[::2], replacements[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    draft_save_files(draft=draft, files={name: text}, user=None)
    return Draft.objects.get(pk=draft.pk)


def first_script(world: World, script: str) -> Draft:
    """The first script of every case (aanmelding) replaced by ``script``."""
    return draft_with(
        world,
        "aanmelding.bpmn",
        "pip_deadline = deadline(pip_start_datum, weeks=10)",
        script.replace("<", "&lt;").replace("'", "&apos;"),
    )


def test_the_base_trajectory_passes_its_proefrit_with_full_coverage(
    world: World,
) -> None:
    base = world.versions["polderdam"].base
    files = version_files(base)
    _findings, bundle = check_files(files, base=None)
    # All of it, however busy the machine (about 30 s on an idle one).
    data = report_data(drive_bundle(bundle, seconds=900), bundle, files)
    assert [f for f in data["findings"] if f["severity"] == "fout"] == []
    assert data["complete"], "the whole base is driven within its time box"
    assert data["covered"] == data["elements"], [
        (name, c["missed"]) for name, c in data["coverage"].items() if c["missed"]
    ]
    # v3: a path with the PVT niet voldaan now waits for the inburgeringstermijn
    # (three years) instead of ending, and the MB evaluation loop reaches the drive's
    # round limit first; fewer paths run to the very end than on v2 (more than 10).
    assert data["ended"] >= 3


@DRIVEN
@override_settings(WEGWIJS_PROEFRIT_SECONDS=900)  # all of it, however busy the machine
def test_a_variant_that_strands_a_case_is_refused_with_the_path(world: World) -> None:
    in_use = active_version(world.polderdam)
    draft_with(world, *STRANDING[:1], *STRANDING[1:])
    client = client_for(world, "beheerder.polderdam")
    refused = client.post(studio_url("deploy"), {"note": "typfout"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "de proefrit vond dossiers die vastlopen" in page
    assert "vorm_van_begeleiding" in page
    assert "geen enkele voorwaarde van deze keuze is waar" in page
    assert "Intakegesprek" in page or "intake_gesprek" in page, "the path is shown"
    assert active_version(world.polderdam) == in_use
    run = Proefrit.objects.get()
    [error] = [f for f in run.report["findings"] if f["severity"] == "fout"]
    assert error["file"] == "intake_mb.bpmn" and error["line"]
    assert error["path"][-1]["answers"].find("begeleidingsvorm = ") >= 0


@DRIVEN
@pytest.mark.parametrize(
    ("script", "words"),
    [
        ("n = 0\nwhile n < 10:\n    n = n - 1", "gestopt"),
        ("s = 'a'\nfor i in range(40):\n    s = s + s", "groter worden dan"),
        ("x = nergens + 1", "‘nergens’ heeft nog geen waarde"),
    ],
    ids=["loop with a condition", "huge string", "read before set"],
)
def test_a_failing_script_is_refused_before_deploy(
    world: World, script: str, words: str
) -> None:
    in_use = active_version(world.polderdam)
    first_script(world, script)
    with pytest.raises(DeployRefused) as caught:
        version_deploy(gemeente=world.polderdam, note="script")
    [error] = [f for f in caught.value.findings if f.is_error]
    assert error.element == "termijnen_berekenen"
    assert error.file == "aanmelding.bpmn"
    assert words in error.message
    assert "Aanmelding" in error.hint, "the path that leads there"
    assert active_version(world.polderdam) == in_use


def test_unbounded_recursion_cannot_even_be_written(world: World) -> None:
    first_script(world, "def f(n):\n    return f(n + 1)\nx = f(1)")
    with pytest.raises(DeployRefused) as caught:
        version_deploy(gemeente=world.polderdam, note="recursie")
    [error] = [f for f in caught.value.findings if f.is_error]
    assert error.element == "termijnen_berekenen"
    assert "een functie (def) is niet toegestaan" in error.message


@DRIVEN
@override_settings(WEGWIJS_PROEFRIT_OPERATIONS=100)  # a short drive is enough here
def test_the_studio_runs_the_proefrit_and_only_then_offers_to_deploy(
    world: World, django_capture_on_commit_callbacks
) -> None:
    first_script(world, "pip_deadline = deadline(pip_start_datum, weeks=12)")
    client = client_for(world, "beheerder.polderdam")
    check = client.get(studio_url("check")).content.decode()
    assert "Proefrit starten" in check
    assert "In gebruik nemen</button>" not in check, "not before the proefrit"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(studio_url("proefrit_start"))
    assert started["Location"] == studio_url("proefrit")
    page = client.get(studio_url("proefrit")).content.decode()
    assert 'id="proefrit-summary"' in page and "Geen fouten" in page
    assert "de tijd was op" in page, "a proefrit cut short says so"
    assert "aanmelding.bpmn" in page
    check = client.get(studio_url("check")).content.decode()
    assert "De proefrit vond geen fouten" in check
    assert "In gebruik nemen</button>" in check
    deployed = client.post(studio_url("deploy"), {"note": "twaalf weken"})
    assert deployed.status_code == 302
    assert active_version(world.polderdam) != world.versions["polderdam"]
    assert Proefrit.objects.count() == 1, "the deploy reused the studio's proefrit"
    # The modeler draws what was driven.
    modeler = client.get(studio_url("modeler", "aanmelding.bpmn")).content.decode()
    assert (
        "termijnen_berekenen"
        in embedded(modeler, "modeler-config")["coverage"]["driven"]
    )
    assert 'id="modeler-coverage"' in modeler


def test_only_the_gemeentes_beheerder_sees_its_proefrit(world: World) -> None:
    world.user("beheerder.rivierstad", world.rivierstad, "beheerder")
    other = client_for(world, "beheerder.rivierstad")
    assert other.get(studio_url("proefrit")).status_code == 404
    assert other.post(studio_url("proefrit_start")).status_code == 404
    assert Client().get(studio_url("proefrit")).status_code == 302


@DRIVEN
def test_validate_workflows_reports_the_proefrit_as_errors(
    world: World, tmp_path, capsys
) -> None:
    draft = first_script(world, "x = nergens + 1")
    (tmp_path / "aanmelding.bpmn").write_text(draft.files["aanmelding.bpmn"])
    with pytest.raises(SystemExit) as exited:
        call_command(
            "validate_workflows",
            str(tmp_path / "aanmelding.bpmn"),
            "--gemeente",
            "polderdam",
        )
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "termijnen_berekenen" in out and "proefrit" in out
    assert reverse("studio:proefrit", args=["polderdam"])
