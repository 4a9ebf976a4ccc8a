"""A years-long case keeps a small engine state: history lives in Wegwijs' tables, so
a loop never stalls, overflows or slows the case down."""

import json
from datetime import timedelta

from .conftest import Driver


def loop_voortgang(driver: Driver, rounds: int) -> list[int]:
    """Go round the voortgangsgesprek loop; the state's size after each round."""
    sizes = []
    for _ in range(rounds):
        driver.clock.set(driver.snapshot.next_timer_at + timedelta(minutes=1))
        driver.fire()
        driver.complete(
            "voortgangsgesprek", pip_aanpassen=False, traject_afronden=False
        )
        sizes.append(len(json.dumps(driver.state)))
    return sizes


def test_five_hundred_rounds_of_voortgang_keep_the_state_flat_and_the_case_moving(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pvt_workshop_1")
    driver.complete("begeleiding_afronden")
    sizes = loop_voortgang(driver, 510)
    # Unpruned, SpiffWorkflow stalls silently after about 500 rounds of a loop.
    assert sizes[-1] < sizes[9] * 1.2, (sizes[9], sizes[-1])
    assert driver.snapshot.data["leerroute"] == "b1", "earlier answers are kept"
    for number in range(1, 5):
        driver.complete(f"pvt_workshop_{number}", aanwezig=True)
    driver.complete("pvt_ondertekening")
    # The parallel join still sees both finished branches and lets the loop end it.
    driver.clock.set(driver.snapshot.next_timer_at + timedelta(minutes=1))
    driver.fire()
    driver.complete("voortgangsgesprek", pip_aanpassen=False, traject_afronden=True)
    assert driver.ready_ids() == {"eindgesprek"}
    driver.complete("eindgesprek", uitkomst="afronden")
    driver.complete("dossier_afsluiten")
    assert driver.snapshot.completed
