"""The house is one-way: the import-linter contracts in pyproject.toml (the floors of
the webui apps, the libraries that know no web app, the engine without Django) hold,
and no import between apps hides inside a function to dodge a circle."""

import ast
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
        ("webui.access.cases", "webui.cases.views"),
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
