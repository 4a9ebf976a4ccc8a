"""What each version says that a report needs: its phases in trajectory order, task
names, choice labels and which milestones a manager may read; read once per content."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet

from forms.field_roles import CONTACT_FORM
from forms.registry import FieldDefinition
from webui.access import READABLE
from webui.accounts.models import Role
from webui.cases.models import Case
from webui.definitions.bundles import Bundle, bundle_of
from webui.definitions.models import DefinitionVersion

# The role reports are made in; its READABLE classes decide what a column may show.
REPORT_ROLE = Role.MANAGER


# The field role of a contact moment's date (forms/field_roles.py).
CONTACT_DATE = "contact_datum"


@dataclass(frozen=True)
class VersionFacts:
    """What the rows need from one version: its phases, the gemeente's number of
    PVT workshops, task names, choice labels, and which milestones a manager may
    read."""

    phase_order: tuple[str, ...]
    phase_names: dict[str, str]
    pvt_workshops: int | None
    task_names: dict[str, str]  # bpmn id -> name
    labels: dict[str, dict[str, str]]  # milestone key -> code -> label
    unreadable: frozenset[str]  # milestone keys (and "contact") a manager may not read
    contact_date: str = ""  # the name of the contact form's date field, if any

    def label(self, key: str, code: Any) -> str | None:
        if code in (None, "") or key in self.unreadable:
            return None
        return self.labels.get(key, {}).get(str(code), str(code))


def _milestone_fields(bundle: Bundle) -> Iterator[tuple[str, FieldDefinition]]:
    """(milestone key, a form field that records it) in a version's forms."""
    for key in bundle.forms.keys():
        for candidate in bundle.forms.get(key).fields:
            if candidate.milestone:
                yield candidate.milestone, candidate


def _contact_date(bundle: Bundle) -> FieldDefinition | None:
    """The date field of a version's contact form."""
    if CONTACT_FORM not in bundle.forms:
        return None
    return bundle.forms.get(CONTACT_FORM).field_with_role(CONTACT_DATE)


def _contact_readable(bundle: Bundle, readable: frozenset[str]) -> bool:
    if CONTACT_FORM not in bundle.forms:
        return False
    day = _contact_date(bundle)
    return day is None or day.privacy in readable


@lru_cache(maxsize=256)
def _facts(content_hash: str) -> VersionFacts:
    """The facts of a version's content, read once for every version with the same
    files (the gemeenten without own files on one base, say)."""
    bundle = bundle_of(
        DefinitionVersion.objects.filter(content_hash=content_hash).earliest("pk")
    )
    readable = READABLE[REPORT_ROLE]
    labels: dict[str, dict[str, str]] = {}
    unreadable: set[str] = set()
    for key, candidate in _milestone_fields(bundle):
        if candidate.privacy not in readable:
            unreadable.add(key)
        if candidate.choices:
            labels.setdefault(key, {}).update(dict(candidate.choices))
    if not _contact_readable(bundle, readable):
        unreadable.add("contact")
    workshops = bundle.settings.get("pvt_workshops")
    process = bundle.process
    return VersionFacts(
        phase_order=tuple(process.phase_order),
        phase_names=dict(process.phase_names),
        pvt_workshops=workshops if isinstance(workshops, int) else None,
        task_names={task: name for (_p, task), name in process.task_names.items()},
        labels=labels,
        unreadable=frozenset(unreadable),
        contact_date=day.name if (day := _contact_date(bundle)) is not None else "",
    )


class _Versions:
    """The facts of the versions one read meets, each loaded once."""

    def __init__(self) -> None:
        self._known: dict[int, VersionFacts] = {}

    def __getitem__(self, pk: int) -> VersionFacts:
        if pk not in self._known:
            self.load([pk])
        return self._known[pk]

    def load(self, pks: Iterable[int]) -> list[VersionFacts]:
        missing = set(pks) - set(self._known)
        for pk, content_hash in DefinitionVersion.objects.filter(
            pk__in=missing
        ).values_list("pk", "content_hash"):
            self._known[pk] = _facts(content_hash)
        return [self._known[pk] for pk in pks if pk in self._known]


def _trajectory(facts: Iterable[VersionFacts]) -> list[tuple[str, str]]:
    """The phases of several versions in one trajectory order: a variant's own phase
    goes right after the phase it follows in that variant. A phase is its key (the
    process id, the same on every version) and carries the name the first of the
    given versions (the newest, see ``_Versions.newest_first``) gives it: v1's
    "Uitvoering" is v3's "Begeleiding vanuit het PIP"."""
    facts = list(facts)
    order: list[str] = []
    names: dict[str, str] = {}
    for version in facts:
        for pid in version.phase_order:
            names.setdefault(pid, version.phase_names.get(pid, pid))
    for version in sorted(facts, key=lambda f: -len(f.phase_order)):
        previous = None
        for pid in version.phase_order:
            if pid not in order:
                order.insert(order.index(previous) + 1 if previous else 0, pid)
            previous = pid
    return [(pid, names[pid]) for pid in order]


def _version_ids(cases: QuerySet[Case]) -> list[int]:
    """The versions the cases are on, newest first (whose names a figure shows)."""
    return sorted(
        cases.order_by().values_list("version_id", flat=True).distinct(), reverse=True
    )


def phase_keys_by_name() -> dict[str, str]:
    """A phase's name -> its key (process id), over every stored version, the newest
    first. A task row keeps the name of the phase it ran in as its version called it
    (a case migrated from v1 did its PIP work in v1's "Uitvoering"): figures count
    it under the key, so every version's days land in the same phase."""
    keys: dict[str, str] = {}
    seen: set[str] = set()
    for content_hash in DefinitionVersion.objects.order_by("-pk").values_list(
        "content_hash", flat=True
    ):
        if content_hash in seen:
            continue
        seen.add(content_hash)
        for pid, name in _facts(content_hash).phase_names.items():
            keys.setdefault(name, pid)
    return keys
