"""A gemeente's versions: diagrams and forms together, immutable; a case keeps its own
version (and its answers their form); milestones, not task names, feed the record."""

import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

from django.core.management import call_command

import pytest

from webui.access import case_access
from webui.cases.models import Case
from webui.casework.selectors import case_form, case_view
from webui.definitions.bundles import bundle_of, version_files
from webui.definitions.models import DefinitionVersion
from webui.definitions.services import (
    DeployRefused,
    active_version,
    base_register,
    draft_open,
    draft_save_files,
    version_activate,
    version_deploy,
    versions_follow_base,
)
from webui.reports.selectors import dossier_rows

from ..conftest import World


def base_text(world: World, name: str) -> str:
    return version_files(world.versions["polderdam"].base)[name]


def with_extra_field(form_text: str, field: dict) -> str:
    form = json.loads(form_text)
    form["steps"][-1]["fields"].append(field)
    return json.dumps(form, indent=2, ensure_ascii=False)


NEW_FIELD = {
    "name": "tolk_nodig",
    "type": "yesno",
    "label": "Was er een tolk nodig?",
    "required": True,
    "privacy": "normaal",
}


def test_a_form_change_in_v2_leaves_v1_cases_their_form_and_old_answers(
    world: World,
) -> None:
    v1_case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    world.complete(v1_case, "huisvesting_inschrijvingen")
    name = "formulieren/huisvesting_inschrijvingen.json"
    v2, created = version_deploy(
        gemeente=world.polderdam,
        own_files={name: with_extra_field(base_text(world, name), NEW_FIELD)},
        note="Tolk erbij",
    )
    assert created and v2.number == 2 and v2.own_files == [name]
    v1_case.refresh_from_db()
    assert v1_case.version == world.versions["polderdam"]
    open_form = case_form(case=v1_case, form_key="financien_regelen")
    assert "tolk_nodig" not in {f.name for f in open_form.fields}
    # The old answers render with the form they were given on (to the coördinator:
    # no begeleider is coupled yet, and access follows the present assignment).
    coordinator = world.who("coordinator", world.polderdam)
    view = case_view(
        case=v1_case,
        access=case_access(user=coordinator, case=v1_case),
        today=date(2026, 2, 1),
    )
    huisvesting = next(
        e for e in view.history if e.submission.form_key == "huisvesting_inschrijvingen"
    )
    assert "Was er een tolk nodig?" not in [label for label, _value in huisvesting.rows]
    # A new case gets the new field, and the v1 case still finishes on v1.
    v2_case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    assert v2_case.version == v2
    v2_form = case_form(case=v2_case, form_key="huisvesting_inschrijvingen")
    assert "tolk_nodig" in {f.name for f in v2_form.fields}
    v1_case = world.run_to_end(v1_case)
    assert v1_case.is_closed and v1_case.version.number == 1
    financien = v1_case.submissions.get(bpmn_id="financien_regelen")
    assert "tolk_nodig" not in financien.data, "answered on the v1 form"


def renamed_pip_variant(world: World) -> dict[str, str]:
    """PIP vaststellen renamed (and given a new id, form and field) and moved to a
    lane of its own, the coördinator's."""
    xml = base_text(world, "brede_intake_pip.bpmn")
    xml = xml.replace("pip_vaststellen", "beschikking_pip").replace(
        'name="PIP vaststellen"', 'name="Beschikking PIP opmaken"'
    )
    moved = "<bpmn:flowNodeRef>beschikking_pip</bpmn:flowNodeRef>"
    assert xml.count(moved) == 1
    xml = xml.replace(moved, "")
    xml = xml.replace(
        "</bpmn:lane>",
        "</bpmn:lane>"
        f'<bpmn:lane id="lane_coordinator" name="coordinator">{moved}</bpmn:lane>',
    )
    xml = xml.replace(
        '<bpmndi:BPMNShape id="lane_regievoerder_di"',
        '<bpmndi:BPMNShape id="lane_coordinator_di" bpmnElement="lane_coordinator"'
        ' isHorizontal="true"><dc:Bounds x="190" y="580" width="1670" height="120" />'
        "</bpmndi:BPMNShape>"
        '<bpmndi:BPMNShape id="lane_regievoerder_di"',
    )
    xml = xml.replace('value="beschikking_pip"', 'value="pip_beschikking"')
    form = json.loads(base_text(world, "formulieren/pip_vaststellen.json"))
    form["key"] = "pip_beschikking"
    for field in form["steps"][0]["fields"]:
        if field["name"] == "beschikking_datum":
            field["name"] = "datum_beschikking"
    # The bezwaar against the PIP runs from the beschikking's date: the renamed field.
    traject = base_text(world, "traject.bpmn")
    assert "besluit_datum = beschikking_datum" in traject
    traject = traject.replace(
        "besluit_datum = beschikking_datum", "besluit_datum = datum_beschikking"
    )
    return {
        "brede_intake_pip.bpmn": xml,
        "traject.bpmn": traject,
        "formulieren/pip_beschikking.json": json.dumps(form, ensure_ascii=False),
    }


def test_a_variant_that_renames_and_moves_the_pip_task_keeps_the_pip_columns(
    world: World,
) -> None:
    version, _created = version_deploy(
        gemeente=world.polderdam, own_files=renamed_pip_variant(world)
    )
    roles = {t["id"]: t["role"] for t in version.derived["tasks"]}
    assert roles["beschikking_pip"] == "coordinator"
    case = world.run_until(world.start(), "beschikking_pip")
    item = case.tasks.get(state="open", bpmn_id="beschikking_pip")
    assert (item.name, item.role) == ("Beschikking PIP opmaken", "coordinator")
    case = world.complete(case, "beschikking_pip", datum_beschikking=date(2026, 3, 2))
    assert case.pip_deadline == date(2026, 3, 16)
    assert case.pip_opgesteld_op is not None
    assert case.pip_vastgesteld_op == date(2026, 3, 2)
    [row] = [
        r
        for r in dossier_rows(
            cases=Case.objects.filter(gemeente=world.polderdam), today=date(2026, 4, 1)
        )
        if r.reference == case.reference
    ]
    assert (row.pip_deadline, row.pip_vastgesteld) == (
        date(2026, 3, 16),
        date(2026, 3, 2),
    )
    assert row.pip_on_time == "Ja"


def test_a_refused_deploy_keeps_the_version_in_use_and_lists_every_finding(
    world: World,
) -> None:
    active = world.versions["polderdam"]
    xml = base_text(world, "intake_mb.bpmn").replace(
        'value="intake_gesprek"', 'value="onbekend"'
    )
    broken_form = '{"key": "contactmoment", "title": ""}'
    with pytest.raises(DeployRefused) as caught:
        version_deploy(
            gemeente=world.polderdam,
            own_files={
                "intake_mb.bpmn": xml,
                "formulieren/contactmoment.json": broken_form,
            },
        )
    files = {f.file for f in caught.value.findings if f.is_error}
    assert files == {"intake_mb.bpmn", "formulieren/contactmoment.json"}
    assert active_version(world.polderdam) == active
    assert world.start().version == active


def test_roll_back_to_an_earlier_version(world: World) -> None:
    v1 = world.versions["polderdam"]
    name = "formulieren/contactmoment.json"
    v2, _created = version_deploy(
        gemeente=world.polderdam,
        own_files={name: with_extra_field(base_text(world, name), NEW_FIELD)},
    )
    version_activate(version=v1, user=world.who("beheerder", world.polderdam))
    assert active_version(world.polderdam) == v1
    assert world.start().version == v1
    v2.refresh_from_db()
    assert not v2.is_active and v2.number == 2


def test_a_base_change_reaches_no_gemeente_until_it_deploys(world: World) -> None:
    base_v1 = world.versions["polderdam"].base
    files = version_files(base_v1)
    files["vervolgtraject.bpmn"] = files["vervolgtraject.bpmn"].replace(
        'name="Eindgesprek"', 'name="Eindgesprek voeren"'
    )
    base_v2, created = base_register(files=files)
    assert created and base_v2.number == base_v1.number + 1
    assert active_version(world.polderdam).base == base_v1
    results = {g.slug: (v, outcome) for g, v, outcome in versions_follow_base()}
    assert results["polderdam"][0].base == base_v2
    rivierstad_version, outcome = results["rivierstad"]
    assert rivierstad_version == world.versions["rivierstad"]
    assert "eigen bestanden" in outcome
    # Rivierstad's own files derive from the older base, and its new draft says so.
    draft = draft_open(gemeente=world.rivierstad, user=None)
    assert draft.base == base_v1
    assert draft.provenance["voortraject.bpmn"]["base_number"] == base_v1.number


def test_a_draft_keeps_only_what_differs_from_the_base(world: World) -> None:
    draft = draft_open(gemeente=world.polderdam, user=None)
    xml = base_text(world, "voortraject.bpmn")
    draft_save_files(
        draft=draft,
        files={"voortraject.bpmn": xml.replace("Voortraject", "Start")},
        user=None,
    )
    assert set(draft.files) == {"voortraject.bpmn"}
    draft_save_files(draft=draft, files={"voortraject.bpmn": xml}, user=None)
    assert draft.files == {}


def test_versions_are_immutable_records_with_provenance(world: World) -> None:
    rivierstad = world.versions["rivierstad"]
    # Its taalmaatje in the voortraject, and five PVT workshops as a setting.
    assert sorted(rivierstad.own_files) == ["instellingen.json", "voortraject.bpmn"]
    assert set(rivierstad.provenance) == set(rivierstad.own_files)
    assert rivierstad.derived["phase_order"][0] == "aanmelding"
    assert bundle_of(rivierstad).process.content_hash
    assert DefinitionVersion.objects.filter(gemeente=None).count() == 1


def test_validate_workflows_prints_one_finding_per_line_and_exits_1(
    world: World, tmp_path
) -> None:
    good = tmp_path / "goed"
    good.mkdir()
    (good / "voortraject.bpmn").write_text(base_text(world, "voortraject.bpmn"))
    out, err = StringIO(), StringIO()
    call_command("validate_workflows", str(good), stdout=out, stderr=err)
    assert out.getvalue() == ""
    bad = tmp_path / "intake_mb.bpmn"
    bad.write_text(
        base_text(world, "intake_mb.bpmn").replace(
            'value="intake_gesprek"', 'value="onbekend"'
        )
    )
    with pytest.raises(SystemExit) as caught:
        call_command(
            "validate_workflows", str(bad), "--gemeente", "polderdam", stdout=out
        )
    assert caught.value.code == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    [line] = lines
    assert line.startswith("intake_mb.bpmn:")
    assert ": intake_gesprek: fout: " in line and "‘onbekend’" in line


def test_validate_workflows_on_the_base_folder_reads_no_scenario_as_a_form(
    world: World,
) -> None:
    """The README's example: the base folder as it is shipped, scenarios/ beside
    the diagrams, validates clean (a proefdossier is not a form)."""
    base = Path(__file__).resolve().parents[2] / "workflows" / "base"
    assert list((base / "scenarios").glob("*.json"))
    out, err = StringIO(), StringIO()
    call_command(
        "validate_workflows", "--zonder-proefrit", str(base), stdout=out, stderr=err
    )
    assert out.getvalue() == ""
    assert "0 fout(en), 0 waarschuwing(en)" in err.getvalue()


def test_deploy_workflows_command_deploys_files_and_refuses_broken_ones(
    world: World, tmp_path
) -> None:
    name = tmp_path / "contactmoment.json"
    name.write_text(
        with_extra_field(base_text(world, "formulieren/contactmoment.json"), NEW_FIELD)
    )
    out = StringIO()
    call_command("deploy_workflows", "polderdam", str(name), "--note", "x", stdout=out)
    assert "v2 nieuw in gebruik" in out.getvalue()
    name.write_text("{}")
    with pytest.raises(Exception, match="vorige versie blijft in gebruik"):
        call_command("deploy_workflows", "polderdam", str(name), stdout=StringIO())
    assert active_version(world.polderdam).number == 2


def test_a_timer_deadline_of_a_running_case_is_untouched_by_a_deploy(
    world: World,
) -> None:
    case = world.run_until(world.start(), "brede_intake")
    deadline = case.next_timer_at
    version_deploy(
        gemeente=world.polderdam,
        own_files={
            "voortraject.bpmn": base_text(world, "voortraject.bpmn").replace(
                "Voortraject", "Voortraject (nieuw)"
            )
        },
    )
    world.clock.advance(timedelta(days=1))
    case.refresh_from_db()
    assert case.next_timer_at == deadline


def test_rivierstads_own_setting_gives_its_cases_five_workshops(world: World) -> None:
    case = world.run_until(world.coupled(world.rivierstad), "pvt_workshop", 60)
    (workshop,) = case.tasks.filter(state="open", bpmn_id="pvt_workshop")
    assert workshop.name == "PVT-workshop 1 van 5"
    assert case.tasks.filter(bpmn_id="taalmaatje_koppelen", state="done").exists()
    polderdam = world.run_until(world.coupled(), "pvt_workshop", 60)
    assert polderdam.tasks.get(state="open", bpmn_id="pvt_workshop").name == (
        "PVT-workshop 1 van 4"
    )
