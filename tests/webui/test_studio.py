"""The process pages: which diagrams a gemeente runs, and one of them in the viewer."""

import io
import json
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from webui.cases.models import Case, CaseMigration, MigrationRun
from webui.definitions.bundles import version_files
from webui.definitions.models import Draft
from webui.definitions.services import active_version, draft_open, version_deploy

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
        # Its five PVT workshops are a setting (instellingen.json), not a diagram.
        ("rivierstad", {"voortraject.bpmn"}),
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
    response = client.get(diagram_url("rivierstad", "voortraject.bpmn"))
    html = response.content.decode()
    xml = version_files(world.versions["rivierstad"])["voortraject.bpmn"]
    assert embedded(html, "diagram-xml") == xml
    assert embedded(html, "diagram-markers") == []
    assert "taalmaatje_koppelen" in xml, "Rivierstad's own voortraject"
    assert "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "nothing from a CDN"


def test_a_dossier_of_another_gemeente_is_not_found(world: World) -> None:
    case = world.start(world.rivierstad)
    world.user("coordinator.polderdam", world.rivierstad, "coordinator")
    both = client_for(world, "coordinator.polderdam")
    only_polderdam = client_for(world, "regievoerder.polderdam")
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

    # Before the intake no begeleider is coupled: the coördinator follows the case.
    client = client_for(world, "coordinator.polderdam")
    own = client.get(diagram_url("polderdam", "voortraject.bpmn", case.reference))
    html = own.content.decode()
    assert embedded(html, "diagram-xml") == old_xml
    # The open tasks this file holds (the gemeente's track runs alongside, in other
    # files); nothing of this phase is done yet.
    assert embedded(html, "diagram-markers") == {
        "financien_regelen": "wegwijs-open",
        "huisvesting_inschrijvingen": "wegwijs-open",
    }
    assert 'id="huisvesting_inschrijvingen"' in old_xml
    assert 'id="financien_regelen"' in old_xml
    assert own.context["diagram"].process_name == "Voortraject"
    assert "Huisvesting en inschrijvingen regelen" in html

    active = client.get(diagram_url("polderdam", "voortraject.bpmn"))
    assert embedded(active.content.decode(), "diagram-xml") == new_xml
    diagram = active.context["diagram"]
    assert diagram.process_name == "Voortraject (nieuw)"
    assert diagram.is_maatwerk, "it no longer equals the base file"


def test_case_page_links_to_the_diagram_of_its_current_phase(world: World) -> None:
    case = world.run_until(world.start(world.rivierstad), "huisvesting_inschrijvingen")
    client = client_for(world, "coordinator.rivierstad")
    page = client.get(reverse("cases:detail", args=[case.reference]))
    assert page.context["view"].phase_file == "voortraject.bpmn"
    link = diagram_url("rivierstad", "voortraject.bpmn", case.reference)
    assert f'href="{link}">Bekijk het proces</a>' in page.content.decode()

    for change in ({"phase": "bestaat_niet"}, {"is_closed": True}):
        Case.objects.filter(pk=case.pk).update(**change)
        page = client.get(reverse("cases:detail", args=[case.reference]))
        assert page.context["view"].phase_file is None
        assert "Bekijk het proces" not in page.content.decode()


# ---- the studio (beheerder) ----------------------------------------------------------


def studio_url(name: str, *args) -> str:
    return reverse(f"studio:{name}", args=["polderdam", *args])


def test_only_the_gemeentes_beheerder_reaches_the_studio(world: World) -> None:
    world.user("beheerder.rivierstad", world.rivierstad, "beheerder")
    scenario = draft_open(gemeente=world.polderdam, user=None).scenarios.first()
    for username in (
        "begeleider.polderdam",
        "regievoerder.polderdam",
        "manager.polderdam",
        "beheerder.rivierstad",
    ):
        client = client_for(world, username)
        for url in (
            studio_url("home"),
            studio_url("check"),
            studio_url("modeler", "voortraject.bpmn"),
            studio_url("migration"),
            studio_url("proefrit"),
            studio_url("scenarios"),
            studio_url("version_scenarios", 1),
            studio_url("scenario_download", scenario.pk),
            studio_url("scenario_delete", scenario.pk),
        ):
            assert client.get(url).status_code == 404, (username, url)
        assert client.post(studio_url("proefrit_start")).status_code == 404
        for name in ("scenarios_run", "scenario_save", "scenario_upload"):
            assert client.post(studio_url(name)).status_code == 404, (username, name)
        assert (
            client.post(studio_url("scenario_delete", scenario.pk)).status_code == 404
        )
    beheerder = client_for(world, "beheerder.polderdam")
    page = beheerder.get(reverse("studio:list")).content.decode()
    assert f'href="{studio_url("home")}"' in page
    assert beheerder.get(studio_url("home")).status_code == 200


def test_the_studio_lists_the_drafts_files_with_their_origin(world: World) -> None:
    client = client_for(world, "beheerder.rivierstad")
    world.user("beheerder.rivierstad", world.rivierstad, "beheerder")
    response = client.get(reverse("studio:home", args=["rivierstad"]))
    files = {f.name: f for f in response.context["overview"].files}
    assert files["voortraject.bpmn"].origin_label == "eigen"
    assert files["aanmelding.bpmn"].origin == "basis"
    assert files["formulieren/pvt_workshop.json"].kind == "formulier"


def test_saving_in_the_modeler_puts_the_diagram_in_the_draft_with_its_findings(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    page = client.get(studio_url("modeler", "voortraject.bpmn"))
    xml = embedded(page.content.decode(), "diagram-xml")
    broken = xml.replace('value="financien_regelen"', 'value="bestaat_niet"')
    response = client.post(
        studio_url("modeler", "voortraject.bpmn"),
        {"xml": broken.replace("\n", "\r\n"), "lock": page.context["lock"]},
        follow=True,
    )
    config = embedded(response.content.decode(), "modeler-config")
    assert [f["element"] for f in config["findings"]] == ["financien_regelen"]
    assert "bestaat_niet" in config["findings"][0]["message"]
    draft = Draft.objects.get(gemeente=world.polderdam)
    assert draft.files["voortraject.bpmn"] == broken, "CRLF from the browser is undone"
    # The deploy refuses it with the finding; the version in use stays.
    refused = client.post(studio_url("deploy"), {"note": "test"})
    assert refused.status_code == 422
    assert "financien_regelen" in refused.content.decode()
    assert active_version(world.polderdam) == world.versions["polderdam"]


def test_a_stale_modeler_save_is_refused_and_nothing_is_lost(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    page = client.get(studio_url("modeler", "voortraject.bpmn"))
    xml = embedded(page.content.decode(), "diagram-xml")
    lock = page.context["lock"]
    client.post(
        studio_url("modeler", "voortraject.bpmn"),
        {"xml": xml.replace("Voortraject", "Eerste"), "lock": lock},
    )
    second = client.post(
        studio_url("modeler", "voortraject.bpmn"),
        {"xml": xml.replace("Voortraject", "Tweede"), "lock": lock},
        follow=True,
    )
    assert "door iemand anders opgeslagen" in second.content.decode()
    draft = Draft.objects.get(gemeente=world.polderdam)
    assert "Eerste" in draft.files["voortraject.bpmn"]
    # What was typed is still on the page to copy.
    assert "Tweede" in embedded(second.content.decode(), "diagram-xml")


def test_the_form_editor_keeps_what_was_typed_and_previews_the_form(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    url = studio_url("form_editor", "contactmoment")
    response = client.post(url, {"definition": '{"key": "contactmoment",'})
    assert "geen geldige JSON" in response.content.decode()
    assert response.context["text"] == '{"key": "contactmoment",'
    assert "{&quot;key&quot;: &quot;contactmoment&quot;," in response.content.decode()
    draft = Draft.objects.get(gemeente=world.polderdam)
    assert draft.files["formulieren/contactmoment.json"] == '{"key": "contactmoment",'
    good = json.dumps(
        {
            "key": "contactmoment",
            "title": "Contact",
            "steps": [
                {
                    "title": "Contact",
                    "fields": [
                        {
                            "name": "tolk",
                            "type": "yesno",
                            "label": "Met tolk?",
                            "privacy": "normaal",
                        }
                    ],
                }
            ],
        }
    )
    preview = client.post(
        studio_url("form_preview", "contactmoment"), {"definition": good}
    )
    assert preview.status_code == 200
    assert "Met tolk?" in preview.content.decode()
    bad = client.post(studio_url("form_preview", "contactmoment"), {"definition": "{}"})
    assert bad.status_code == 400
    assert "Het voorbeeld kan niet worden getoond" in bad.content.decode()


def test_the_form_editor_shows_a_forms_plausibility_rules_in_words(
    world: World,
) -> None:
    """The rules are data in the definition; the editor's preview (and the page
    without JavaScript) lists each in words with the message it shows."""
    client = client_for(world, "beheerder.polderdam")
    key = "ontzorgen_evaluatie"
    text = version_files(world.versions["polderdam"])[f"formulieren/{key}.json"]
    preview = client.post(studio_url("form_preview", key), {"definition": text})
    html = preview.content.decode()
    assert "Controles op de antwoorden" in html
    assert "is ten minste 1, als het antwoord op" in html
    assert "verleng het ontzorgen met ten minste 1 maand" in html
    page = client.get(studio_url("form_editor", key)).content.decode()
    assert "Controles op de antwoorden" in page.split("<noscript>", 1)[1]
    # A broken rule is a finding with its place, in Dutch.
    broken = text.replace('"must_be": ">="', '"must_be": "=~"')
    refused = client.post(studio_url("form_preview", key), {"definition": broken})
    assert refused.status_code == 400
    assert "geen geldige vergelijking" in refused.content.decode()


def test_a_new_diagram_and_form_start_from_templates(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    response = client.post(studio_url("new_diagram"), {"naam": "Taalcafé plannen"})
    assert response["Location"] == studio_url("modeler", "taalcafe_plannen.bpmn")
    response = client.post(
        studio_url("new_form"), {"sleutel": "taalcafe", "titel": "Taalcafé"}
    )
    assert response["Location"] == studio_url("form_editor", "taalcafe")
    draft = Draft.objects.get(gemeente=world.polderdam)
    assert {"taalcafe_plannen.bpmn", "formulieren/taalcafe.json"} <= set(draft.files)
    check = client.get(studio_url("check"))
    messages = [f.message for f in check.context["findings"]]
    assert any("‘Eerste taak’ heeft geen formulier" in m for m in messages)


def test_upload_a_zip_then_download_it_again(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    zipped = client.get(studio_url("download"))
    assert zipped["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        names = set(archive.namelist())
        xml = archive.read("voortraject.bpmn").decode()
    assert {"traject.bpmn", "formulieren/aanmelding.json"} <= names
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as archive:
        archive.writestr(
            "voortraject.bpmn", xml.replace('name="Voortraject"', 'name="Start"')
        )
        archive.writestr("../../etc/passwd", "x")
    upload = SimpleUploadedFile("set.zip", changed.getvalue())
    response = client.post(studio_url("upload"), {"bestand": upload}, follow=True)
    assert "geen toegestane bestandsnaam" in response.content.decode()
    assert not Draft.objects.get(gemeente=world.polderdam).files
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as archive:
        archive.writestr(
            "voortraject.bpmn", xml.replace('name="Voortraject"', 'name="Start"')
        )
    upload = SimpleUploadedFile("set.zip", good.getvalue())
    response = client.post(studio_url("upload"), {"bestand": upload}, follow=True)
    assert response.context["ok"] is True
    diff = client.get(studio_url("diff"))
    words = [c.text for d in diff.context["diff"].against_active for c in d.changes]
    assert any("heet nu ‘Start’ (was ‘Voortraject’)" in w for w in words)
    deployed = client.post(studio_url("deploy"), {"note": "Nieuwe naam"}, follow=True)
    assert "v2 is in gebruik" in deployed.content.decode()
    version = client.get(studio_url("version_download", 2))
    with zipfile.ZipFile(io.BytesIO(version.content)) as archive:
        assert 'name="Start"' in archive.read("voortraject.bpmn").decode()
    # Rollback asks first, naming what happens: nothing changes without the tick.
    confirm = client.get(studio_url("activate", 1)).content.decode()
    assert "starten dan op v1 in plaats van op v2" in confirm
    assert "lopende dossiers blijven op hun eigen versie" in confirm
    unsure = client.post(studio_url("activate", 1))
    assert "Vink ‘Ik weet het zeker’ aan" in unsure.content.decode()
    assert active_version(world.polderdam).number == 2
    rollback = client.post(studio_url("activate", 1), {"zeker": "on"}, follow=True)
    assert "v1 is weer in gebruik" in rollback.content.decode()
    assert active_version(world.polderdam).number == 1


def test_the_migration_page_previews_and_starts_a_run(
    world: World, django_capture_on_commit_callbacks
) -> None:
    case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    version_deploy(
        gemeente=world.polderdam,
        own_files={
            "voortraject.bpmn": version_files(world.versions["polderdam"])[
                "voortraject.bpmn"
            ].replace('name="Voortraject"', 'name="Start"')
        },
    )
    client = client_for(world, "beheerder.polderdam")
    preview = client.get(studio_url("migration"), {"doel": 2})
    [row] = preview.context["previews"]
    assert row.case == case and row.ok
    assert "De 1 aangevinkte dossier gaan naar v2" in preview.content.decode()
    # Without "Ik weet het zeker" nothing starts, and the choice is kept.
    unsure = client.post(
        studio_url("migration") + "?doel=2",
        {"doel": 2, "dossier": [case.reference], "migreren": "1"},
    )
    assert "Vink ‘Ik weet het zeker’ aan" in unsure.content.decode()
    assert f'value="{case.reference}" id="move-{case.reference}" checked' in (
        unsure.content.decode()
    )
    assert not MigrationRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            studio_url("migration") + "?doel=2",
            {"doel": 2, "dossier": [case.reference], "migreren": "1", "zeker": "on"},
        )
    run_page = client.get(started["Location"])
    assert run_page.context["run"].moved == 1
    assert "1 meegegaan" in run_page.content.decode()
    migration = CaseMigration.objects.get(case=case)
    revert = reverse("studio:migration_revert", args=["polderdam", migration.pk])
    assert revert in run_page.content.decode()
    assert "Terugdraaien" in run_page.content.decode()
    # Once the case has moved on, a revert would fail: the button is not offered.
    world.complete(case, "huisvesting_inschrijvingen")
    later = client.get(started["Location"]).content.decode()
    assert "Terugdraaien" not in later and revert not in later
    assert "niet terug te draaien: het dossier is na de migratie al verder" in later


def test_the_migration_phase_filter_lists_each_tracks_phase_once_and_filters_by_it(
    world: World,
) -> None:
    """Cases in the Voortraject on two versions: the filter offers each track's
    phase once in words (no joined label of both tracks), finds the cases by it,
    and the preview names each case's phase per track."""
    first = world.run_until(world.start(), "huisvesting_inschrijvingen")
    later = world.run_until(world.start(), "intake_gesprek")
    # The next version calls the voortraject "Eerste hulp": still one phase.
    version_deploy(
        gemeente=world.polderdam,
        own_files={
            "voortraject.bpmn": version_files(world.versions["polderdam"])[
                "voortraject.bpmn"
            ].replace('name="Voortraject"', 'name="Eerste hulp"')
        },
    )
    second = world.run_until(world.start(), "huisvesting_inschrijvingen")
    assert second.version_id != first.version_id
    client = client_for(world, "beheerder.polderdam")
    page = client.get(studio_url("migration"))
    labels = [text for _value, text in page.context["form"].fields["fase"].choices]
    assert labels.count("Begeleiding: Eerste hulp") == 1, labels
    assert "Begeleiding: Voortraject" not in labels
    assert "Gemeente: Brede intake en PIP" in labels
    assert not any(" · " in label for label in labels), labels
    chosen = client.get(studio_url("migration"), {"doel": 1, "fase": "voortraject"})
    shown = {p.case.reference for p in chosen.context["previews"]}
    assert shown == {first.reference, second.reference}
    assert later.reference not in shown
    html = chosen.content.decode()
    row = html.split(f'data-reference="{first.reference}"', 1)[1].split("</tr>")[0]
    assert "Begeleiding:</span> Voortraject<br>" in row, "its own version's words"
    assert "Gemeente:</span> Brede intake en PIP" in row


def test_the_process_list_shows_files_only_to_the_beheerder(world: World) -> None:
    """A begeleider needs the process, not the file it is kept in nor its origin."""
    url = reverse("studio:list")
    begeleider = client_for(world, "begeleider.polderdam").get(url).content.decode()
    assert "Traject maatschappelijke begeleiding" in begeleider
    assert 'data-label="Bestand"' not in begeleider
    assert ">traject.bpmn<" not in begeleider and "Herkomst" not in begeleider
    beheerder = client_for(world, "beheerder.polderdam").get(url).content.decode()
    assert ">traject.bpmn<" in beheerder and "Herkomst" in beheerder
