"""One validation run and what it knows of the forms and roles."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from vocabulary import ENGINE_PRIVACY as ENGINE_PRIVACY
from vocabulary import LANE_ROLES, role_in_sentence

from ..decisions import DecisionFile
from ..findings import ERROR, WARNING, Finding
from .elements import _line, _nearest_with_id

MAIN_PROCESS = "traject"
ROLES = LANE_ROLES
ROLE_LABELS = {role: role_in_sentence(role) for role in LANE_ROLES}


@dataclass(frozen=True)
class FormSummary:
    """What validation needs to know of one form: its fields' privacy classes and the
    milestones its fields declare."""

    title: str
    fields: Mapping[str, str]
    milestones: Mapping[str, str] = field(default_factory=dict)  # key -> field name


FormCatalog = Mapping[str, FormSummary]


@dataclass
class _Context:
    """One validation run: the findings so far and the parsed files."""

    findings: list[Finding] = field(default_factory=list)
    trees: dict[str, etree._ElementTree] = field(default_factory=dict)
    # Files that did not parse: the processes they declare are unknown.
    unreadable: set[str] = field(default_factory=set)
    # DMN file name -> its decisions and the variables its table sets.
    decisions: dict[str, DecisionFile] = field(default_factory=dict)

    def add(
        self,
        severity: str,
        file: str,
        element: etree._Element | None,
        message: str,
        hint: str = "",
        *,
        line: int | None = None,
        element_id: str | None = None,
    ) -> None:
        node = _nearest_with_id(element) if element is not None else None
        self.findings.append(
            Finding(
                severity=severity,
                file=file,
                line=line if line is not None else _line(element),
                element=(
                    element_id
                    if element_id is not None
                    else (node.get("id", "") if node is not None else "")
                ),
                message=message,
                hint=hint,
            )
        )

    def error(self, *args: Any, **kwargs: Any) -> None:
        self.add(ERROR, *args, **kwargs)

    def warning(self, *args: Any, **kwargs: Any) -> None:
        self.add(WARNING, *args, **kwargs)
