"""The pages write no log of their own (issue 17, item 2): the services write a change
into the processing log inside the change's own transaction, the selectors that serve a
page's personal data log the read, and a page hands them its occasion
(``webui.logs.context.occasion_of``). The one record a page writes itself is a refusal
(``refusal_record``): a 404 has no service."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = "webui.logs.services"
# What a page may take from the log's services.
PAGES_MAY_IMPORT = {"refusal_record"}


def _is_page(path: Path) -> bool:
    return (
        path.name == "views.py"
        or path.name.endswith("_views.py")
        or path.parent.name == "views"
    )


def _log_writes_imported(source: str, package: str) -> set[str]:
    """What of the log's services a module imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                module = ".".join([*parts[: len(parts) - node.level + 1], module])
            names = {alias.name for alias in node.names}
            if module == SERVICES:
                found |= names - PAGES_MAY_IMPORT
            elif module == SERVICES.rpartition(".")[0] and "services" in names:
                found.add(SERVICES)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(SERVICES)}
    return found


def _pages() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "webui").rglob("*.py"))
        if _is_page(path) and "migrations" not in path.parts
    ]


def test_no_page_imports_the_log_writer() -> None:
    pages = _pages()
    assert len(pages) > 10  # the walk finds the pages at all
    offenders = {}
    for path in pages:
        relative = path.relative_to(ROOT).with_suffix("")
        package = ".".join(relative.parts[:-1])
        found = _log_writes_imported(path.read_text(encoding="utf-8"), package)
        if found:
            offenders[str(relative)] = sorted(found)
    assert offenders == {}


def test_a_page_that_writes_the_log_itself_is_caught() -> None:
    package = "webui.cases"
    assert _log_writes_imported(
        "from webui.logs.services import processing_record", package
    ) == {"processing_record"}
    assert _log_writes_imported(
        "def f():\n    from ..logs.services import processing_record", package
    ) == {"processing_record"}
    assert _log_writes_imported("from webui.logs import services", package) == {
        SERVICES
    }
    assert _log_writes_imported("import webui.logs.services", package) == {SERVICES}
    assert not _log_writes_imported(
        "from webui.logs.services import refusal_record", package
    )
