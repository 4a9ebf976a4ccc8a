"""Milestone values in words, as the forms of a version label them."""

from typing import Any

from webui.cases.models import Case
from webui.definitions.bundles import bundle_of
from webui.definitions.models import DefinitionVersion


def milestone_label(*, version: DefinitionVersion, key: str, value: Any) -> str:
    """A milestone's value in words: the label of the choice on a form of the
    version whose field declares it (e.g. the uitkomst 'overdragen'), or the value
    itself."""
    forms = bundle_of(version).forms
    for form_key in forms.keys():
        definition = forms.get(form_key)
        name = definition.milestones.get(key)
        for candidate in definition.fields:
            if candidate.name == name and candidate.choices:
                label = dict(candidate.choices).get(str(value))
                if label:
                    return str(label)
    return str(value)


def case_outcome(case: Case) -> str:
    """The outcome of the vervolgtraject in words ("" while there is none)."""
    if not case.uitkomst:
        return ""
    reached = (
        case.milestones.filter(key="uitkomst")
        .select_related("version")
        .order_by("-reached_at", "-id")
        .first()
    )
    version = reached.version if reached is not None else case.version
    return milestone_label(version=version, key="uitkomst", value=case.uitkomst)
