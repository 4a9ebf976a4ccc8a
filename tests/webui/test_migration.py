"""Migrating running cases in bulk: a preview per case with reasons, compatible cases
move (and finish on the new version with their deadlines), the others stay exactly as
they were, and a migration can be reverted."""

from io import StringIO

from django.core.management import call_command

from lxml import etree

from webui.cases.models import Case, CaseMigration, MigrationRun
from webui.cases.selectors import cases_for_migration
from webui.cases.services import (
    case_migrate,
    case_migration_revert,
    cases_move_preview,
    migration_run_execute,
    migration_run_start,
)
from webui.definitions.bundles import version_files
from webui.definitions.services import version_deploy
from webui.tasks.models import TaskItem

from ..conftest import World

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def v2_without_legal_help_and_renamed_pip(world: World):
    """v2: 'Juridische ondersteuning' is gone, 'PIP vaststellen' is renamed and done
    by the coördinator."""
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
    pip = base["brede_intake_pip.bpmn"]
    pip = pip.replace('name="PIP vaststellen"', 'name="PIP vastleggen"')
    pip = pip.replace("<bpmn:flowNodeRef>pip_vaststellen</bpmn:flowNodeRef>\n", "")
    pip = pip.replace(
        "<bpmn:flowNodeRef>pip_termijn_escalatie</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>pip_termijn_escalatie</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>pip_vaststellen</bpmn:flowNodeRef>",
    )
    version, _created = version_deploy(
        gemeente=world.polderdam,
        own_files={"voortraject.bpmn": voortraject, "brede_intake_pip.bpmn": pip},
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
    at_pip = world.run_until(world.start(), "pip_vaststellen")
    v2 = v2_without_legal_help_and_renamed_pip(world)
    previews = {
        p.case.reference: p
        for p in cases_move_preview(
            cases=cases_for_migration(gemeente=world.polderdam), target=v2
        )
    }
    assert previews[waiting.reference].ok
    assert previews[stuck.reference].reasons == (
        "de taak ‘Juridische ondersteuning’ waarop dit dossier wacht bestaat niet meer",
    )
    assert previews[at_pip.reference].changes == (
        "de open taak ‘PIP vaststellen’ heet nu ‘PIP vastleggen’",
        "de open taak ‘PIP vastleggen’ gaat nu naar de rol coördinator (was"
        " regievoerder)",
    )


def test_bulk_migration_moves_what_can_move_and_leaves_the_rest_unharmed(
    world: World, django_capture_on_commit_callbacks
) -> None:
    waiting = world.run_until(world.start(), "brede_intake")
    stuck = legal_help_case(world)
    at_pip = world.run_until(world.start(), "pip_vaststellen")
    deadline = Case.objects.get(pk=waiting.pk).next_timer_at
    stuck_before = Case.objects.values().get(pk=stuck.pk)
    v2 = v2_without_legal_help_and_renamed_pip(world)
    beheerder = world.who("beheerder", world.polderdam)

    with django_capture_on_commit_callbacks() as callbacks:
        run = migration_run_start(
            cases=cases_for_migration(gemeente=world.polderdam),
            target=v2,
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
    assert moved.version == v2 and moved.next_timer_at == deadline
    # The open task of the renamed step follows the new version.
    item = TaskItem.objects.get(case=at_pip, state="open")
    assert (item.name, item.role, item.assignee) == (
        "PIP vastleggen",
        "coordinator",
        None,
    )
    at_pip = world.complete(at_pip, "pip_vaststellen")
    assert at_pip.pip_vastgesteld_op is not None
    assert CaseMigration.objects.filter(to_version=v2).count() == 2
    assert MigrationRun.objects.get().percent == 100


def test_a_migration_is_reverted_while_the_case_has_not_moved_on(
    world: World,
) -> None:
    case = world.run_until(world.start(), "pip_vaststellen")
    before = Case.objects.values("state", "version_id").get(pk=case.pk)
    v2 = v2_without_legal_help_and_renamed_pip(world)
    result = case_migrate(case_id=case.pk, target=v2, user=None, clock=world.clock)
    assert result.ok
    migration = CaseMigration.objects.get(case=case)
    case_migration_revert(migration=migration, user=None, clock=world.clock)
    assert Case.objects.values("state", "version_id").get(pk=case.pk) == before
    item = TaskItem.objects.get(case=case, state="open")
    assert (item.name, item.role) == ("PIP vaststellen", "regievoerder")
    # Moved again, and worked on: now a revert would undo work, so it is refused.
    case_migrate(case_id=case.pk, target=v2, user=None, clock=world.clock)
    world.complete(case, "pip_vaststellen")
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
    v2 = v2_without_legal_help_and_renamed_pip(world)
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
    assert lines[ok.reference] == f"kan naar {v2.label}"
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
    assert Case.objects.get(pk=ok.pk).version == v2


def test_a_bulk_migration_runs_on_the_task_framework(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.run_until(world.start(), "huisvesting_inschrijvingen")
    v2 = v2_without_legal_help_and_renamed_pip(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = migration_run_start(
            cases=cases_for_migration(gemeente=world.polderdam), target=v2, user=None
        )
    run.refresh_from_db()  # the test settings' backend runs a task at once
    assert (run.status, run.done, run.moved) == ("done", 1, 1), run.refused
