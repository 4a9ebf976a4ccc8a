"""The proefrit drives synthetic cases through a version and finds what a static check
cannot: a case that stands still, a script that fails or runs away, a variable read
before anything sets it, a branch no answer reaches."""

from datetime import UTC, datetime

import engine
from engine.proefrit import DriveReport, Limits, drive

from .test_validation import process, user_task

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
CHOICES = [{"uitkomst": "a"}, {"uitkomst": "b"}, {"uitkomst": "c"}]


def version_of(body: str, refs: tuple[str, ...] = ("keuze",)) -> engine.DeployedVersion:
    return engine.build_version({"traject.bpmn": process(body, refs=refs)})


def choice_then(gateway: str, flows: str, script: str = "") -> str:
    """start → (script) → task 'keuze' (answers uitkomst) → gateway → ..."""
    first = "reken" if script else "keuze"
    return (
        '<bpmn:startEvent id="start"/>'
        + (
            f'<bpmn:scriptTask id="reken" name="Rekenen"><bpmn:script>{script}'
            "</bpmn:script></bpmn:scriptTask>"
            '<bpmn:sequenceFlow id="f0" sourceRef="reken" targetRef="keuze"/>'
            if script
            else ""
        )
        + user_task("keuze")
        + "</bpmn:userTask>"
        + gateway
        + '<bpmn:endEvent id="einde_a"/><bpmn:endEvent id="einde_b"/>'
        + f'<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{first}"/>'
        + '<bpmn:sequenceFlow id="f2" sourceRef="keuze" targetRef="gw"/>'
        + flows
    )


def condition(flow: str, target: str, expression: str) -> str:
    return (
        f'<bpmn:sequenceFlow id="{flow}" sourceRef="gw" targetRef="{target}">'
        f"<bpmn:conditionExpression>{expression}</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>"
    )


TWO_WAYS = condition("naar_a", "einde_a", 'uitkomst == "a"') + condition(
    "naar_b", "einde_b", 'uitkomst == "b"'
)


def run(version: engine.DeployedVersion, answers=CHOICES) -> DriveReport:
    return drive(
        version,
        start=[{}],
        answers=lambda task, data: answers,
        at=AT,
        limits=Limits(seconds=20),
    )


def test_a_gateway_whose_conditions_can_all_be_false_stands_a_case_still() -> None:
    version = version_of(choice_then('<bpmn:exclusiveGateway id="gw"/>', TWO_WAYS))
    report = run(version)
    [error] = report.errors
    assert error.kind == "stilstand"
    assert error.element == "gw"
    assert "geen enkele voorwaarde" in error.message
    assert "No conditions" not in error.message
    assert [(s.element, dict(s.answers)) for s in error.path][-1] == (
        "keuze",
        {"uitkomst": "c"},
    )
    assert report.ended == 2, "the answers a and b end the case"


def test_with_a_default_branch_the_same_process_passes_with_full_coverage() -> None:
    gateway = '<bpmn:exclusiveGateway id="gw" default="anders"/>'
    flows = TWO_WAYS.replace('uitkomst == "b"', 'uitkomst == "x"') + (
        '<bpmn:sequenceFlow id="anders" sourceRef="gw" targetRef="einde_b"/>'
    )
    report = run(version_of(choice_then(gateway, flows)))
    assert report.errors == []
    assert report.complete
    assert report.covered == report.elements
    assert report.ended == 3


def test_a_branch_no_answer_reaches_is_a_warning() -> None:
    gateway = '<bpmn:exclusiveGateway id="gw" default="anders"/>'
    flows = condition("naar_a", "einde_a", 'uitkomst == "x"') + (
        '<bpmn:sequenceFlow id="anders" sourceRef="gw" targetRef="einde_b"/>'
    )
    report = run(version_of(choice_then(gateway, flows)))
    assert report.errors == []
    assert [(f.kind, f.element) for f in report.findings] == [("onbereikt", "einde_a")]


def test_a_loop_with_a_condition_that_never_ends_fails_on_its_budget() -> None:
    looping = "n = 0\nwhile n &lt; 10:\n    n = n - 1"
    version = version_of(
        choice_then('<bpmn:exclusiveGateway id="gw"/>', TWO_WAYS, looping),
        refs=("keuze",),
    )
    [error] = run(version).errors
    assert error.kind == "budget"
    assert error.element == "reken"
    assert "gestopt" in error.message


def test_a_huge_string_is_stopped_and_reported_with_its_script() -> None:
    doubling = "s = 'a'\nfor i in range(40):\n    s = s + s"
    version = version_of(
        choice_then('<bpmn:exclusiveGateway id="gw"/>', TWO_WAYS, doubling)
    )
    [error] = run(version).errors
    assert error.kind == "budget"
    assert error.element == "reken"
    assert "groter worden dan" in error.message


def test_a_variable_read_before_any_step_sets_it_is_named() -> None:
    version = version_of(
        choice_then('<bpmn:exclusiveGateway id="gw"/>', TWO_WAYS, "x = nergens + 1")
    )
    [error] = run(version).errors
    assert error.kind == "onbekend"
    assert "‘nergens’ heeft nog geen waarde" in error.message


def test_a_timer_is_fired_by_moving_the_clock() -> None:
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:intermediateCatchEvent id="wacht"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>&quot;P14D&quot;</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        + user_task("keuze")
        + "</bpmn:userTask>"
        '<bpmn:endEvent id="einde"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="keuze"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="keuze" targetRef="einde"/>'
    )
    report = run(version_of(body), answers=[{}])
    assert report.errors == []
    assert report.ended == 1
    assert ("traject", "einde") in report.covered


def test_a_required_milestone_a_path_never_reaches_is_a_warning() -> None:
    gateway = '<bpmn:exclusiveGateway id="gw" default="anders"/>'
    flows = condition("naar_a", "einde_a", 'uitkomst == "a"') + (
        '<bpmn:sequenceFlow id="anders" sourceRef="gw" targetRef="einde_b"/>'
    )
    version = version_of(choice_then(gateway, flows))
    required = {"besloten": "Besluit genomen", "aangemeld": "Aangemeld"}

    def drive_with(start_milestones: tuple[str, ...]) -> DriveReport:
        return drive(
            version,
            start=[{}],
            answers=lambda task, data: CHOICES,
            at=AT,
            required_milestones=required,
            field_milestones={"gesprek": ["besloten"]},
            start_milestones=start_milestones,
        )

    report = drive_with(("aangemeld",))
    assert report.errors == []
    assert [(f.kind, f.element) for f in report.findings] == []
    missing = drive_with(())
    [warning] = missing.findings
    assert (warning.kind, warning.element) == ("mijlpaal", "aangemeld")
    assert "‘Aangemeld’" in warning.message and not warning.is_error
