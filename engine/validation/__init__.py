"""Validation of a diagram set: every finding of a run, each with file, line, element
and how to mend it, in Dutch for the beheerder.

This package reads the XML itself (lxml, safely) rather than relying on SpiffWorkflow's
parser, which stops at the first problem and loses line numbers. SpiffWorkflow parses
the set afterwards (in ``specs``) only when nothing here found an error. One module
per family of check; ``diagram_set`` runs them all.
"""

from .context import (
    ENGINE_PRIVACY,
    MAIN_PROCESS,
    ROLE_LABELS,
    ROLES,
    FormCatalog,
    FormSummary,
)
from .diagram_set import MAX_FILES, MAX_SET_BYTES, check_set, locate
from .elements import (
    _B,
    BPMN_NS,
    CAMUNDA_NS,
    NS,
    SAFE_PARSER,
    SPIFF_NS,
    ZEEBE_NS,
    spiff_property,
)
from .parsing import MAX_FILE_BYTES

__all__ = [
    "_B",
    "BPMN_NS",
    "CAMUNDA_NS",
    "ENGINE_PRIVACY",
    "MAIN_PROCESS",
    "MAX_FILE_BYTES",
    "MAX_FILES",
    "MAX_SET_BYTES",
    "NS",
    "ROLE_LABELS",
    "ROLES",
    "SAFE_PARSER",
    "SPIFF_NS",
    "ZEEBE_NS",
    "FormCatalog",
    "FormSummary",
    "check_set",
    "locate",
    "spiff_property",
]
