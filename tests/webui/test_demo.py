from django.core.management import call_command
from django.utils import timezone

from webui.cases.models import Case, CaseMigration
from webui.casework.selectors import pip_overdue
from webui.definitions.bundles import bundle_of
from webui.definitions.services import latest_base
from webui.demo.seed import TARGETS, load_demo
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem


def test_demo_data_spreads_cases_over_every_phase_with_some_overdue(db) -> None:
    created = load_demo(cases=len(TARGETS))

    assert created == len(TARGETS)
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
