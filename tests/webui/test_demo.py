from django.core.management import call_command
from django.utils import timezone

from webui.cases.models import Case, CaseMigration
from webui.casework.selectors import pip_overdue
from webui.casework.services import sleuteloverdracht_date
from webui.definitions.bundles import bundle_of
from webui.definitions.services import latest_base
from webui.demo.seed import NEW_PATHS, TARGETS, load_demo
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem


def test_demo_data_spreads_cases_over_every_phase_with_some_overdue(db) -> None:
    created = load_demo(cases=len(TARGETS))

    assert created == len(TARGETS) + len(NEW_PATHS)
    cases = list(Case.objects.all())
    # Every phase where a case can wait (the aanmelding is a script) has cases; the
    # tracks run side by side, so a case counts in each phase it is in.
    base = bundle_of(latest_base()).process
    open_phases = {p for c in cases for p in c.open_phases}
    assert open_phases == set(base.phase_order) - {"aanmelding"}
    # Every case stopped where it was meant to: its target task is open ...
    open_tasks = set(
        TaskItem.objects.filter(state=TaskItem.State.OPEN).values_list(
            "bpmn_id", flat=True
        )
    )
    assert {target for target, _ in TARGETS if target} <= open_tasks
    # ... or it ran to the end: closed, or closed and reopened when the statushouder
    # came back.
    assert (
        any(c.is_closed for c in cases)
        or AuditEvent.objects.filter(event="case_reopened").exists()
    )
    # The older cases started on the first or the second base; some finish on the
    # first, the cases on the second that could move were moved to the third.
    assert {1, 3} <= {c.version.base.number for c in cases} <= {1, 2, 3}
    moved = CaseMigration.objects.values_list(
        "from_version__base__number", "to_version__base__number"
    )
    assert {(1, 2), (2, 3)} <= set(moved)
    assert {c.gemeente.slug for c in cases} == {"polderdam", "rivierstad"}
    assert any(pip_overdue(c, timezone.localdate()) for c in cases)
    assert all("demo" in c.gemeente.naam.lower() for c in cases)
    assert load_demo(cases=3) == 0, "loading twice adds nothing"


def test_load_demo_command_prints_the_accounts(db, capsys) -> None:
    call_command("load_demo", cases=1)
    out = capsys.readouterr().out
    for username in ("begeleider", "coordinator", "regievoerder", "trainer", "manager"):
        assert username in out
    assert "wachtwoord" in out


def open_task(case: Case, bpmn_id: str) -> TaskItem | None:
    return case.tasks.filter(bpmn_id=bpmn_id, state=TaskItem.State.OPEN).first()


def test_the_demo_walks_the_newer_paths_of_the_trajectory(db) -> None:
    load_demo(cases=len(TARGETS))
    events = AuditEvent.objects.filter

    # A binnenkomst corrected to the key handover, through the correction service.
    corrected = events(event="date_corrected").select_related("case")
    assert [e.detail["field"] for e in corrected] == ["datum_binnenkomst"]
    case = corrected[0].case
    assert corrected[0].detail["new"] == sleuteloverdracht_date(case).isoformat()
    assert corrected[0].detail["reason"]

    # The eindgesprek reached because the inburgering ended, not because the
    # begeleider chose it at an evaluation.
    ended = [
        c
        for c in Case.objects.all()
        if open_task(c, "eindgesprek")
        and c.submissions.filter(bpmn_id="map_resultaat").exists()
        and not c.submissions.filter(
            bpmn_id="begeleiding_evalueren", data__begeleiding_vervolg="eindgesprek"
        ).exists()
    ]
    assert ended, "a case at the eindgesprek after the end of the inburgering"

    # Kinderopvang to arrange, for the regievoerder.
    kinderopvang = [
        t
        for c in Case.objects.all()
        if (t := open_task(c, "kinderopvang_regelen")) is not None
    ]
    assert [t.role for t in kinderopvang] == ["regievoerder"]

    # A bezwaar against a boete with the teamleider, while the brede intake goes on.
    decisions = TaskItem.objects.filter(
        bpmn_id="bezwaar_behandelen",
        state=TaskItem.State.OPEN,
        name="Beslissen op bezwaar tegen de boete",
    )
    assert [d.role for d in decisions] == ["teamleider"]
    boete_case = decisions[0].case
    assert boete_case.milestones.filter(key="handhaving", value="boete").exists()
    assert boete_case.tasks.filter(bpmn_id="brede_intake").exists(), (
        "the third invitation did not wait for the bezwaar"
    )
