"""Diagrams from other modelers, made readable for Wegwijs where that is certain.

Camunda writes a user task's deadline as ``camunda:dueDate``: a fixed date, or a JUEL
expression. Where Wegwijs can read the same thing (a fixed ISO date, or one variable
of the case data) it becomes Wegwijs's ``dueDate`` property; anything else stays as
it is and validation names it (engine/validation/foreign.py), so a deadline is
never dropped without a word.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from keyword import iskeyword

from lxml import etree

from .findings import one_line
from .validation import BPMN_NS, CAMUNDA_NS, SAFE_PARSER, SPIFF_NS, spiff_property

_CAMUNDA_DUE = f"{{{CAMUNDA_NS}}}dueDate"
_VARIABLE = re.compile(r"[$#]\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d\d:?\d\d)?)?")


@dataclass(frozen=True)
class Conversion:
    """One thing an import changed, in Dutch for the beheerder."""

    element: str
    message: str


def wegwijs_due_date(value: str) -> str | None:
    """The Wegwijs dueDate expression for a camunda:dueDate, or None when Wegwijs
    cannot read it the same way (a computation, a method call, a duration)."""
    text = value.strip()
    variable = _VARIABLE.fullmatch(text)
    if variable:
        name = variable.group(1)
        return None if iskeyword(name) else name
    if _ISO_DATE.fullmatch(text):
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return None  # e.g. 2026-02-30: left for validation to name
        return f'"{text}"'
    return None


def convert_camunda(content: str) -> tuple[str, list[Conversion]]:
    """The diagram with each readable camunda:dueDate turned into a Wegwijs dueDate
    property, and what was converted. Unchanged (the same text) when there is
    nothing to convert or the file does not parse: validation reports that."""
    if "dueDate" not in content:
        return content, []
    try:
        root = etree.fromstring(content.encode(), SAFE_PARSER)
    except etree.XMLSyntaxError:
        return content, []
    conversions: list[Conversion] = []
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        value = task.get(_CAMUNDA_DUE)
        if value is None:
            continue
        if spiff_property(task, "dueDate") or spiff_property(task, "dueInDays"):
            continue  # two deadlines: validation asks which one is meant
        expression = wegwijs_due_date(value)
        if expression is None:
            continue
        _set_property(task, "dueDate", expression)
        del task.attrib[_CAMUNDA_DUE]
        label = one_line(task.get("name") or task.get("id", ""))
        conversions.append(
            Conversion(
                task.get("id", ""),
                f"camunda:dueDate ‘{value}’ van taak ‘{label}’ is omgezet naar de"
                f" Wegwijs-termijn {expression}",
            )
        )
    if not conversions:
        return content, []
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    body = etree.tostring(root, encoding="unicode")
    return (declaration if content.lstrip().startswith("<?xml") else "") + body, (
        conversions
    )


def _set_property(task: etree._Element, name: str, value: str) -> None:
    """Add a spiffworkflow:property to the task, making the extension elements and
    the properties list where they are missing (extensionElements after any
    documentation, as BPMN orders them)."""
    extensions = task.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        # Made as a child first, so that it takes the file's own bpmn: prefix.
        extensions = etree.SubElement(task, f"{{{BPMN_NS}}}extensionElements")
        task.insert(len(task.findall(f"{{{BPMN_NS}}}documentation")), extensions)
    properties = extensions.find(f"{{{SPIFF_NS}}}properties")
    if properties is None:
        properties = etree.SubElement(
            extensions,
            f"{{{SPIFF_NS}}}properties",
            nsmap={"spiffworkflow": SPIFF_NS},
        )
    etree.SubElement(
        properties, f"{{{SPIFF_NS}}}property", {"name": name, "value": value}
    )
