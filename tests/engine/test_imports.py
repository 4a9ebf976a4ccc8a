"""Diagrams from other modelers: what Wegwijs converts, and what it names instead.

The fixtures are written the way Camunda Modeler 5 writes a user task (camunda:
attributes on the task, JUEL in conditions, a name with a line break as &#10;):
Camunda's own example files are not available offline.
"""

from datetime import UTC, date, datetime

import pytest

import engine

from .test_validation import FORMS, HEADER, check, errors, line_of

# A factuur to approve: the task's deadline in camunda:dueDate, its name on two lines
# in the diagram, JUEL on the two branches of the gateway after it.
CAMUNDA_TASK = (
    '<bpmn:userTask id="goedkeuren" name="Factuur&#10;goedkeuren"'
    ' camunda:dueDate="DUE">'
    "<bpmn:extensionElements><spiffworkflow:properties>"
    '<spiffworkflow:property name="formKey" value="gesprek"/>'
    "</spiffworkflow:properties></bpmn:extensionElements>"
    "</bpmn:userTask>"
)


def camunda_process(due: str = "${betaaldatum}", task: str = CAMUNDA_TASK) -> str:
    body = (
        '<bpmn:startEvent id="start"/>'
        + task.replace("DUE", due)
        + '<bpmn:endEvent id="einde"/>'
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="goedkeuren"/>'
        + '<bpmn:sequenceFlow id="f2" sourceRef="goedkeuren" targetRef="einde"/>'
    )
    return (
        HEADER
        + '<bpmn:process id="traject" name="Traject" isExecutable="true">'
        + '<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="begeleider">'
        + "<bpmn:flowNodeRef>goedkeuren</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        + body
        + "</bpmn:process></bpmn:definitions>\n"
    ).replace("><bpmn:", ">\n<bpmn:")


def due_of_first_task(text: str, data: dict) -> date | None:
    version = engine.build_version({"traject.bpmn": text.encode()}, forms=FORMS)
    clock = engine.ManualClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    snapshot = engine.start_case(version, data, clock=clock)
    [task] = snapshot.ready_tasks
    return task.due


def test_a_camunda_due_date_from_a_variable_becomes_the_tasks_wegwijs_deadline() -> (
    None
):
    converted, conversions = engine.convert_camunda(camunda_process())
    assert "camunda:dueDate" not in converted
    assert [c.element for c in conversions] == ["goedkeuren"]
    assert "‘${betaaldatum}’" in conversions[0].message
    assert "Factuur goedkeuren" in conversions[0].message
    assert check({"traject.bpmn": converted.encode()}) == []
    # The deadline works: the task is due on the date the case data holds.
    assert due_of_first_task(converted, {"betaaldatum": "2026-02-16"}) == date(
        2026, 2, 16
    )


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("2026-03-01T17:00:00+01:00", date(2026, 3, 1)),
        ("#{ betaaldatum }", date(2026, 2, 16)),
    ],
)
def test_a_fixed_iso_date_or_a_plain_variable_is_converted(
    due: str, expected: date
) -> None:
    converted, conversions = engine.convert_camunda(camunda_process(due))
    assert len(conversions) == 1 and "camunda:dueDate" not in converted
    assert due_of_first_task(converted, {"betaaldatum": "2026-02-16"}) == expected


@pytest.mark.parametrize(
    "due",
    [
        "${dateTime().plusDays(2).toDate()}",
        "${factuur.vervaldatum}",
        "P14D",
        "2026-02-30",
        "volgende week",
    ],
)
def test_a_due_date_wegwijs_cannot_read_is_kept_and_named_in_a_finding(
    due: str,
) -> None:
    original = camunda_process(due)
    converted, conversions = engine.convert_camunda(original)
    assert (converted, conversions) == (original, [])
    content = converted.encode()
    [finding] = errors({"traject.bpmn": content})
    assert finding.element == "goedkeuren"
    assert finding.line == line_of(content, '<bpmn:userTask id="goedkeuren"')
    assert f"camunda:dueDate ‘{due}’" in finding.message
    assert "wordt niet gelezen" in finding.message
    assert "dueDate" in finding.hint and "dueInDays" in finding.hint


def test_a_task_with_its_own_wegwijs_deadline_is_not_given_a_second_one() -> None:
    own = CAMUNDA_TASK.replace(
        'value="gesprek"/>',
        'value="gesprek"/><spiffworkflow:property name="dueInDays" value="14"/>',
    )
    original = camunda_process(task=own)
    assert engine.convert_camunda(original) == (original, [])
    [finding] = errors({"traject.bpmn": original.encode()})
    assert "al een Wegwijs-termijn" in finding.hint


def test_the_converted_property_lands_where_bpmn_wants_it_in_a_task_without_any() -> (
    None
):
    bare = (
        '<bpmn:userTask id="goedkeuren" name="Goedkeuren" camunda:dueDate="DUE">'
        "<bpmn:documentation>Controleer de factuur.</bpmn:documentation>"
        "<bpmn:incoming>f1</bpmn:incoming></bpmn:userTask>"
    )
    converted, conversions = engine.convert_camunda(
        camunda_process("2026-03-01", task=bare)
    )
    assert len(conversions) == 1
    # Valid BPMN (extensionElements after documentation): the only finding left is
    # the missing form, which the beheerder chooses in the panel.
    [finding] = errors({"traject.bpmn": converted.encode()})
    assert "geen formulier" in finding.message
    wanted = 'name="dueDate" value="&quot;2026-03-01&quot;"/>'
    assert f"<spiffworkflow:property {wanted}" in converted


def test_a_diagram_without_camunda_deadlines_comes_back_byte_for_byte() -> None:
    text = camunda_process().replace(' camunda:dueDate="${betaaldatum}"', "")
    assert engine.convert_camunda(text) == (text, [])
    assert engine.convert_camunda("<niet-af") == ("<niet-af", [])
