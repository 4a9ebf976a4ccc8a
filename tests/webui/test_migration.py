"""Migrating running cases in bulk: a preview per case with reasons, compatible cases
move (and finish on the new version with their deadlines), the others stay exactly as
they were, and a migration can be reverted."""

from io import StringIO

from django.core.management import call_command

from lxml import etree

from webui.cases.models import Case, CaseMigration, MigrationRun
from webui.casework.selectors import cases_for_migration
from webui.casework.services import (
    case_migrate,
    case_migration_revert,
    cases_move_preview,
    migration_run_execute,
)
from webui.casework.tasks import migration_run_start
from webui.definitions.bundles import version_files
from webui.definitions.services import base_register, version_deploy
from webui.demo.seed import archived_base_v1
from webui.tasks.models import TaskItem

from ..conftest import World

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def v2_without_legal_help_and_renamed_afspraken(world: World):
    """v2′, the gemeente's own change to the v2 base: 'Juridische ondersteuning' is
    gone from the voortraject; 'Begeleiding afspreken' (after the intake) is renamed
    and done by the coördinator."""
    base = version_files(world.versions["polderdam"].base)
    root = etree.fromstring(base["voortraject.bpmn"].encode())
    gone = {"juridische_ondersteuning"}
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        if flow.get("targetRef") == "juridische_ondersteuning":
            flow.set("targetRef", "voortraject_einde")
        elif flow.get("sourceRef") == "juridische_ondersteuning":
            gone.add(flow.get("id"))
    for element in list(root.iter()):
        if (
            element.get("id") in gone
            or element.get("bpmnElement") in gone
            or (element.text or "").strip() in gone
        ):
            element.getparent().remove(element)
    voortraject = etree.tostring(root, encoding="unicode")
    intake = base["intake_mb.bpmn"]
    moved = "<bpmn:flowNodeRef>begeleidingsafspraken</bpmn:flowNodeRef>"
    coordinator_lane = "<bpmn:flowNodeRef>begeleider_koppelen</bpmn:flowNodeRef>"
    assert intake.count(moved) == 1 and intake.count(coordinator_lane) == 1
    intake = intake.replace(moved, "")
    intake = intake.replace(coordinator_lane, coordinator_lane + moved)
    renamed = intake.replace(
        'name="Begeleiding afspreken"', 'name="Begeleidingsplan opstellen"'
    )
    assert renamed != intake
    version, _created = version_deploy(
        gemeente=world.polderdam,
        own_files={"voortraject.bpmn": voortraject, "intake_mb.bpmn": renamed},
        note="Zonder juridische ondersteuning",
    )
    return version


def legal_help_case(world: World) -> Case:
    case = world.run_until(world.start(), "voorbereiding_inburgering")
    return world.complete(case, "voorbereiding_inburgering", juridische_hulp_nodig=True)


def test_the_preview_says_per_case_whether_it_can_move_and_why_not(
    world: World,
) -> None:
    waiting = world.run_until(world.start(), "brede_intake")
    stuck = legal_help_case(world)
    afspraken = world.coupled()  # waits at 'Begeleiding afspreken'
    changed = v2_without_legal_help_and_renamed_afspraken(world)
    previews = {
        p.case.reference: p
        for p in cases_move_preview(
            cases=cases_for_migration(gemeente=world.polderdam), target=changed
        )
    }
    assert previews[waiting.reference].ok
    assert previews[stuck.reference].reasons == (
        "de taak ‘Juridische ondersteuning’ waarop dit dossier wacht bestaat niet meer",
    )
    assert previews[afspraken.reference].ok
    assert previews[afspraken.reference].changes == (
        "de open taak ‘Begeleiding afspreken’ heet nu ‘Begeleidingsplan opstellen’",
        "de open taak ‘Begeleidingsplan opstellen’ gaat nu naar de rol coördinator"
        " (was begeleider)",
    )


def test_bulk_migration_moves_what_can_move_and_leaves_the_rest_unharmed(
    world: World, django_capture_on_commit_callbacks
) -> None:
    waiting = world.run_until(world.start(), "brede_intake")
    stuck = legal_help_case(world)
    afspraken = world.coupled()
    deadline = Case.objects.get(pk=waiting.pk).next_timer_at
    assert deadline is not None, "the PIP deadline's timers run"
    stuck_before = Case.objects.values().get(pk=stuck.pk)
    changed = v2_without_legal_help_and_renamed_afspraken(world)
    beheerder = world.who("beheerder", world.polderdam)

    with django_capture_on_commit_callbacks() as callbacks:
        run = migration_run_start(
            cases=cases_for_migration(gemeente=world.polderdam),
            target=changed,
            user=beheerder,
            clock=world.clock,
        )
    assert len(callbacks) == 1, "handed to the background worker after commit"
    assert run.status == "waiting" and run.done == 0
    # What the worker does, on the test's clock (the PIP deadline is still ahead).
    run = migration_run_execute(run_id=run.pk, clock=world.clock)
    assert (run.status, run.done, run.total, run.moved) == ("done", 3, 3, 2)
    assert run.refused == [
        {
            "reference": stuck.reference,
            "reasons": [
                "de taak ‘Juridische ondersteuning’ waarop dit dossier wacht bestaat"
                " niet meer"
            ],
        }
    ]
    assert Case.objects.values().get(pk=stuck.pk) == stuck_before
    moved = Case.objects.get(pk=waiting.pk)
    assert moved.version == changed and moved.next_timer_at == deadline
    # The open task of the renamed step follows the new version.
    item = TaskItem.objects.get(
        case=afspraken, state="open", bpmn_id="begeleidingsafspraken"
    )
    assert (item.name, item.role, item.assignee) == (
        "Begeleidingsplan opstellen",
        "coordinator",
        None,
    )
    afspraken = world.complete(afspraken, "begeleidingsafspraken")
    item.refresh_from_db()
    assert item.completed_by == world.who("coordinator", world.polderdam)
    assert "intake_mb" not in afspraken.open_phases, "the intake is done"
    assert CaseMigration.objects.filter(to_version=changed).count() == 2
    assert MigrationRun.objects.get().percent == 100


def test_a_migration_is_reverted_while_the_case_has_not_moved_on(
    world: World,
) -> None:
    case = world.coupled()  # waits at 'Begeleiding afspreken'
    before = Case.objects.values("engine_state__state", "version_id").get(pk=case.pk)
    changed = v2_without_legal_help_and_renamed_afspraken(world)
    result = case_migrate(case_id=case.pk, target=changed, user=None, clock=world.clock)
    assert result.ok
    migration = CaseMigration.objects.get(case=case)
    case_migration_revert(migration=migration, user=None, clock=world.clock)
    after = Case.objects.values("engine_state__state", "version_id").get(pk=case.pk)
    assert after == before
    item = TaskItem.objects.get(
        case=case, state="open", bpmn_id="begeleidingsafspraken"
    )
    assert (item.name, item.role, item.assignee) == (
        "Begeleiding afspreken",
        "begeleider",
        world.who("begeleider", world.polderdam),
    )
    # Moved again, and worked on: now a revert would undo work, so it is refused.
    case_migrate(case_id=case.pk, target=changed, user=None, clock=world.clock)
    world.complete(case, "begeleidingsafspraken")
    second = CaseMigration.objects.filter(case=case, reverted_at=None).get()
    try:
        case_migration_revert(migration=second, user=None, clock=world.clock)
    except Exception as exc:
        assert "al verder gegaan" in str(exc)
    else:
        raise AssertionError("a revert after further work must be refused")


def test_migrate_cases_command_dry_run_and_for_real(world: World) -> None:
    ok = world.run_until(world.start(), "brede_intake")
    stuck = legal_help_case(world)
    changed = v2_without_legal_help_and_renamed_afspraken(world)
    out = StringIO()
    call_command(
        "migrate_cases",
        "polderdam",
        "--to",
        "latest",
        "--dry-run",
        stdout=out,
        stderr=StringIO(),
    )
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    assert lines[ok.reference] == f"kan naar {changed.label}"
    assert lines[stuck.reference].startswith("blijft op v1: de taak")
    assert Case.objects.get(pk=ok.pk).version.number == 1
    out = StringIO()
    call_command(
        "migrate_cases",
        "polderdam",
        "--to",
        "2",
        "--case",
        ok.reference,
        stdout=out,
        stderr=StringIO(),
    )
    assert out.getvalue().strip() == f"{ok.reference}: verplaatst naar v2"
    assert Case.objects.get(pk=ok.pk).version == changed


def test_a_bulk_migration_runs_on_the_task_framework(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.run_until(world.start(), "huisvesting_inschrijvingen")
    changed = v2_without_legal_help_and_renamed_afspraken(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = migration_run_start(
            cases=cases_for_migration(gemeente=world.polderdam),
            target=changed,
            user=None,
        )
    run.refresh_from_db()  # the test settings' backend runs a task at once
    assert (run.status, run.done, run.moved) == ("done", 1, 1), run.refused


def test_v1_cases_move_to_the_v2_base_only_from_the_vervolgtraject(
    world: World,
) -> None:
    """The gemeente's cases that started on the first base trajectory: the ones in
    the vervolgtraject move to v2 and finish there; the others finish on v1."""
    base_register(files=archived_base_v1())
    on_v1, _created = version_deploy(gemeente=world.polderdam, own_files={})
    at_intake = world.run_until(world.start(), "intake_gesprek")
    at_pvt = world.run_until(world.start(), "pvt_workshop_2", max_steps=80)
    at_end = world.run_until(world.start(), "eindgesprek", max_steps=80)
    assert {c.version for c in (at_intake, at_pvt, at_end)} == {on_v1}
    base_register()
    on_v2, _created = version_deploy(gemeente=world.polderdam, own_files={})
    assert on_v2.base.content_hash == world.versions["polderdam"].base.content_hash

    previews = {
        p.case.reference: p
        for p in cases_move_preview(
            cases=cases_for_migration(gemeente=world.polderdam), target=on_v2
        )
    }
    assert not previews[at_intake.reference].ok
    assert any("‘Voortraject’" in r for r in previews[at_intake.reference].reasons)
    assert not previews[at_pvt.reference].ok
    assert (
        "de taak ‘PVT-workshop 2’ waarop dit dossier wacht bestaat niet meer"
        in previews[at_pvt.reference].reasons
    )
    assert previews[at_end.reference].ok

    stuck = {c.pk: Case.objects.values().get(pk=c.pk) for c in (at_intake, at_pvt)}
    run = migration_run_start(
        cases=cases_for_migration(gemeente=world.polderdam),
        target=on_v2,
        user=None,
        clock=world.clock,
    )
    run = migration_run_execute(run_id=run.pk, clock=world.clock)
    assert (run.status, run.done, run.moved) == ("done", 3, 1)
    for pk, before in stuck.items():
        assert Case.objects.values().get(pk=pk) == before
    # The moved case finishes on v2: after the eindgesprek the begeleiding is
    # rounded off, then the dossier is closed.
    case = world.complete(Case.objects.get(pk=at_end.pk), "eindgesprek")
    assert case.version == on_v2
    case = world.complete(case, "begeleiding_afronden")
    case = world.complete(case, "dossier_afsluiten")
    assert case.is_closed and case.uitkomst == "afronden"
