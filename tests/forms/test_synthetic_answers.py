"""Answers for a proefrit come from the form definition: one ordinary set, then one
set per value worth trying of each field the process reads."""

from datetime import date

from forms.registry import load_registry
from forms.synthetic import answer_sets, describe

TODAY = date(2026, 1, 5)


def test_every_choice_of_a_field_the_process_reads_gets_a_set_of_its_own() -> None:
    definition = load_registry().get("pip_opstellen")
    sets = answer_sets(definition, today=TODAY, read={"leerroute"})
    routes = {s["leerroute"] for s in sets}
    field = next(f for f in definition.fields if f.name == "leerroute")
    assert routes == {value for value, _label in field.choices}
    assert all(s.keys() == sets[0].keys() for s in sets)


def test_only_fields_that_enter_the_engine_are_answered() -> None:
    definition = load_registry().get("aanmelding")
    [ordinary, *_rest] = answer_sets(definition, today=TODAY, read=set())
    engine_fields = {f.name for f in definition.fields if f.privacy == "normaal"}
    assert set(ordinary) == engine_fields
    assert "bsn" not in ordinary and "voornaam" not in ordinary


def test_an_optional_field_the_process_reads_is_also_left_empty() -> None:
    definition = load_registry().get("begeleiding_evaluatie")
    sets = answer_sets(definition, today=TODAY, read={"volgende_evaluatie_datum"})
    assert TODAY.isoformat() == sets[0]["volgende_evaluatie_datum"]
    assert any(s["volgende_evaluatie_datum"] is None for s in sets[1:])


def test_answers_read_as_a_beheerder_reads_them() -> None:
    assert describe({"aanwezig": False, "reden": None, "route": "b1"}) == (
        "aanwezig = nee; reden = leeg; route = b1"
    )
