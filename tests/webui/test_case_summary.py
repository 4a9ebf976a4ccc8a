"""The summary on top of the case page and beside the task form: contact details,
language and the PIP, each only for whom may read it."""

from datetime import date

import pytest

from webui.access import case_access
from webui.casework.summary import case_summary, pip_status

from ..conftest import World

pytestmark = pytest.mark.django_db


def test_the_begeleider_sees_how_to_reach_the_statushouder_the_trainer_does_not(
    world: World,
) -> None:
    case = world.coupled(telefoon="0612345678", taal="Tigrinya")
    today = world.clock.now().date()
    mine = case_access(user=world.who("begeleider", world.polderdam), case=case)
    summary = case_summary(case=case, access=mine, today=today)
    assert "0612345678" in [value for _, value in summary.contact]
    assert summary.language == "Tigrinya"
    trainer = world.who("trainer", world.polderdam)
    case = world.run_until(case, "pvt_workshop", max_steps=60)
    only_pvt = case_access(user=trainer, case=case)
    assert only_pvt is not None and only_pvt.trainer_only
    seen = case_summary(case=case, access=only_pvt, today=today)
    assert seen.contact == [] and seen.pip_goals == []


def test_the_pip_goals_come_from_the_task_that_declares_the_pip(world: World) -> None:
    case = world.run_until(world.coupled(), "pip_vaststellen", max_steps=60)
    access = case_access(user=world.who("regievoerder", world.polderdam), case=case)
    summary = case_summary(case=case, access=access, today=world.clock.now().date())
    labels = [label for label, _ in summary.pip_goals]
    assert any("doel" in label.lower() for label in labels)
    assert "wacht op vaststelling" in summary.pip_status


@pytest.mark.parametrize(
    ("vastgesteld", "today", "words", "late"),
    [
        (date(2026, 3, 1), date(2026, 4, 1), "op tijd", False),
        (date(2026, 3, 20), date(2026, 4, 1), "na de termijn", True),
        (None, date(2026, 3, 20), "te laat", True),
        (None, date(2026, 3, 1), "uiterlijk 15-03-2026", False),
    ],
)
def test_the_pip_is_judged_on_the_vaststelling(
    world: World, vastgesteld, today, words, late
) -> None:
    case = world.start()
    case.pip_deadline = date(2026, 3, 15)
    case.pip_vastgesteld_op = vastgesteld
    status, is_late = pip_status(case, today)
    assert words in status
    assert is_late is late
