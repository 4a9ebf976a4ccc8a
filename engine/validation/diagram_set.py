"""A whole diagram set: every file on its own, then the checks across files."""

from collections.abc import Collection, Mapping

from lxml import etree

from ..decisions import is_decision_file
from ..findings import Finding, sort_findings
from ..milestones import MilestoneRules
from .calls import _check_business_rules, _check_calls, _processes
from .context import MAIN_PROCESS, FormCatalog, _Context
from .escalations import _check_escalations
from .foreign import _check_foreign
from .messages import _check_messages
from .milestones import _check_milestones
from .parsing import _parse, _parse_decisions
from .routing import _check_routing
from .scripts import _check_code
from .structure import _check_flow, _check_references, _scopes
from .user_tasks import _check_user_tasks

MAX_SET_BYTES = 10_000_000
MAX_FILES = 200


def _check_file(
    ctx: _Context, name: str, content: bytes, forms: FormCatalog | None
) -> None:
    """The checks of one file of a set on its own (BPMN or a DMN decision table)."""
    if is_decision_file(name):
        tree = _parse_decisions(ctx, name, content)
    else:
        tree = _parse(ctx, name, content)
    if tree is None:
        ctx.unreadable.add(name)
        return
    ctx.trees[name] = tree
    if is_decision_file(name):
        return
    _check_references(ctx, name, tree)
    _check_foreign(ctx, name, tree)
    _check_code(ctx, name, tree)
    for scope in _scopes(tree):
        _check_flow(ctx, name, scope)
    _check_user_tasks(ctx, name, tree, forms)


def check_set(
    files: Mapping[str, bytes],
    *,
    forms: FormCatalog | None = None,
    rules: MilestoneRules | None = None,
    start_form: str | None = None,
    known_variables: Collection[str] = (),
    main_process: str = MAIN_PROCESS,
) -> tuple[list[Finding], dict[str, etree._ElementTree]]:
    """Every finding about a diagram set, and the files that parsed as BPMN."""
    ctx = _Context()
    if not files:
        ctx.error(
            "", None, "de diagramset is leeg", "Voeg minstens het hoofdproces toe."
        )
        return ctx.findings, {}
    if len(files) > MAX_FILES:
        ctx.error(
            "",
            None,
            f"de set heeft {len(files)} bestanden; de grens is {MAX_FILES}",
            "Voeg processen samen.",
        )
    total = sum(len(content) for content in files.values())
    if total > MAX_SET_BYTES:
        ctx.error(
            "",
            None,
            f"de set is {total // 1_000_000} MB; de grens is"
            f" {MAX_SET_BYTES // 1_000_000} MB",
            "Verwijder bestanden die niet worden gebruikt.",
        )
    for name in sorted(files):
        _check_file(ctx, name, files[name], forms)
    processes = _processes(ctx)
    _check_calls(ctx, processes, main_process)
    if not ctx.unreadable:
        _check_messages(ctx)
        _check_escalations(ctx)
    _check_business_rules(ctx)
    if forms is not None:
        _check_routing(ctx, forms, start_form, known_variables)
    if rules is not None:
        _check_milestones(ctx, rules, forms, start_form, processes, main_process)
    return sort_findings(ctx.findings), ctx.trees


def locate(
    trees: Mapping[str, etree._ElementTree], element_id: str
) -> tuple[str, int | None]:
    """The file and line of an element id in a set (SpiffWorkflow loses lines)."""
    for name, tree in trees.items():
        found = tree.xpath("//*[@id=$ident]", ident=element_id)
        if found:
            return name, found[0].sourceline
    return "", None
