"""A years-long case keeps a small engine state: history lives in Wegwijs' tables, so
a loop never stalls, overflows or slows the case down."""

import json
from datetime import timedelta

import engine
from engine.serialization import load_state

from .conftest import Driver

LOOP = "voortgangsgesprek"


def finish_all_but_the_voortgang(driver: Driver) -> None:
    """Complete every other task (happy path) until only the voortgang loop runs."""
    for _ in range(200):
        others = [t for t in driver.ready() if t.bpmn_id != LOOP]
        if others:
            driver.complete(others[0].bpmn_id)
        elif driver.snapshot.next_timer_at is None:
            return
        else:
            driver.clock.set(driver.snapshot.next_timer_at + timedelta(minutes=1))
            driver.fire()
    raise AssertionError("the other tracks did not finish")


def loop_voortgang(driver: Driver, rounds: int) -> list[int]:
    """Go round the voortgangsgesprek loop; the state's size after each round."""
    sizes = []
    state, clock, version = driver.state, driver.clock, driver.version
    snapshot = driver.snapshot
    for _ in range(rounds):
        [task] = [t for t in snapshot.ready_tasks if t.bpmn_id == LOOP]
        snapshot = engine.complete_task(
            version,
            state,
            task.id,
            {"pip_aanpassen": False, "traject_afronden": False},
            clock=clock,
        )
        clock.set(snapshot.next_timer_at + timedelta(minutes=1))
        snapshot = engine.fire_timers(version, snapshot.state, clock=clock)
        state = json.loads(json.dumps(snapshot.state))
        sizes.append(len(json.dumps(state)))
    driver._keep(snapshot)
    return sizes


def test_five_hundred_rounds_of_voortgang_keep_the_state_flat_and_the_case_moving(
    driver: Driver,
) -> None:
    driver.start()
    finish_all_but_the_voortgang(driver)
    assert driver.ready_ids() == {LOOP}
    sizes = loop_voortgang(driver, 510)
    # Unpruned, SpiffWorkflow stalls silently after about 500 rounds of a loop.
    assert sizes[-1] < sizes[9] * 1.2, (sizes[9], sizes[-1])
    assert driver.snapshot.data["leerroute"] == "b1", "earlier answers are kept"
    # The loop ends when the gemeente says so; then the case is done.
    driver.complete(LOOP, pip_aanpassen=False, traject_afronden=True)
    assert driver.snapshot.completed


def test_a_waiting_case_stores_no_variable_twice_and_loads_as_it_was(
    driver: Driver,
) -> None:
    """A task without data of its own (a join that has not fired, a cancelled
    branch) is stored as empty, not as a list of every case variable deleted from
    its parent's: that list was about a third of a long-running case's state."""
    driver.start()
    finish_all_but_the_voortgang(driver)
    loop_voortgang(driver, 3)
    state = driver.snapshot.state
    trees = [state, *state["subprocesses"].values()]
    stored = {task["id"]: task for tree in trees for task in tree["tasks"].values()}
    workflow = load_state(state, driver.version)
    empty = [t for t in workflow.get_tasks() if t.parent is not None and not t.data]
    assert empty, "a waiting case has tasks without data of their own"
    assert all(stored[str(t.id)]["delta"] == {} for t in empty)
    # The case goes on as before, its answers intact.
    driver.complete(LOOP, pip_aanpassen=False, traject_afronden=True)
    assert driver.snapshot.completed
    assert driver.snapshot.data["leerroute"] == "b1"
