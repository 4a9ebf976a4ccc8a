"""Each ready task says which user task it follows in the flow: what lets a host keep
consecutive steps with one person, and tell them apart from what a timer opened."""

from datetime import timedelta

from .conftest import Driver


def test_a_step_names_the_user_task_it_follows(driver: Driver) -> None:
    driver.start()
    assert all(task.after is None for task in driver.ready())
    invited = driver.task("brede_intake_uitnodigen").id

    driver.complete("brede_intake_uitnodigen")
    intake = driver.task("brede_intake")
    assert intake.after == invited

    driver.complete("brede_intake")
    assert driver.task("pip_opstellen").after == intake.id


def test_a_task_a_timer_opens_follows_no_user_task_of_its_track(
    driver: Driver,
) -> None:
    driver.start()
    driver.complete("brede_intake_uitnodigen")

    driver.advance(timedelta(weeks=9))  # two weeks before the PIP deadline

    assert driver.task("pip_termijn_waarschuwing").after is None
