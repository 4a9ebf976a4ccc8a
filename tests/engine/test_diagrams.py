"""Deploying a diagram set: every file must be valid, safe and complete, or it is
refused."""

from pathlib import Path

import pytest
from lxml import etree

import engine
from engine import DiagramInvalid
from forms.registry import default_registry

from .conftest import WORKFLOWS

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
}


def base_files() -> dict[str, bytes]:
    return engine.collect_diagrams(WORKFLOWS)


def line_of(content: bytes, needle: bytes) -> int:
    return content[: content.index(needle)].count(b"\n") + 1


def with_change(name: str, old: bytes, new: bytes) -> dict[str, bytes]:
    files = base_files()
    assert old in files[name], f"{old!r} not in {name}"
    files[name] = files[name].replace(old, new, 1)
    return files


@pytest.mark.parametrize("gemeente", [None, "rivierstad"])
def test_every_form_key_used_by_a_diagram_exists(gemeente: str | None) -> None:
    version = engine.build_version(
        engine.collect_diagrams(WORKFLOWS, gemeente),
        form_keys=set(default_registry().keys()),
    )
    assert version.form_keys <= set(default_registry().keys())
    assert len(version.user_task_form_keys) >= 20


def test_a_form_key_without_definition_is_refused_naming_the_task() -> None:
    files = with_change(
        "aanmelding.bpmn", b'value="begeleider_koppelen"', b'value="bestaat_niet"'
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files, form_keys=set(default_registry().keys()))
    err = caught.value
    assert err.file_name == "aanmelding.bpmn"
    assert err.element == "userTask 'begeleider_koppelen'"
    assert err.line == line_of(
        files["aanmelding.bpmn"], b'<bpmn:userTask id="begeleider_koppelen"'
    )
    assert "bestaat_niet" in err.message


def test_malformed_xml_names_file_and_line() -> None:
    files = with_change("intake_mb.bpmn", b"</bpmn:userTask>", b"</bpmn:userTsk>")
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    assert caught.value.file_name == "intake_mb.bpmn"
    assert caught.value.line == line_of(files["intake_mb.bpmn"], b"</bpmn:userTsk>")
    assert "intake_mb.bpmn:" in str(caught.value)


def test_invalid_bpmn_names_file_line_and_element() -> None:
    # A sequence flow pointing at an element that does not exist.
    files = with_change(
        "vervolgtraject.bpmn",
        b'targetRef="dossier_afsluiten"',
        b'targetRef="dossier_weg"',
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    err = caught.value
    assert err.file_name == "vervolgtraject.bpmn"
    assert err.line == line_of(files["vervolgtraject.bpmn"], b'targetRef="dossier_weg"')
    assert (
        err.element == "sequenceFlow 'flow_uitkomst_eindgesprek_to_dossier_afsluiten'"
    )
    assert "dossier_weg" in err.message


def test_a_user_task_outside_the_role_lanes_is_refused() -> None:
    files = with_change(
        "aanmelding.bpmn", b'name="coordinator"', b'name="Klantmanager"'
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    assert caught.value.element == "userTask 'begeleider_koppelen'"
    assert "Klantmanager" in caught.value.message


def test_a_missing_called_process_is_refused() -> None:
    files = base_files()
    del files["vervolgtraject.bpmn"]
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    assert "vervolgtraject" in str(caught.value)


@pytest.mark.parametrize(
    "attack",
    [
        "__import__('os').system('touch {marker}')",
        "().__class__.__base__.__subclasses__()",
        "open('{marker}', 'w').write('x')",
        "getattr(bezwaar_gewenst, '__class__')",
        "eval(\"__import__('os')\")",
    ],
)
def test_a_dangerous_condition_is_refused_at_deploy_and_runs_nothing(
    attack: str, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    condition = attack.format(marker=marker).encode()
    files = with_change(
        "brede_intake_pip.bpmn",
        b">bezwaar_gewenst<",
        b">" + condition.replace(b"'", b"&apos;") + b"<",
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    err = caught.value
    assert err.file_name == "brede_intake_pip.bpmn"
    assert err.element == "sequenceFlow 'flow_bezwaar_to_bezwaar_behandelen'"
    assert err.line is not None and "geweigerd" in err.message
    assert not marker.exists()


@pytest.mark.parametrize(
    "script",
    [
        "import os\nos.system('touch {marker}')",
        "x = ().__class__.__mro__[1].__subclasses__()",
        "f = open('{marker}', 'w')",
    ],
)
def test_a_dangerous_script_is_refused_at_deploy(script: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    files = with_change(
        "aanmelding.bpmn",
        b"pip_deadline = deadline(koppeling_datum, weeks=10)",
        script.format(marker=marker).replace("'", "&apos;").encode(),
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    assert caught.value.element == "scriptTask 'termijnen_berekenen'"
    assert not marker.exists()


def test_the_runtime_evaluator_refuses_even_what_skipped_the_deploy_check(
    tmp_path: Path,
) -> None:
    """Defence in depth: the evaluator itself refuses, whatever reaches it."""
    from engine.scripting import RestrictedEnvironment

    marker = tmp_path / "pwned"
    env = RestrictedEnvironment()
    for source in (
        f"__import__('os').system('touch {marker}')",
        "().__class__.__base__.__subclasses__()",
        f"open('{marker}', 'w')",
    ):
        with pytest.raises(engine.ScriptRefused):
            env.evaluate(source, {})
    with pytest.raises(engine.ScriptRefused):
        env.execute(f"import os\nos.system('touch {marker}')", {})
    assert not marker.exists()
    # Ordinary expressions still work, on the case's data.
    assert env.evaluate(
        'vorm == "groep" and len(items) == 2', {"vorm": "groep", "items": [1, 2]}
    )
    context = {"n": 1}
    env.execute("n += 1\nlabels = [str(i) for i in range(n)]", context)
    assert context == {"n": 2, "labels": ["0", "1"]}


def test_case_data_cannot_smuggle_in_builtins() -> None:
    version = engine.build_version(base_files())
    with pytest.raises(ValueError, match="__builtins__"):
        engine.start_case(
            version,
            {"koppeling_datum": "2026-01-05", "__builtins__": {}},
            clock=engine.SystemClock(),
        )


@pytest.mark.parametrize(
    "path", sorted(WORKFLOWS.rglob("*.bpmn")), ids=lambda p: p.name
)
def test_every_diagram_has_complete_diagram_interchange(path: Path) -> None:
    """So it opens and renders in bpmn.io / Camunda Modeler without missing shapes."""
    tree = etree.parse(str(path))
    drawn = {el.get("bpmnElement") for el in tree.iterfind(".//bpmndi:BPMNShape", NS)}
    drawn |= {el.get("bpmnElement") for el in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    flow_nodes = tree.xpath(
        "//bpmn:process//*[bpmn:incoming or bpmn:outgoing or self::bpmn:startEvent]/@id"
        " | //bpmn:sequenceFlow/@id | //bpmn:lane/@id | //bpmn:participant/@id",
        namespaces=NS,
    )
    missing = set(flow_nodes) - drawn
    assert not missing, f"{path.name}: no shape or edge for {sorted(missing)}"
    for edge in tree.iterfind(".//bpmndi:BPMNEdge", NS):
        assert (
            len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2
        )


def test_state_holds_no_diagram_specs_and_round_trips(driver) -> None:
    driver.start()
    driver.run_until("intake_gesprek")
    state = driver.state
    assert "spec" not in state and "subprocess_specs" not in state
    again = engine.inspect_case(driver.version, state, clock=driver.clock)
    assert [t.id for t in again.ready_tasks] == [t.id for t in driver.ready()]


def test_completing_a_task_that_is_not_ready_changes_nothing(driver) -> None:
    driver.start()
    state = driver.state
    snapshot_before = repr(state)
    with pytest.raises(engine.TaskNotFound):
        engine.complete_task(
            driver.version,
            state,
            "00000000-0000-0000-0000-000000000000",
            {},
            clock=driver.clock,
        )
    with pytest.raises(engine.TaskNotFound):
        engine.complete_task(driver.version, state, "geen-uuid", {}, clock=driver.clock)
    start_event = next(
        t for t, v in state["tasks"].items() if v["task_spec"] == "Start"
    )
    with pytest.raises(engine.TaskNotReady):
        engine.complete_task(driver.version, state, start_event, {}, clock=driver.clock)
    assert repr(state) == snapshot_before

    # A task already completed (its phase finished) is gone, whichever error says so.
    koppelen = driver.task("begeleider_koppelen").id
    driver.complete("begeleider_koppelen")
    with pytest.raises((engine.TaskNotReady, engine.TaskNotFound)):
        engine.complete_task(
            driver.version, driver.state, koppelen, {}, clock=driver.clock
        )


def test_declared_processes_are_a_files_top_level_processes() -> None:
    files = base_files()
    assert engine.declared_processes(files["brede_intake_pip.bpmn"]) == {
        "brede_intake_pip": "Brede intake en PIP"
    }
    assert engine.declared_processes(files["traject.bpmn"]) == {
        "traject": "Traject maatschappelijke begeleiding"
    }
    with pytest.raises(DiagramInvalid):
        engine.declared_processes(b"<bpmn:definitions")
