"""Deploying a diagram set: every file must be valid, safe and complete, or it is
refused."""

from pathlib import Path

import pytest
from lxml import etree

import engine
from engine import DiagramInvalid

from .conftest import WORKFLOWS, full_check, shipped_catalog, variant_files

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


def the_error(files: dict[str, bytes]) -> engine.Finding:
    """The one error a full check finds in ``files``."""
    errors = [f for f in full_check(files).findings if f.is_error]
    assert len(errors) == 1, [str(f) for f in errors]
    return errors[0]


@pytest.mark.parametrize("gemeente", [None, "rivierstad"])
def test_every_demo_set_passes_the_full_check_without_findings(
    gemeente: str | None,
) -> None:
    result = full_check(variant_files(gemeente))
    assert result.findings == ()
    assert result.version is not None
    assert result.version.form_keys <= set(shipped_catalog())
    assert len(result.version.user_task_form_keys) >= 20


def test_a_form_key_without_definition_is_refused_naming_the_task() -> None:
    files = with_change(
        "intake_mb.bpmn", b'value="begeleider_koppelen"', b'value="bestaat_niet"'
    )
    err = the_error(files)
    assert err.file == "intake_mb.bpmn"
    assert err.element == "begeleider_koppelen"
    assert err.line == line_of(
        files["intake_mb.bpmn"], b'<bpmn:userTask id="begeleider_koppelen"'
    )
    assert "‘bestaat_niet’" in err.message


def test_malformed_xml_names_file_and_line() -> None:
    files = with_change("intake_mb.bpmn", b"</bpmn:userTask>", b"</bpmn:userTsk>")
    err = the_error(files)
    assert err.file == "intake_mb.bpmn"
    assert err.line == line_of(files["intake_mb.bpmn"], b"</bpmn:userTsk>")
    assert str(err).startswith(f"intake_mb.bpmn:{err.line}: -: fout: geen geldige XML")


def test_invalid_bpmn_names_file_line_and_element() -> None:
    # A sequence flow pointing at an element that does not exist.
    files = with_change(
        "vervolgtraject.bpmn",
        b'targetRef="dossier_afsluiten"',
        b'targetRef="dossier_weg"',
    )
    findings = full_check(files).findings
    flow = next(f for f in findings if "dossier_weg" in f.message)
    assert flow.file == "vervolgtraject.bpmn"
    assert flow.line == line_of(
        files["vervolgtraject.bpmn"], b'targetRef="dossier_weg"'
    )
    assert flow.element == "flow_begeleiding_afronden_to_dossier_afsluiten"


def test_a_user_task_outside_the_role_lanes_is_refused() -> None:
    files = with_change("intake_mb.bpmn", b'name="coordinator"', b'name="Klantmanager"')
    errors = [f for f in full_check(files).findings if f.is_error]
    assert sorted(f.element for f in errors) == [
        "begeleider_koppelen",
        "groep_indelen",
        "spreekuur_inplannen",
    ]
    assert "lane ‘Klantmanager’, maar dat is geen rol" in errors[0].message


def test_a_missing_called_process_is_refused() -> None:
    files = base_files()
    del files["vervolgtraject.bpmn"]
    errors = [f for f in full_check(files).findings if f.is_error]
    assert any(
        f.element == "fase_vervolgtraject" and "‘vervolgtraject’" in f.message
        for f in errors
    )


@pytest.mark.parametrize(
    "attack",
    [
        "__import__('os').system('touch {marker}')",
        "().__class__.__base__.__subclasses__()",
        "open('{marker}', 'w').write('x')",
        "getattr(aanbod_voldoet, '__class__')",
        "eval(\"__import__('os')\")",
    ],
)
def test_a_dangerous_condition_is_refused_at_deploy_and_runs_nothing(
    attack: str, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    condition = attack.format(marker=marker).encode()
    files = with_change(
        "uitvoering.bpmn",
        b'>aanbod_voldoet != "ja"<',
        b">" + condition.replace(b"'", b"&apos;") + b"<",
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    [err] = caught.value.errors
    assert err.file == "uitvoering.bpmn"
    assert err.element == "flow_aanbod_keuze_to_aanbod_bijstellen"
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
        b"pip_deadline = deadline(pip_start_datum, weeks=10)",
        script.format(marker=marker).replace("'", "&apos;").encode(),
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    assert [e.element for e in caught.value.errors] == ["termijnen_berekenen"]
    assert not marker.exists()


def test_a_dangerous_event_payload_is_refused_at_deploy() -> None:
    files = with_change(
        "brede_intake_pip.bpmn",
        b'{"besluit_naam": "de boete", "besluit_datum": handhaving_datum}',
        b"().__class__.__mro__[1].__subclasses__()",
    )
    with pytest.raises(DiagramInvalid) as caught:
        engine.build_version(files)
    assert [e.element for e in caught.value.errors] == ["escalatie_boete"]


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

    # A task already completed is gone, whichever error says so.
    done = driver.task("huisvesting_inschrijvingen").id
    driver.complete("huisvesting_inschrijvingen")
    with pytest.raises((engine.TaskNotReady, engine.TaskNotFound)):
        engine.complete_task(driver.version, driver.state, done, {}, clock=driver.clock)


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
