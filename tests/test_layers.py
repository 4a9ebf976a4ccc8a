"""The house is one-way: the import-linter contracts in pyproject.toml (the floors of
the webui apps, the libraries that know no web app, the engine without Django) hold,
the drawing of the imports between apps has no circle and no arrow back up, and no
import between apps hides inside a function to dodge a circle."""

import ast
import tomllib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import registry

ROOT = Path(__file__).resolve().parents[1]

# Imports inside a function that cross from one webui app into another, and why
# they may (none dodges a circle).
FUNCTION_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    configuration.configure()
    registry.register(LayersContract, "layers")
    registry.register(ForbiddenContract, "forbidden")
    options = use_cases.read_user_options(config_filename=str(ROOT / "pyproject.toml"))
    return use_cases.create_report(options, cache_dir=None)


def _contract(report, name: str):  # type: ignore[no-untyped-def]
    return next(c for c, _check in report.get_contracts_and_checks() if c.name == name)


FLOORS = "The webui apps form a one-way house"


def test_the_graph_is_of_this_tree(report) -> None:  # type: ignore[no-untyped-def]
    """The contracts read the code under test, not an installed copy of it."""
    assert {"webui.access", "webui.logs.models"} <= set(report.graph.modules)


def test_every_contract_is_kept(report) -> None:  # type: ignore[no-untyped-def]
    broken = [
        c.name for c, check in report.get_contracts_and_checks() if not check.kept
    ]
    assert broken == []
    assert report.contains_failures is False


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # The ground floor reaching up into a case.
        ("webui.logs.models", "webui.cases.models"),
        # A model reaching up into need-to-know.
        ("webui.cases.models", "webui.access"),
        # Need-to-know reaching up into a page.
        ("webui.access.cases", "webui.casepages.views"),
        # Two rooms of one floor that do not know each other.
        ("webui.studio.views", "webui.users.services"),
    ],
)
def test_an_arrow_back_up_breaks_the_floors(report, importer, imported) -> None:  # type: ignore[no-untyped-def]
    contract = _contract(report, FLOORS)
    graph = report.graph
    assert contract.check(graph, verbose=False).kept
    graph.add_import(importer=importer, imported=imported)
    try:
        assert not contract.check(graph, verbose=False).kept
    finally:
        graph.remove_import(importer=importer, imported=imported)


# The arrows that ran both ways between apps before the upper modules of cases, tasks
# and accounts moved into rooms of their own (issue 17), and the log that reached up
# into the request plumbing. Each, put back, breaks the floors.
BACK_ARROWS = [
    # A case selector or service back in cases, asking need-to-know.
    ("webui.cases.tracks", "webui.access"),
    # The queue's services back in tasks, asking who may work on a task.
    ("webui.tasks.drafts", "webui.access"),
    # The middleware or the two-factor pages back in accounts, asking for roles.
    ("webui.accounts.selectors", "webui.access"),
    # Need-to-know reaching up into the case services.
    ("webui.access.cases", "webui.casework.services"),
    # The case records reaching into the task records ...
    ("webui.cases.models", "webui.tasks.models"),
    # ... and the task records into the case selectors (the task page's needs).
    ("webui.tasks.drafts", "webui.casework.summary"),
    # The queue reaching up into the case services that project onto it.
    ("webui.taskwork.services", "webui.casework.services"),
    # The log reaching up into the request plumbing for the client's address.
    ("webui.logs.services", "webui.middleware"),
]


@pytest.mark.parametrize(("importer", "imported"), BACK_ARROWS)
def test_a_two_way_pair_of_old_breaks_the_floors_and_the_drawing(  # type: ignore[no-untyped-def]
    report, importer, imported
) -> None:
    contract = _contract(report, FLOORS)
    graph = report.graph
    assert _two_way(_drawing(graph)) == set()
    graph.add_import(importer=importer, imported=imported)
    try:
        assert not contract.check(graph, verbose=False).kept
        back = (_room(importer), _room(imported))
        assert back in _arrows_up(_drawing(graph)) | _two_way(_drawing(graph))
    finally:
        graph.remove_import(importer=importer, imported=imported)


def _floors() -> list[set[str]]:
    """The rooms of the floors contract, top floor first."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["name"] == FLOORS)["layers"]
    return [{room.strip() for room in layer.split("|")} for layer in layers]


def _room(module: str) -> str | None:
    """The app (or top-level module) of webui a module belongs to."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "webui" and len(parts) > 1 else None


def _drawing(graph) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The imports between the rooms of webui: (importer's app, imported app)."""
    arrows = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            here, there = _room(module), _room(imported)
            if here and there and here != there:
                arrows.add((here, there))
    return arrows


def _two_way(arrows: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in arrows if (b, a) in arrows}


def _arrows_up(arrows: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The arrows that do not point to a lower floor (or point between rooms of one)."""
    floor = {room: n for n, rooms in enumerate(_floors()) for room in rooms}
    return {(a, b) for a, b in arrows if floor[a] >= floor[b]}


def test_every_room_of_webui_is_on_one_floor_and_whole() -> None:
    """The floors name whole apps (no app split over floors, no ':' that lets two
    rooms import each other), each once, and every app and top-level module of
    webui is on one: a new app is drawn before it is built on."""
    floors = _floors()
    rooms = [room for layer in floors for room in layer]
    assert all(":" not in room and room.count(".") == 1 for room in rooms)
    assert len(rooms) == len(set(rooms))
    entry_points = {"__init__", "settings", "asgi", "wsgi"}
    on_disk = {
        f"webui.{path.stem}"
        for path in (ROOT / "webui").iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").exists())
        and path.stem not in entry_points
    }
    assert on_disk == set(rooms)


def test_the_drawing_of_the_apps_is_one_way(report) -> None:  # type: ignore[no-untyped-def]
    """No two apps import each other, no circle, every arrow points down a floor."""
    arrows = _drawing(report.graph)
    assert ("webui.casework", "webui.access") in arrows  # it draws at all
    assert _two_way(arrows) == set()
    sorter = TopologicalSorter({a: set() for a, _ in arrows})
    for importer, imported in arrows:
        sorter.add(importer, imported)
    try:
        sorter.prepare()
    except CycleError as circle:
        pytest.fail(f"a circle between apps: {circle.args[1]}")
    assert _arrows_up(arrows) == set()


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "webui" and len(parts) > 2 else None


def _function_imports(path: Path, package: str):  # type: ignore[no-untyped-def]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[
                        : len(package.split(".")) - node.level + 1
                    ]
                    yield ".".join([*base, node.module or ""])
                elif node.module:
                    yield node.module
            elif isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)


def test_no_import_between_apps_hides_in_a_function() -> None:
    found = set()
    for path in (ROOT / "webui").rglob("*.py"):
        relative = path.relative_to(ROOT).with_suffix("")
        if "migrations" in relative.parts:
            continue
        module = ".".join(relative.parts)
        package = module.rpartition(".")[0]
        for imported in _function_imports(path, package):
            if _app(imported) and _app(module) and _app(imported) != _app(module):
                found.add((module, imported))
    assert found - set(FUNCTION_IMPORTS_ALLOWED) == set()


def test_a_service_hands_work_to_its_tasks_module_one_way() -> None:
    """The tasks module imports the services and hands their work to the worker; no
    module of an app imports a webui module inside a function to dodge that circle
    (an AppConfig.ready that connects signals is Django's own way, not a dodge)."""
    found = set()
    for path in (ROOT / "webui").rglob("*.py"):
        relative = path.relative_to(ROOT).with_suffix("")
        if "migrations" in relative.parts or relative.name == "apps":
            continue
        module = ".".join(relative.parts)
        package = module.rpartition(".")[0]
        for imported in _function_imports(path, package):
            if imported.startswith("webui."):
                found.add((module, imported))
    assert found == set()
