"""A diagram cannot take the app down: every engine operation has a budget, and a
script that loops or computes too much ends with a clear message, the case unchanged."""

import copy
import json
import re
import threading
import tracemalloc
from datetime import UTC, datetime

import pytest

import engine
from engine import Budget, ManualClock

from .test_validation import process, user_task

CLOCK = ManualClock(datetime(2026, 1, 5, 9, tzinfo=UTC))


class Stopwatch:
    """Seconds that pass only as the meter reads them, a millisecond a reading: a
    time budget runs out after a known amount of work, however busy the machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


class HeldStopwatch:
    """Time that stands still until the test lets it run out (or, should the test
    never get there, after a bounded amount of work)."""

    def __init__(self) -> None:
        self.readings = 0
        self.running = threading.Event()
        self.released = threading.Event()

    def __call__(self) -> float:
        self.readings += 1
        if self.readings > 10:  # read while tracing the script: the loop runs
            self.running.set()
        if self.released.is_set() or self.readings > 2_000_000:
            return 1_000.0
        return 0.0


def with_script(script: str) -> engine.DeployedVersion:
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="reken" name="Rekenen"><bpmn:script>'
        + script.replace("&", "&amp;").replace("<", "&lt;")
        + "</bpmn:script></bpmn:scriptTask>"
        + user_task()
        + "</bpmn:userTask>"
        '<bpmn:endEvent id="einde"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reken"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="reken" targetRef="taak"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="taak" targetRef="einde"/>'
    )
    return engine.build_version({"traject.bpmn": process(body, refs=("reken", "taak"))})


ENDLESS = "n = 0\nwhile n >= 0:\n    n = n + 1"


def test_an_endless_loop_in_a_script_stops_within_its_time_budget() -> None:
    version = with_script(ENDLESS)
    watch = Stopwatch()
    with pytest.raises(engine.WorkflowFailed) as caught:
        engine.start_case(
            version, {}, clock=CLOCK, budget=Budget(max_seconds=1.0, stopwatch=watch)
        )
    assert watch.now < 5
    assert "het diagram is gestopt" in str(caught.value)
    assert "langer dan 1 seconden" in str(caught.value)


def test_an_endless_loop_does_not_stop_another_users_work_meanwhile() -> None:
    looping = with_script(ENDLESS)
    ordinary = with_script("x = 1")
    outcome: dict[str, object] = {}
    held = HeldStopwatch()
    budget = Budget(max_seconds=2.0, max_lines=10**12, stopwatch=held)

    def loop() -> None:
        try:
            engine.start_case(looping, {}, clock=CLOCK, budget=budget)
        except engine.WorkflowFailed as exc:
            outcome["loop"] = exc

    thread = threading.Thread(target=loop)
    thread.start()
    assert held.running.wait(60)  # the loop is running now
    snapshot = engine.start_case(ordinary, {}, clock=CLOCK)
    loop_still_running = thread.is_alive()
    held.released.set()
    thread.join()
    assert [t.bpmn_id for t in snapshot.ready_tasks] == ["taak"]
    assert loop_still_running, "the ordinary case waited for the looping one"
    assert isinstance(outcome["loop"], engine.WorkflowFailed)


def test_a_loop_of_lines_is_bounded_by_its_line_budget() -> None:
    version = with_script(ENDLESS)
    with pytest.raises(engine.WorkflowFailed, match="regels uit"):
        engine.start_case(
            version, {}, clock=CLOCK, budget=Budget(max_lines=10_000, max_seconds=30)
        )


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("x = 'a' * 10**10", "groter worden dan"),
        ("x = [0] * 10**9", "groter worden dan"),
        ("x = 10**10**10", "te groot getal"),
        ("x = 1 << 10**9", "te groot getal"),
        ("x = list(range(10**12))", "range() met meer dan"),
        ("x = 'x'.ljust(10**10)", "ljust()"),
        ("x = ('a' * 100000).replace('a', 'a' * 100000)", "replace()"),
        ("x = ''.join(['a' * 100000] * 100000)", "join()"),
        ("x = '%0100000000d' % 1", "gebruik een f-string"),
    ],
)
def test_a_single_huge_operation_is_refused_before_it_runs(
    script: str, message: str
) -> None:
    version = with_script(script)
    tracemalloc.start()
    try:
        with pytest.raises(engine.WorkflowFailed, match=re.escape(message)) as caught:
            engine.start_case(version, {}, clock=CLOCK)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value).startswith("het diagram is gestopt in ‘Rekenen’: ")
    assert peak < 64 * 2**20, "refused before it ran: nothing big was built"


def test_a_huge_format_width_is_refused_at_validation() -> None:
    with pytest.raises(engine.DiagramInvalid, match="opmaakbreedte"):
        with_script('x = f"{1:>1000000000}"')


def test_an_obviously_endless_loop_is_refused_at_validation() -> None:
    with pytest.raises(engine.DiagramInvalid, match="een lus die nooit stopt"):
        with_script("while True:\n    pass")


def test_a_process_that_never_waits_for_a_person_is_stopped_by_its_step_budget() -> (
    None
):
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="tel"><bpmn:script>n = n + 1 if "n" in dir() else 1'
        "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:exclusiveGateway id="gw" default="terug"/>'
        '<bpmn:endEvent id="einde"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tel"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="tel" targetRef="gw"/>'
        '<bpmn:sequenceFlow id="klaar" sourceRef="gw" targetRef="einde">'
        "<bpmn:conditionExpression>n &lt; 0</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="terug" sourceRef="gw" targetRef="tel"/>'
    )
    version = engine.build_version(
        {"traject.bpmn": process(body.replace('"n" in dir()', "True"), refs=())}
    )
    with pytest.raises(engine.WorkflowFailed, match="stappen zonder op iemand"):
        engine.start_case(version, {"n": 0}, clock=CLOCK, budget=Budget(max_steps=200))


def test_a_failed_completion_leaves_the_callers_state_as_it_was() -> None:
    body = (
        '<bpmn:startEvent id="start"/>' + user_task() + "</bpmn:userTask>"
        '<bpmn:scriptTask id="reken"><bpmn:script>'
        + ENDLESS.replace("<", "&lt;")
        + "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:endEvent id="einde"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="reken"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="reken" targetRef="einde"/>'
    )
    version = engine.build_version(
        {"traject.bpmn": process(body, refs=("taak", "reken"))}
    )
    snapshot = engine.start_case(version, {}, clock=CLOCK)
    before = copy.deepcopy(snapshot.state)
    with pytest.raises(engine.WorkflowFailed):
        engine.complete_task(
            version,
            snapshot.state,
            snapshot.ready_tasks[0].id,
            {"vervolg": True},
            clock=CLOCK,
            budget=Budget(max_seconds=0.5, stopwatch=Stopwatch()),
        )
    assert snapshot.state == before
    again = engine.inspect_case(version, snapshot.state, clock=CLOCK)
    assert [t.bpmn_id for t in again.ready_tasks] == ["taak"]


def test_the_stored_text_of_a_state_runs_the_case_as_its_dict_does() -> None:
    """The host hands the engine the state as stored (JSON text): parsed fresh, it
    needs no defensive copy, and the case moves exactly as from the dict."""
    body = (
        '<bpmn:startEvent id="start"/>' + user_task() + "</bpmn:userTask>"
        '<bpmn:endEvent id="einde"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="einde"/>'
    )
    version = engine.build_version({"traject.bpmn": process(body, refs=("taak",))})
    snapshot = engine.start_case(version, {"n": 1}, clock=CLOCK)
    task_id = snapshot.ready_tasks[0].id
    from_dict = engine.complete_task(
        version, snapshot.state, task_id, {"klaar": True}, clock=CLOCK
    )
    from_text = engine.complete_task(
        version, json.dumps(snapshot.state), task_id, {"klaar": True}, clock=CLOCK
    )
    assert from_text.completed and from_dict.completed
    assert from_text.data == from_dict.data == {"n": 1, "klaar": True}
    with pytest.raises(ValueError, match="unknown workflow state format"):
        engine.inspect_case(version, json.dumps({"tasks": {}}), clock=CLOCK)


def test_a_script_that_piles_up_memory_a_round_at_a_time_stops_on_its_memory() -> None:
    """Each round of the comprehension builds 8 MB in C: the memory budget must be
    read often enough to stop it at a few hundred MB, not gigabytes later."""
    version = with_script("x = [[0] * 1000000 for i in range(100000)]")
    with pytest.raises(engine.WorkflowFailed, match="MB geheugen"):
        engine.start_case(version, {}, clock=CLOCK)
