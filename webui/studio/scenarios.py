"""What the studio shows of scenarios: a draft's or a version's, one to remove."""

import json

from django.db.models import QuerySet

from webui.accounts.models import Gemeente
from webui.definitions.models import DefinitionVersion, Draft, Scenario


def draft_scenarios(draft: Draft) -> QuerySet[Scenario]:
    return draft.scenarios.all()


def version_scenarios(version: DefinitionVersion) -> QuerySet[Scenario]:
    return version.scenarios.all()


def draft_scenario(gemeente: Gemeente, pk: int) -> Scenario | None:
    """A scenario of the gemeente's own draft; None for any other (a 404)."""
    return Scenario.objects.filter(pk=pk, draft__gemeente=gemeente).first()


def gemeente_scenario(gemeente: Gemeente, pk: int) -> Scenario | None:
    """A scenario of the gemeente's draft or of one of its versions."""
    return (
        Scenario.objects.filter(pk=pk, draft__gemeente=gemeente).first()
        or Scenario.objects.filter(pk=pk, version__gemeente=gemeente).first()
    )


def scenario_json(scenario: Scenario) -> str:
    """A scenario as the JSON file docs/scenarios.md describes."""
    return json.dumps(scenario.data, ensure_ascii=False, indent=2) + "\n"
