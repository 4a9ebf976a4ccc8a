"""No diagram script or condition reaches anything that is not on the allowlist.

Each escape below is replayed three ways: the studio check refuses it naming the script
task, the evaluator refuses it at run time whatever the check said, and the guard that
every attribute read goes through refuses the attribute itself. None may leave a file
on the server.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine import ManualClock
from engine.sandbox import guarded_getattr, guarded_getitem, guarded_write
from engine.scripting import RestrictedEnvironment, deadline

from .test_diagrams import with_change

CLOCK = ManualClock(datetime(2026, 1, 5, 9, tzinfo=UTC))

# The route the audit took to the operating system: Wegwijs's own wrapper for string
# methods (a functools.partial, reached as ''.join.func) took a method name as a
# string and called plain getattr with it.
THE_ROUTE = """\
g = ''.join.func
t = g((), '__getattribute__', '__class__')
o = g(t, 'mro')[-1]
found = None
for c in g(o, '__subclasses__'):
    if '_wrap_close' in str(c):
        found = c
init = g(o, '__getattribute__', found, '__init__')
gl = g(o, '__getattribute__', init, '__globals__')
gl['system']('touch {marker}')
"""

ESCAPES = {
    "the audit's route": THE_ROUTE,
    # CVE-2023-37271: a generator's frame leads to the caller's globals.
    "CVE-2023-37271 gi_frame": (
        "gen = (x for x in [1])\n"
        "g = gen.gi_frame.f_back.f_back.f_globals\n"
        "g['os'].system('touch {marker}')"
    ),
    # CVE-2023-41039: str.format walks attributes given in the format string.
    "CVE-2023-41039 format": (
        "gen = (x for x in [1])\nleak = '{{0.gi_frame.f_back}}'.format(gen)"
    ),
    "CVE-2023-41039 format_map": (
        "leak = '{{a.gi_frame}}'.format_map({{'a': (x for x in [1])}})"
    ),
    # CVE-2024-47532: the object an AttributeError names, caught with 'as'.
    "CVE-2024-47532 AttributeError.obj": (
        "try:\n    x = 'a'.foo\nexcept AttributeError as e:\n    o = e.obj"
    ),
    "CVE-2024-47532 variant with NameError": (
        "try:\n    x = y\nexcept NameError as e:\n    o = e.name"
    ),
    # CVE-2025-22153: try/except* confuses the guards (Python 3.11+).
    "CVE-2025-22153 except*": ("try:\n    x = 1\nexcept* ValueError:\n    pass"),
    # CVE-2026-55830: a positional-only parameter named like a guard hook.
    "CVE-2026-55830 def": ("def f(a, getattr_hook=None, /):\n    return a\nx = f(1)"),
    "CVE-2026-55830 lambda": "f = (lambda a, /: a)\nx = f(1)",
    # CVE-2026-76825: string.Formatter resolving fields.
    "CVE-2026-76825 Formatter": (
        "import string\nx = string.Formatter().get_field('0.gi_frame', [1], {{}})"
    ),
    "bound method __self__": "m = {{}}.get\nx = m.__self__",
    "function globals via a helper": "g = deadline.__globals__",
    "attribute name on the list, on a type": "j = str.join\nx = j('', ['a'])",
    "attribute name on the list, on a function": "x = deadline.get",
    "type()": "x = type(1)",
    "vars()": "x = vars()",
    "dir()": "x = dir()",
    "getattr()": "x = getattr('', 'join')",
    "globals()": "x = globals()",
    "class definition": "class A:\n    pass",
    "subclasses of object": "x = ().__class__.__base__.__subclasses__()",
    "attribute assignment": "d = {{}}\nd.x = 1",
    "catching the engine's own stop": ("try:\n    x = 1\nexcept Exception:\n    pass"),
    "bare except": "try:\n    x = 1\nexcept:\n    pass",
    "try finally": "try:\n    x = 1\nfinally:\n    x = 2",
    "star unpacking": "a = [1]\nb = [*a]",
    "double star": "d = {{}}\nx = dict(**d)",
    "set literal": "x = {{1, 2}}",
    "walrus": "x = (y := 1)",
    "raise": "raise ValueError('x')",
    "with": "with x:\n    pass",
    "bytes": "x = b'abc'",
    "print": "print('x')",
    "isinstance": "x = isinstance(1, int)",
}


def _script(source: str, marker: Path) -> str:
    return source.format(marker=marker)


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_an_escape_is_refused_at_validation_naming_the_script_task(
    name: str, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    script = _script(ESCAPES[name], marker)
    xml = (
        script.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")
    ).encode()
    files = with_change(
        "aanmelding.bpmn", b"pip_deadline = deadline(pip_start_datum, weeks=10)", xml
    )
    with pytest.raises(engine.DiagramInvalid) as caught:
        engine.build_version(files)
    errors = caught.value.errors
    assert [e.element for e in errors] == ["termijnen_berekenen"], name
    assert "niet toegestaan" in errors[0].message
    assert not marker.exists()


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_an_escape_is_refused_at_run_time_whatever_validation_said(
    name: str, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(engine.ScriptRefused):
        RestrictedEnvironment().execute(_script(ESCAPES[name], marker), {})
    assert not marker.exists()


def test_a_stored_diagram_is_not_trusted_either(tmp_path: Path) -> None:
    """A version already in the database is only parsed, not validated again; its
    scripts are still refused when a case runs them."""
    marker = tmp_path / "pwned"
    script = _script(THE_ROUTE, marker).replace("'", "&apos;").encode()
    files = with_change(
        "aanmelding.bpmn",
        b"pip_deadline = deadline(pip_start_datum, weeks=10)",
        script,
    )
    version = engine.load_version(files)
    with pytest.raises(engine.WorkflowFailed) as caught:
        engine.start_case(
            version,
            {"koppeling_datum": "2026-01-05", "datum_binnenkomst": "2026-01-05"},
            clock=CLOCK,
        )
    assert "niet toegestaan" in str(caught.value)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        ("".join, "func"),
        ("".join, "__self__"),
        ({}.get, "__self__"),
        (deadline, "__globals__"),
        (deadline, "get"),
        ((x for x in [1]), "gi_frame"),
        (str, "join"),
        (str, "__subclasses__"),
        (object, "__subclasses__"),
        (ValueError("x"), "args"),
        ("", "format"),
        ("", "format_map"),
        ("", "__class__"),
        ([], "__class__"),
        (range(3), "index"),
        (date(2026, 1, 5), "fromisoformat"),
        (datetime(2026, 1, 5), "tzinfo"),
        (Decimal(1), "as_tuple"),
    ],
)
def test_the_guard_permits_no_attribute_that_is_not_listed_for_the_exact_type(
    obj: object, name: str
) -> None:
    with pytest.raises(engine.ScriptRefused, match="niet toegestaan"):
        guarded_getattr(obj, name)


def test_the_checked_methods_are_closures_with_nothing_to_reach() -> None:
    join = guarded_getattr("-", "join")
    assert join(["a", "b"]) == "a-b"
    for attribute in ("func", "__self__", "__closure__", "__globals__"):
        with pytest.raises(engine.ScriptRefused):
            guarded_getattr(join, attribute)


def test_items_are_read_and_written_only_on_data() -> None:
    with pytest.raises(engine.ScriptRefused):
        guarded_getitem(deadline, 0)
    with pytest.raises(engine.ScriptRefused):
        guarded_write("text")
    assert guarded_getitem({"a": 1}, "a") == 1


def test_values_that_are_not_plain_data_are_out_of_reach() -> None:
    env = RestrictedEnvironment()
    with pytest.raises(NameError):
        env.evaluate("obj", {"obj": object()})
    assert env.evaluate("n + 1", {"n": 1, "obj": object()}) == 2
    context = {"obj": object(), "n": 1}
    with pytest.raises(NameError):
        env.execute("x = obj", context)
    assert set(context) == {"obj", "n"}, "the case data is left as it was"


def test_sum_adds_numbers_only_since_adding_lists_copies_inside_c() -> None:
    env = RestrictedEnvironment()
    assert env.evaluate("sum([1, 2.5])", {}) == 3.5
    with pytest.raises(engine.ScriptRefused, match="sum"):
        env.evaluate("sum([[0] * 1000] * 1000, [])", {})


def test_ordinary_scripts_keep_working_on_every_data_type() -> None:
    env = RestrictedEnvironment()
    context = {
        "naam": "  Amina  ",
        "talen": ["ar", "nl"],
        "antwoorden": {"a": 1},
        "start": date(2026, 1, 5),
        "moment": datetime(2026, 1, 5, 9),
        "duur": timedelta(days=3),
        "bedrag": Decimal("12.50"),
    }
    env.execute(
        "schoon = naam.strip().upper()\n"
        "talen.append('en')\n"
        "aantal = len([t for t in talen if t.startswith('a')])\n"
        "a = antwoorden.get('a', 0) + antwoorden.get('b', 0)\n"
        "jaar = start.year\n"
        "dag = moment.date().isoformat()\n"
        "dagen = duur.days\n"
        "totaal = bedrag * 2\n"
        "regel = '-'.join(sorted(talen))\n"
        "try:\n"
        "    x = antwoorden['b']\n"
        "except KeyError:\n"
        "    x = None\n"
        "eind = deadline('2026-01-05', weeks=10)\n"
        "tekst = f'{jaar}: {schoon!r:>10}'\n",
        context,
    )
    assert context["schoon"] == "AMINA"
    assert context["aantal"] == 1
    assert context["a"] == 1
    assert context["jaar"] == 2026
    assert context["dag"] == "2026-01-05"
    assert context["dagen"] == 3
    assert context["totaal"] == Decimal("25.00")
    assert context["regel"] == "ar-en-nl"
    assert context["x"] is None
    assert context["eind"].startswith("2026-03-16")


@pytest.mark.parametrize(
    "condition",
    ["naam.upper() == 'A'", "talen.count('nl') > 0"],
)
def test_conditions_and_timers_use_no_attributes_at_all(condition: str) -> None:
    with pytest.raises(engine.ScriptRefused, match="attribuut"):
        RestrictedEnvironment().evaluate(condition, {"naam": "a", "talen": []})


def test_a_script_cannot_swallow_the_stop_of_its_budget() -> None:
    env = RestrictedEnvironment()
    loop = (
        "n = 0\n"
        "while n >= 0:\n"
        "    try:\n"
        "        n = n + 1\n"
        "    except (ValueError, TypeError, NameError, KeyError):\n"
        "        n = 0\n"
    )
    with engine.limits.metered(engine.Budget(max_lines=20_000)):
        with pytest.raises(engine.limits.BudgetExceeded):
            env.execute(loop, {})
