"""Decision tables (DMN): a gemeente's rule that is a table, checked as beheerder code.

A business rule task names a decision (``spiffworkflow:calledDecisionId``);
SpiffWorkflow's DMN engine evaluates the table cell by cell through the workflow's
script engine, so every input expression, input entry and output entry runs in the
restricted evaluator of ``scripting``. This module checks a table the way that engine
will read it: it builds the same expression per cell (``(input) == (entry)``, the
input glued to an entry that starts with an operator, or ``?`` standing for the
input) and compiles it with ``compile_expression``, so a refused cell is named by
file, rule and column before a deploy, not in front of a coordinator.

SpiffWorkflow's DMN support is narrow (one table per decision, UNIQUE acts as FIRST,
COLLECT without aggregation); what it would silently get wrong is refused here.
"""

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS

from .exceptions import ScriptRefused
from .findings import ERROR, WARNING, Finding
from .scripting import compile_expression

DMN_NAMESPACES = frozenset(SCHEMAS)
DMN_SUFFIX = ".dmn"
# The hit policies SpiffWorkflow evaluates as the table says.
_HIT_POLICIES = {"UNIQUE", "FIRST", "COLLECT"}
# What the engine glues the input to when an entry starts with an operator.
_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
_FEEL_RANGE = re.compile(r"^[\[\]\(]\s*[^\[\]]*\.\.")

_HINT_ENTRY = (
    'Een cel is Python: een waarde ("b1", 12), een vergelijking (>= 18,'
    ' != "z"), of met ? voor de invoer (18 <= ? < 67, ? in ("b1", "z")); -'
    " of leeg betekent: elke waarde."
)

__all__ = [
    "DMN_SUFFIX",
    "DecisionFile",
    "check_decision_file",
    "decision_code",
    "is_decision_file",
    "strip_for_engine",
]


def is_decision_file(name: str) -> bool:
    """Whether a file of a set is a decision table (by its name)."""
    return name.endswith(DMN_SUFFIX)


@dataclass(frozen=True)
class DecisionFile:
    """What a set needs to know of one DMN file: its decisions (id -> name) and the
    variables its tables set."""

    decisions: Mapping[str, str]
    outputs: frozenset[str]


@lru_cache(maxsize=4)
def _schema(namespace: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(SCHEMAS[namespace]))))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, local: str) -> list[etree._Element]:
    return [c for c in element if _local(c) == local]


def _text(element: etree._Element | None) -> str:
    """The text of an element's <text> child (inputExpression, entries)."""
    if element is None:
        return ""
    found = _children(element, "text")
    return (found[0].text or "").strip() if found else ""


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def _is_tuple(source: str) -> bool:
    """Whether an entry is a bare tuple (FEEL's list ``"a","b"``), which the engine
    compares with ``==`` and so never matches."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return (
        len(body) == 1
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Tuple)
    )


def engine_expression(input_expression: str, entry: str) -> str:
    """The expression SpiffWorkflow's DMN engine evaluates for one input cell (see
    ``DMNEngine.evaluate``); ``dmninputexpr`` is the input's value where the entry
    uses ``?``."""
    replaced = _QUESTION.sub("dmninputexpr", entry)
    if "dmninputexpr" in replaced:
        return replaced
    if _parses(entry):
        return f"({input_expression}) == ({entry})"
    return input_expression + entry


class _Checker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.findings: list[Finding] = []

    def add(
        self, severity: str, element: etree._Element | None, message: str, hint: str
    ) -> None:
        node = element
        while node is not None and node.get("id") is None:
            node = node.getparent()
        self.findings.append(
            Finding(
                severity,
                self.name,
                element.sourceline if element is not None else None,
                node.get("id", "") if node is not None else "",
                message,
                hint,
            )
        )

    def compile(
        self, element: etree._Element, source: str, where: str, hint: str
    ) -> bool:
        try:
            compile_expression(source)
        except ScriptRefused as exc:
            self.add(ERROR, element, f"{where}: ‘{source[:80]}’ geweigerd: {exc}", hint)
            return False
        return True


def _column(element: etree._Element, index: int, kind: str) -> str:
    label = element.get("label") or element.get("name") or ""
    return f"{kind} {index + 1}" + (f" ‘{label}’" if label else "")


def _check_input_cell(
    check: _Checker, cell: etree._Element, input_expression: str, where: str
) -> None:
    entry = _text(cell)
    if entry in ("", "-"):
        return
    if entry.startswith("=") or entry.lower().startswith("not("):
        check.add(ERROR, cell, f"{where}: ‘{entry}’ is FEEL", _HINT_ENTRY)
        return
    if _FEEL_RANGE.match(entry):
        check.add(
            ERROR,
            cell,
            f"{where}: ‘{entry}’ is een FEEL-bereik",
            "Schrijf het bereik met ?, bijv. 1 <= ? <= 10.",
        )
        return
    if _is_tuple(entry):
        check.add(
            ERROR,
            cell,
            f"{where}: ‘{entry}’ is een FEEL-lijst en past op geen enkele waarde",
            'Schrijf ? in ("a", "b") voor een keuze uit meer waarden.',
        )
        return
    expression = engine_expression(input_expression, entry)
    if (
        "dmninputexpr" not in expression
        and not _parses(entry)
        and re.match(r"[A-Za-z_]", entry)
    ):
        check.add(
            ERROR,
            cell,
            f"{where}: ‘{entry}’ wordt aan de invoer vastgeplakt (‘{expression[:80]}’)",
            f"Schrijf ? voor de invoer, bijv. ? {entry}.",
        )
        return
    check.compile(cell, expression, where, _HINT_ENTRY)


def _check_inputs(
    check: _Checker, label: str, inputs: list[etree._Element]
) -> list[str]:
    """The input expressions of a table, each compiled ("" where refused)."""
    expressions: list[str] = []
    for index, column in enumerate(inputs):
        source = _text(_first(column, "inputExpression"))
        where = f"{label}, {_column(column, index, 'invoer')}"
        if not source:
            check.add(
                ERROR,
                column,
                f"{where} heeft geen invoerexpressie",
                "Vul bij de invoer de variabele of expressie in, bijv. leerroute.",
            )
        elif not check.compile(
            column, source, f"{where}, invoerexpressie", _HINT_ENTRY
        ):
            source = ""
        expressions.append(source)
    return expressions


def _check_table(check: _Checker, decision: etree._Element) -> set[str]:
    """The checks of one decision's table; the output names it sets."""
    tables = _children(decision, "decisionTable")
    label = f"beslissing ‘{decision.get('name') or decision.get('id')}’"
    if len(tables) != 1:
        check.add(
            ERROR,
            decision,
            f"{label} heeft {len(tables)} beslistabellen; Wegwijs rekent met precies"
            " één",
            "Maak de beslissing een beslistabel (geen letterlijke expressie).",
        )
        return set()
    table = tables[0]
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in _HIT_POLICIES or table.get("aggregation"):
        check.add(
            ERROR,
            table,
            f"{label}: de hit policy ‘{policy}"
            + (f" {table.get('aggregation')}" if table.get("aggregation") else "")
            + "’ wordt niet ondersteund",
            "Gebruik UNIQUE of FIRST (de eerste regel die past) of COLLECT zonder"
            " optelling.",
        )
    inputs = _children(table, "input")
    outputs = _children(table, "output")
    expressions = _check_inputs(check, label, inputs)
    names: set[str] = set()
    for index, column in enumerate(outputs):
        name = column.get("name") or ""
        if not name.isidentifier() or name.startswith("_"):
            check.add(
                ERROR,
                column,
                f"{label}, {_column(column, index, 'uitkomst')}: de naam ‘{name}’ is"
                " geen variabelenaam",
                "Geef de uitkomst een naam van kleine letters, cijfers en _, bijv."
                " voortgang_weken.",
            )
        names.add(name)
    if not outputs:
        check.add(
            ERROR, table, f"{label} heeft geen uitkomst", "Voeg een uitkomstkolom toe."
        )
    rules = _children(table, "rule")
    for number, rule in enumerate(rules, start=1):
        _check_rule(check, rule, number, label, inputs, outputs, expressions)
    if not rules:
        check.add(
            WARNING,
            table,
            f"{label} heeft geen regels en zet dus niets",
            "Voeg regels toe.",
        )
    elif not any(_matches_anything(rule) for rule in rules):
        check.add(
            WARNING,
            table,
            f"{label} heeft geen regel die op elke invoer past: past geen regel, dan"
            " zet de tabel niets en wacht het dossier op een waarde die nooit komt",
            "Maak de laatste regel een vangnet: - in elke invoercel (hit policy"
            " FIRST).",
        )
    return names


def _matches_anything(rule: etree._Element) -> bool:
    return all(_text(cell) in ("", "-") for cell in _children(rule, "inputEntry"))


def _first(element: etree._Element, local: str) -> etree._Element | None:
    found = _children(element, local)
    return found[0] if found else None


def _check_rule(
    check: _Checker,
    rule: etree._Element,
    number: int,
    label: str,
    inputs: list[etree._Element],
    outputs: list[etree._Element],
    expressions: list[str],
) -> None:
    cells = _children(rule, "inputEntry")
    results = _children(rule, "outputEntry")
    if len(cells) != len(inputs) or len(results) != len(outputs):
        check.add(
            ERROR,
            rule,
            f"{label}, regel {number}: {len(cells)} invoercellen en {len(results)}"
            f" uitkomstcellen, de tabel heeft {len(inputs)} en {len(outputs)}"
            " kolommen",
            "Sla de tabel opnieuw op vanuit de editor.",
        )
        return
    for index, (cell, source) in enumerate(zip(cells, expressions, strict=True)):
        if source:
            column = _column(inputs[index], index, "invoer")
            _check_input_cell(check, cell, source, f"{label}, regel {number}, {column}")
    for index, cell in enumerate(results):
        where = f"{label}, regel {number}, {_column(outputs[index], index, 'uitkomst')}"
        value = _text(cell)
        if not value:
            check.add(
                WARNING,
                cell,
                f"{where} is leeg; de uitkomst wordt dan een lege tekst",
                'Vul een waarde in, bijv. 12 of "b1".',
            )
        else:
            check.compile(cell, value, where, _HINT_ENTRY)


def _namespace_problem(root: etree._Element) -> str | None:
    namespace = etree.QName(root).namespace or ""
    if _local(root) != "definitions" or namespace not in DMN_NAMESPACES:
        return (
            f"geen DMN: het hoofdelement is <{_local(root)}> in"
            f" ‘{namespace or 'geen namespace'}’"
        )
    if root.nsmap.get(None) != namespace and root.nsmap.get("dmn") != namespace:
        return "de DMN-namespace heeft een ander voorvoegsel dan dmn"
    return None


def check_decision_file(
    name: str, root: etree._Element
) -> tuple[list[Finding], DecisionFile | None]:
    """Every finding about one parsed DMN file, and what it declares (None when it
    cannot be used at all)."""
    check = _Checker(name)
    problem = _namespace_problem(root)
    if problem is not None:
        check.add(
            ERROR,
            root,
            problem,
            "Lever een beslistabel aan in DMN 1.1, 1.2 of 1.3 (zoals de DMN-editor"
            " van de studio die opslaat).",
        )
        return check.findings, None
    schema = _schema(etree.QName(root).namespace or "")
    if not schema.validate(root.getroottree()):
        for entry in schema.error_log:
            check.findings.append(
                Finding(
                    ERROR,
                    name,
                    entry.line,
                    "",
                    f"geen geldig DMN: {entry.message.rstrip('.')}",
                    "Sla de tabel opnieuw op vanuit de DMN-editor.",
                )
            )
        return check.findings, None
    decisions = _children(root, "decision")
    if len(decisions) != 1:
        check.add(
            ERROR,
            root,
            f"het bestand heeft {len(decisions)} beslissingen; Wegwijs leest er"
            " precies één per bestand",
            "Zet elke beslistabel in een eigen .dmn-bestand.",
        )
        return check.findings, None
    outputs = _check_table(check, decisions[0])
    decision = decisions[0]
    name_of = str(decision.get("name") or decision.get("id"))
    declared = {str(decision.get("id")): name_of}
    return check.findings, DecisionFile(declared, frozenset(outputs))


def strip_for_engine(root: etree._Element) -> etree._Element:
    """A copy of a DMN file as SpiffWorkflow's parser reads it: without the
    annotation columns the editor writes (that parser refuses them)."""
    copy = etree.fromstring(etree.tostring(root))
    for table in copy.iter():
        if _local(table) != "decisionTable":
            continue
        for annotation in _children(table, "annotation"):
            table.remove(annotation)
    return copy


def decision_code(task_spec: object) -> Iterator[str]:
    """The expressions a business rule task's table evaluates (input expressions,
    input cells as the engine combines them, output cells): what the proefrit reads
    to know which answers are worth varying. Nothing for any other task."""
    engine = getattr(task_spec, "dmnEngine", None)
    table = getattr(engine, "decision_table", None)
    if table is None:
        return
    for column in table.inputs:
        if column.expression:
            yield column.expression
    for rule in table.rules:
        for entry in rule.inputEntries:
            for lhs in entry.lhs:
                if lhs and entry.input.expression:
                    yield engine_expression(entry.input.expression, lhs).replace(
                        "dmninputexpr", f"({entry.input.expression})"
                    )
        for output in rule.outputEntries:
            if output.text:
                yield output.text
