"""Validation a beheerder can act on: one refused diagram per class of mistake, each
with its own message, file, line and element; and every finding of a run at once."""

import pytest

import engine
from engine import FormSummary

from .conftest import base_files_without_milestone, full_check, milestone_rules

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' id="defs" targetNamespace="https://wegwijs.test">\n'
)
FORMS = {
    "gesprek": FormSummary(
        "Gesprek", {"vervolg": "normaal", "zorgen": "gezondheid", "datum": "normaal"}
    ),
    "aanmelding": FormSummary("Aanmelding", {"koppeling_datum": "normaal"}),
}


def user_task(
    task_id: str = "taak", form: str | None = "gesprek", extra: str = ""
) -> str:
    props = f'<spiffworkflow:property name="formKey" value="{form}"/>' if form else ""
    return (
        f'<bpmn:userTask id="{task_id}" name="Taak {task_id}">'
        f"<bpmn:extensionElements><spiffworkflow:properties>{props}{extra}"
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def process(
    body: str, *, lane: str = "begeleider", refs: tuple[str, ...] = ("taak",)
) -> bytes:
    lane_refs = "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs)
    return (
        (
            HEADER
            + '<bpmn:process id="traject" name="Traject" isExecutable="true">'
            + f'<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="{lane}">{lane_refs}'
            + "</bpmn:lane></bpmn:laneSet>"
            + body
            + "</bpmn:process></bpmn:definitions>\n"
        )
        .replace("><bpmn:", ">\n<bpmn:")
        .encode()
    )


SIMPLE = (
    '<bpmn:startEvent id="start"/>'
    + user_task()
    + "</bpmn:userTask>"
    + '<bpmn:endEvent id="einde"/>'
    + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="einde"/>'
)


def check(files: dict[str, bytes], **kwargs) -> list[engine.Finding]:
    kwargs.setdefault("forms", FORMS)
    return list(engine.validate(files, **kwargs).findings)


def errors(files: dict[str, bytes], **kwargs) -> list[engine.Finding]:
    return [f for f in check(files, **kwargs) if f.is_error]


def one_error(files: dict[str, bytes], **kwargs) -> engine.Finding:
    found = errors(files, **kwargs)
    assert len(found) == 1, [str(f) for f in found]
    return found[0]


def line_of(content: bytes, needle: str) -> int:
    return content[: content.index(needle.encode())].count(b"\n") + 1


def test_a_simple_valid_diagram_has_no_findings() -> None:
    result = engine.validate({"traject.bpmn": process(SIMPLE)}, forms=FORMS)
    assert result.findings == ()
    assert result.version is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<bpmn:definitions", "geen geldige XML"),
        (
            b'<?xml version="1.0"?><dmn:definitions xmlns:dmn='
            b'"https://www.omg.org/spec/DMN/20191111/MODEL/"/>',
            "geen BPMN 2.0: het hoofdelement is <definitions>",
        ),
        (
            process(SIMPLE.replace("<bpmn:endEvent", "<bpmn:eindEvent")),
            "geen geldig BPMN 2.0",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n'
            + process(SIMPLE).split(b"\n", 1)[1],
            "DOCTYPE of entity-definitie",
        ),
        (b" " * 1_000_001, "de grens is 1000 kB"),
    ],
)
def test_a_file_that_is_not_safe_bpmn_is_refused_with_its_own_message(
    content: bytes, message: str
) -> None:
    found = errors({"traject.bpmn": content})
    assert found and all(f.file == "traject.bpmn" for f in found)
    assert message in found[0].message
    assert found[0].hint


def test_an_xsd_error_names_its_line_and_every_schema_error_is_reported() -> None:
    content = process(
        SIMPLE.replace(
            '<bpmn:endEvent id="einde"/>',
            '<bpmn:endEvent id="einde"><bpmn:foo/></bpmn:endEvent>',
        ).replace('<bpmn:sequenceFlow id="f1"', '<bpmn:sequenceFlow id="f1" bogus="1"')
    ).replace(b'isExecutable="true"', b'isExecutable="misschien"')
    found = errors({"traject.bpmn": content})
    assert [f.element for f in found] == ["traject", "einde", "f1"]
    assert [f.line for f in found] == [
        line_of(content, "<bpmn:process"),
        line_of(content, "<bpmn:foo/>"),
        line_of(content, 'bogus="1"'),
    ]


def test_a_set_with_too_many_files_is_refused() -> None:
    files = {f"p{n}.bpmn": process(SIMPLE) for n in range(201)}
    assert any("de grens is 200" in f.message for f in errors(files))


def test_a_call_activity_whose_process_is_missing_is_refused() -> None:
    body = SIMPLE.replace(
        '<bpmn:endEvent id="einde"/>',
        '<bpmn:callActivity id="fase" calledElement="bestaat_niet"/>'
        '<bpmn:endEvent id="einde"/>',
    ).replace('targetRef="einde"', 'targetRef="fase"') + (
        '<bpmn:sequenceFlow id="f3" sourceRef="fase" targetRef="einde"/>'
    )
    err = one_error({"traject.bpmn": process(body)})
    assert err.element == "fase"
    assert "roept proces ‘bestaat_niet’ aan" in err.message


@pytest.mark.parametrize(
    ("body", "refs", "lane", "element", "message"),
    [
        (
            SIMPLE.replace(
                '<spiffworkflow:property name="formKey" value="gesprek"/>', ""
            ),
            ("taak",),
            "begeleider",
            "taak",
            "heeft geen formulier (formKey)",
        ),
        (
            SIMPLE.replace('value="gesprek"', 'value="onbekend"'),
            ("taak",),
            "begeleider",
            "taak",
            "gebruikt formulier ‘onbekend’, maar dat bestaat niet",
        ),
        (SIMPLE, (), "begeleider", "taak", "ligt in geen enkele lane"),
        (SIMPLE, ("taak",), "Klantmanager", "taak", "maar dat is geen rol"),
    ],
)
def test_a_user_task_needs_a_known_form_and_a_role_lane(
    body: str, refs: tuple[str, ...], lane: str, element: str, message: str
) -> None:
    err = one_error({"traject.bpmn": process(body, lane=lane, refs=refs)})
    assert err.element == element
    assert message in err.message


GATEWAY = (
    '<bpmn:startEvent id="start"/>'
    + user_task()
    + "</bpmn:userTask>"
    + '<bpmn:exclusiveGateway id="gw" name="Vervolg?" default="naar_b"/>'
    + user_task("a")
    + "</bpmn:userTask>"
    + user_task("b")
    + "</bpmn:userTask>"
    + '<bpmn:endEvent id="einde"/>'
    + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="gw"/>'
    + '<bpmn:sequenceFlow id="naar_a" sourceRef="gw" targetRef="a">'
    + "<bpmn:conditionExpression>CONDITION</bpmn:conditionExpression>"
    + "</bpmn:sequenceFlow>"
    + '<bpmn:sequenceFlow id="naar_b" sourceRef="gw" targetRef="b"/>'
    + '<bpmn:sequenceFlow id="f5" sourceRef="a" targetRef="einde"/>'
    + '<bpmn:sequenceFlow id="f6" sourceRef="b" targetRef="einde"/>'
)
GATEWAY_REFS = ("taak", "a", "b")


def gateway(condition: str = "vervolg", **replace: str) -> bytes:
    body = GATEWAY.replace("CONDITION", condition)
    for old, new in replace.items():
        body = body.replace(old, new)
    return process(body, refs=GATEWAY_REFS)


def test_the_gateway_fixture_itself_is_valid() -> None:
    assert check({"traject.bpmn": gateway()}) == []


def test_a_gateway_branch_without_a_condition_is_refused() -> None:
    content = gateway(**{' default="naar_b"': ""})
    found = check({"traject.bpmn": content})
    err = next(f for f in found if f.is_error)
    assert err.element == "naar_b"
    assert "heeft geen voorwaarde" in err.message
    warning = next(f for f in found if not f.is_error)
    assert "geen standaardtak" in warning.message


def test_an_unreachable_element_is_refused() -> None:
    body = SIMPLE + user_task("los") + "</bpmn:userTask>"
    err = one_error({"traject.bpmn": process(body, refs=("taak", "los"))})
    assert err.element == "los"
    assert "onbereikbaar" in err.message


def test_a_loop_without_a_way_out_is_refused() -> None:
    body = (
        '<bpmn:startEvent id="start"/>'
        + user_task()
        + "</bpmn:userTask>"
        + user_task("weer")
        + "</bpmn:userTask>"
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak"/>'
        + '<bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="weer"/>'
        + '<bpmn:sequenceFlow id="f3" sourceRef="weer" targetRef="taak"/>'
    )
    found = errors({"traject.bpmn": process(body, refs=("taak", "weer"))})
    assert {f.element for f in found} == {"start", "taak", "weer"}
    assert all("geen weg naar een einde" in f.message for f in found)


@pytest.mark.parametrize(
    ("content", "element", "message"),
    [
        (gateway("__import__('os')"), "naar_a", "voorwaarde"),
        (gateway("${vervolg}"), "naar_a", "JUEL-expressie"),
        (gateway("=vervolg"), "naar_a", "FEEL-expressie"),
        (
            process(
                SIMPLE.replace(
                    '<bpmn:endEvent id="einde"/>',
                    '<bpmn:scriptTask id="s"><bpmn:script>import os</bpmn:script>'
                    '</bpmn:scriptTask><bpmn:endEvent id="einde"/>',
                ).replace('targetRef="einde"', 'targetRef="s"')
                + '<bpmn:sequenceFlow id="f3" sourceRef="s" targetRef="einde"/>',
                refs=("taak", "s"),
            ),
            "s",
            "'import' is niet toegestaan",
        ),
        (
            process(
                SIMPLE.replace(
                    '<spiffworkflow:property name="formKey" value="gesprek"/>',
                    '<spiffworkflow:property name="formKey" value="gesprek"/>'
                    '<spiffworkflow:property name="dueDate" value="open(1)"/>',
                )
            ),
            "taak",
            "termijn (dueDate)",
        ),
        (
            process(
                SIMPLE.replace(
                    "</bpmn:userTask>",
                    '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
                    "<bpmn:loopCardinality>_geheim</bpmn:loopCardinality>"
                    "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>",
                )
            ),
            "taak",
            "aantal herhalingen",
        ),
        (
            process(
                SIMPLE.replace(
                    "</bpmn:userTask>",
                    "<bpmn:multiInstanceLoopCharacteristics>"
                    "<bpmn:loopDataInputRef>workshops-lijst</bpmn:loopDataInputRef>"
                    "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>",
                )
            ),
            "taak",
            "is geen variabelenaam",
        ),
    ],
)
def test_code_the_evaluator_refuses_is_refused_wherever_it_stands(
    content: bytes, element: str, message: str
) -> None:
    err = one_error({"traject.bpmn": content})
    assert err.element == element
    assert message in err.message


def timer(definition: str) -> bytes:
    body = SIMPLE.replace(
        '<bpmn:endEvent id="einde"/>',
        '<bpmn:intermediateCatchEvent id="wacht"><bpmn:timerEventDefinition>'
        f"{definition}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:endEvent id="einde"/>',
    ).replace('targetRef="einde"', 'targetRef="wacht"') + (
        '<bpmn:sequenceFlow id="f3" sourceRef="wacht" targetRef="einde"/>'
    )
    return process(body)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ('<bpmn:timeDuration>"P10Q"</bpmn:timeDuration>', "onleesbare termijn ‘P10Q’"),
        ("<bpmn:timeDuration>P10W</bpmn:timeDuration>", "niet tussen aanhalingstekens"),
        ('<bpmn:timeCycle>"R3/P1Z"</bpmn:timeCycle>', "onleesbare termijn"),
    ],
)
def test_an_unreadable_timer_is_refused(definition: str, message: str) -> None:
    err = one_error({"traject.bpmn": timer(definition)})
    assert err.element == "wacht"
    assert message in err.message
    assert '"P10W"' in err.hint


def test_a_readable_timer_passes() -> None:
    content = timer('<bpmn:timeDuration>"P12W"</bpmn:timeDuration>')
    assert check({"traject.bpmn": content}) == []


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("zorgen", "heeft privacyklasse ‘gezondheid’"),
        ("vervolgstap", "geen formulier in deze set vraagt daarnaar"),
    ],
)
def test_a_gateway_must_route_on_a_normaal_field_of_a_form_in_use(
    condition: str, message: str
) -> None:
    err = one_error({"traject.bpmn": gateway(condition)})
    assert err.element == "naar_a"
    assert message in err.message
    assert err.message.startswith("de voorwaarde van pijl ‘naar_a’ beslist op")


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (
            (
                '<bpmn:endEvent id="einde"/>',
                '<bpmn:endEvent id="einde" camunda:class="nl.X"/>',
            ),
            "Java-delegate (camunda:class)",
        ),
        (
            (
                '<bpmn:endEvent id="einde"/>',
                '<bpmn:endEvent id="einde" camunda:decisionRef="leerroute"/>',
            ),
            "beslistabel (camunda:decisionRef)",
        ),
        (
            (
                '<bpmn:endEvent id="einde"/>',
                '<bpmn:endEvent id="einde" camunda:caseRef="z"/>',
            ),
            "CMMN-zaak",
        ),
        (
            (
                '<bpmn:endEvent id="einde"/>',
                '<bpmn:endEvent id="einde"/><bpmn:dataStoreReference id="opslag"/>',
            ),
            "gegevensopslag",
        ),
    ],
)
def test_constructs_only_another_engine_runs_are_named_with_what_to_use(
    replace: tuple[str, str], message: str
) -> None:
    err = one_error({"traject.bpmn": process(SIMPLE.replace(*replace))})
    assert message in err.message
    assert err.hint


def test_a_set_that_lacks_a_legally_required_milestone_is_refused() -> None:
    files = base_files_without_milestone("pip_termijn")
    err = next(f for f in full_check(files).findings if f.is_error)
    rule = milestone_rules()["pip_termijn"]
    assert err.file == "traject.bpmn" and err.element == "traject"
    assert f"wettelijk verplichte mijlpaal ‘{rule.label}’" in err.message
    assert rule.grond in err.message


def test_an_unknown_milestone_on_a_task_is_refused() -> None:
    content = process(
        SIMPLE.replace(
            '<spiffworkflow:property name="formKey" value="gesprek"/>',
            '<spiffworkflow:property name="formKey" value="gesprek"/>'
            '<spiffworkflow:property name="milestone" value="pip_vergeten"/>',
        )
    )
    found = errors({"traject.bpmn": content}, rules=milestone_rules())
    [err] = [f for f in found if f.element == "taak"]
    assert "onbekende mijlpaal ‘pip_vergeten’" in err.message
    assert "begeleider_gekoppeld" in err.hint


def test_every_finding_of_a_file_with_several_errors_comes_in_one_run() -> None:
    content = gateway(
        "${vervolg}",
        **{
            'value="gesprek"/></spiffworkflow:properties></bpmn:extensionElements>'
            "</bpmn:userTask><bpmn:exclusiveGateway": 'value="weg"/>'
            "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
            "<bpmn:exclusiveGateway",
        },
    )
    content = content.replace(b' default="naar_b"', b"")
    found = errors({"traject.bpmn": content})
    messages = " | ".join(f.message for f in found)
    assert "JUEL-expressie" in messages
    assert "gebruikt formulier ‘weg’" in messages
    assert "heeft geen voorwaarde" in messages
    lines = {f.line for f in found}
    assert len(lines) == 3 and None not in lines
    for finding in found:
        assert finding.element and finding.hint
        assert str(finding).startswith(
            f"traject.bpmn:{finding.line}: {finding.element}: fout: "
        )


def test_a_task_can_take_its_name_from_the_case_data() -> None:
    from datetime import UTC, datetime

    named = SIMPLE.replace(
        '<spiffworkflow:property name="formKey" value="gesprek"/>',
        '<spiffworkflow:property name="formKey" value="gesprek"/>'
        '<spiffworkflow:property name="displayName"'
        ' value="f&quot;Workshop {nummer}&quot;"/>',
    )
    version = engine.build_version({"traject.bpmn": process(named)}, forms=FORMS)
    clock = engine.ManualClock(datetime(2026, 1, 5, tzinfo=UTC))
    snapshot = engine.start_case(version, {"nummer": 3}, clock=clock)
    assert [t.name for t in snapshot.ready_tasks] == ["Workshop 3"]
    refused = named.replace("f&quot;Workshop {nummer}&quot;", "__import__(1)")
    err = one_error({"traject.bpmn": process(refused)})
    assert "taaknaam (displayName)" in err.message


def test_a_juel_condition_names_its_sequence_flow() -> None:
    content = gateway("${vervolg == 'a'}").replace(
        b'<bpmn:sequenceFlow id="naar_a"', b'<bpmn:sequenceFlow id="naar_a" name="Ja"'
    )
    err = one_error({"traject.bpmn": content})
    assert err.element == "naar_a"
    assert err.line == line_of(content, "${vervolg")
    assert "bij pijl ‘Ja’ is een JUEL-expressie" in err.message


def test_findings_come_sorted_by_file_and_line() -> None:
    # Found in the order of the checks (foreign constructs, code, flow, tasks):
    # read in the order of the files.
    unsorted = process(
        SIMPLE.replace(
            '<bpmn:endEvent id="einde"/>',
            '<bpmn:endEvent id="einde"/><bpmn:userTask id="los" name="Los"'
            ' camunda:assignee="demo"/>',
        ),
        refs=("taak", "los"),
    )
    files = {"b.bpmn": unsorted, "a.bpmn": gateway("${vervolg}")}
    found = check(files, main_process="traject")
    assert len({f.file for f in found}) == 2 and len(found) >= 4
    keys = [(f.file, f.line or 0) for f in found]
    assert keys == sorted(keys), [str(f) for f in found]


def test_a_name_over_several_lines_stays_one_line_in_its_finding() -> None:
    content = process(
        SIMPLE.replace('name="Taak taak"', 'name="Gesprek&#10;  voeren&#13;&#10;nu"')
    ).replace(b'value="gesprek"', b'value="onbekend"')
    err = one_error({"traject.bpmn": content})
    assert "‘Gesprek voeren nu’" in err.message
    assert "\n" not in str(err) and "\r" not in str(err)


def test_schema_errors_in_a_file_on_one_line_name_each_wrong_element() -> None:
    # Generators write a whole diagram on one line: the line names nothing there.
    content = (
        process(
            SIMPLE.replace(
                '<bpmn:endEvent id="einde"/>',
                '<bpmn:endEvent id="einde"><bpmn:foo/></bpmn:endEvent>',
            ).replace(
                '<bpmn:sequenceFlow id="f1"', '<bpmn:sequenceFlow id="f1" bogus="1"'
            )
        )
        .replace(b'isExecutable="true"', b'isExecutable="misschien"')
        .replace(b">\n<", b"><")
    )
    assert content.count(b"\n") == 1  # all of it on one line
    found = errors({"traject.bpmn": content})
    assert [f.element for f in found] == ["traject", "einde", "f1"]


# ---- messages between the tracks of one case ----

MESSAGE = '<bpmn:message id="m" name="klaar"/>'


def with_message(body: str, message: str = MESSAGE) -> bytes:
    """A process that declares message ``m`` ('klaar') before the process."""
    return process(body).replace(
        b"<bpmn:process", f"{message}\n<bpmn:process".encode(), 1
    )


def throwing_end() -> str:
    return SIMPLE.replace(
        '<bpmn:endEvent id="einde"/>',
        '<bpmn:endEvent id="einde"><bpmn:messageEventDefinition id="md"'
        ' messageRef="m"/></bpmn:endEvent>',
    )


def catching_boundary() -> str:
    return SIMPLE + (
        '<bpmn:boundaryEvent id="rand" attachedToRef="taak">'
        '<bpmn:outgoing>f3</bpmn:outgoing><bpmn:messageEventDefinition id="mc"'
        ' messageRef="m"/></bpmn:boundaryEvent><bpmn:endEvent id="einde2"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="rand" targetRef="einde2"/>'
    )


def test_a_message_thrown_and_caught_inside_the_set_is_allowed() -> None:
    both = throwing_end() + catching_boundary().replace(SIMPLE, "")
    assert errors({"traject.bpmn": with_message(both)}) == []


def test_a_message_nobody_throws_is_refused() -> None:
    err = one_error({"traject.bpmn": with_message(catching_boundary())})
    assert "wacht op bericht ‘klaar’, maar geen enkel proces" in err.message
    assert err.element == "rand"


def test_a_message_nobody_waits_for_is_a_warning() -> None:
    found = check({"traject.bpmn": with_message(throwing_end())})
    assert not [f for f in found if f.is_error]
    [warning] = [f for f in found if "bericht" in f.message]
    assert warning.message.endswith("stuurt bericht ‘klaar’, maar niemand wacht erop")
    assert warning.element == "einde"


def test_a_case_is_not_started_by_a_message() -> None:
    started = SIMPLE.replace(
        '<bpmn:startEvent id="start"/>',
        '<bpmn:startEvent id="start"><bpmn:messageEventDefinition id="ms"'
        ' messageRef="m"/></bpmn:startEvent>',
    )
    found = errors({"traject.bpmn": with_message(started)})
    assert any("niet met een bericht" in f.hint for f in found)


# ---- escalations from a called process to the one that calls it ----

ESCALATION = '<bpmn:escalation id="e" name="boete_opgelegd" escalationCode="boete"/>'


def throwing_escalation() -> str:
    return SIMPLE.replace(
        '<bpmn:endEvent id="einde"/>',
        '<bpmn:endEvent id="einde"><bpmn:escalationEventDefinition id="ed"'
        ' escalationRef="e"/></bpmn:endEvent>',
    )


def catching_escalation(ref: str = ' escalationRef="e"') -> str:
    return SIMPLE + (
        '<bpmn:boundaryEvent id="rand" attachedToRef="taak" cancelActivity="false">'
        "<bpmn:outgoing>f3</bpmn:outgoing>"
        f'<bpmn:escalationEventDefinition id="ec"{ref}/>'
        '</bpmn:boundaryEvent><bpmn:endEvent id="einde2"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="rand" targetRef="einde2"/>'
    )


def test_an_escalation_thrown_and_caught_inside_the_set_is_allowed() -> None:
    both = throwing_escalation() + catching_escalation().replace(SIMPLE, "")
    found = check({"traject.bpmn": with_message(both, ESCALATION)})
    assert not [f for f in found if "escalatie" in f.message]


def test_an_escalation_nobody_catches_is_a_warning_naming_its_code() -> None:
    """A gemeente's traject without the boundary events: the boete is imposed and
    the bezwaar never opens, so the beheerder hears of it before deploying."""
    found = check({"traject.bpmn": with_message(throwing_escalation(), ESCALATION)})
    assert not [f for f in found if f.is_error]
    [warning] = [f for f in found if "escalatie" in f.message]
    assert "geeft escalatie ‘boete’ door, maar geen randgebeurtenis" in warning.message
    assert warning.element == "einde"


def test_a_boundary_that_catches_every_escalation_silences_the_warning() -> None:
    both = throwing_escalation() + catching_escalation(ref="").replace(SIMPLE, "")
    found = check({"traject.bpmn": with_message(both, ESCALATION)})
    assert not [f for f in found if "escalatie" in f.message]


def test_an_escalation_nobody_throws_is_refused() -> None:
    err = one_error({"traject.bpmn": with_message(catching_escalation(), ESCALATION)})
    assert "wacht op escalatie ‘boete’, maar geen enkel proces" in err.message
    assert err.element == "rand"
