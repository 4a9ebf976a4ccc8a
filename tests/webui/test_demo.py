from django.core.management import call_command
from django.utils import timezone

from webui.cases.demo import TARGETS, load_demo
from webui.cases.models import Case
from webui.cases.selectors import pip_overdue


def test_demo_data_spreads_cases_over_every_phase_with_some_overdue(db) -> None:
    created = load_demo(cases=len(TARGETS))

    assert created == len(TARGETS)
    cases = list(Case.objects.all())
    phases = {c.phase for c in cases}
    assert phases == {target for target, _ in TARGETS}
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
