"""Reads for the process pages: the diagram versions in use and one file of them."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from lxml import etree

import engine
from engine.validation import SAFE_PARSER
from forms.jsontext import json_loads
from forms.registry import form_key_of
from webui.access import (
    CaseAccess,
    case_for_user,
    managed_gemeenten,
    related_gemeenten,
)
from webui.accounts.models import Gemeente
from webui.cases.models import Case
from webui.casework.selectors import CaseMarks, case_marks
from webui.definitions.bundles import blob_texts, bundle_of, version_files
from webui.definitions.diffs import FileDiff, set_diff
from webui.definitions.files import is_bpmn, is_decision_table
from webui.definitions.models import DefinitionVersion, Draft
from webui.definitions.services import active_version, draft_set, latest_base
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record
from webui.tasks.models import TaskItem


@dataclass(frozen=True)
class ProcessFile:
    """One BPMN file of a version, named after the process it declares."""

    name: str
    process_name: str
    is_maatwerk: bool


@dataclass(frozen=True)
class ProcessSet:
    """The active version of one gemeente (None before its first deploy)."""

    gemeente: Gemeente
    version: DefinitionVersion | None
    files: list[ProcessFile]


@dataclass(frozen=True)
class Diagram:
    """One file of a version as the viewer shows it."""

    gemeente: Gemeente
    version: DefinitionVersion
    file_name: str
    process_name: str
    xml: str
    is_maatwerk: bool
    case: Case | None = None
    open_tasks: tuple[TaskItem, ...] = ()

    @property
    def markers(self) -> list[str]:
        """The BPMN ids to mark in the diagram: the case's open tasks."""
        return sorted({item.bpmn_id for item in self.open_tasks})


def version_processes(version: DefinitionVersion) -> dict[str, dict[str, str]]:
    """BPMN file name -> the processes that file declares (process id -> name)."""
    return {
        name: engine.declared_processes(text.encode())
        for name, text in version_files(version).items()
        if is_bpmn(name)
    }


def _process_name(processes: dict[str, str], file_name: str) -> str:
    return next(iter(processes.values()), file_name)


def _process_files(version: DefinitionVersion) -> list[ProcessFile]:
    """The files in the order of the trajectory: main process, phases, the rest."""
    processes = version_processes(version)
    own = set(version.own_files)
    specs = bundle_of(version).process
    order = [engine.MAIN_PROCESS, *specs.phase_order]

    def position(name: str) -> tuple[int, str]:
        ranks = [order.index(pid) for pid in processes[name] if pid in order]
        return (min(ranks, default=len(order)), name)

    return [
        ProcessFile(name, _process_name(processes[name], name), name in own)
        for name in sorted(processes, key=position)
    ]


def process_sets_for_user(*, user: AbstractBaseUser) -> list[ProcessSet]:
    """The active diagram version of each gemeente the user works in."""
    gemeenten = list(related_gemeenten(user=user).order_by("naam"))
    active = {
        version.gemeente_id: version
        for version in DefinitionVersion.objects.filter(
            gemeente__in=gemeenten, is_active=True
        )
    }
    sets = []
    for gemeente in gemeenten:
        version = active.get(gemeente.pk)
        files = _process_files(version) if version else []
        sets.append(ProcessSet(gemeente, version, files))
    return sets


def diagram_for_user(
    *,
    user: AbstractBaseUser,
    gemeente_slug: str,
    file_name: str,
    reference: str | None = None,
) -> Diagram | None:
    """One file of a gemeente's active version, or, with ``reference``, of that
    case's own version with its open tasks. None when the user may not see it."""
    gemeente = related_gemeenten(user=user).filter(slug=gemeente_slug).first()
    if gemeente is None:
        return None
    case = None
    open_tasks: tuple[TaskItem, ...] = ()
    if reference:
        case = case_for_user(reference=reference, user=user)
        if case is None or case.gemeente_id != gemeente.pk:
            return None
        version: DefinitionVersion | None = case.version
        open_tasks = tuple(
            case.tasks.filter(state=TaskItem.State.OPEN).order_by("ready_at", "id")
        )
    else:
        version = DefinitionVersion.objects.filter(
            gemeente=gemeente, is_active=True
        ).first()
    if version is None or file_name not in version.files or not is_bpmn(file_name):
        return None
    xml = version_files(version)[file_name]
    processes = engine.declared_processes(xml.encode())
    return Diagram(
        gemeente=gemeente,
        version=version,
        file_name=file_name,
        process_name=_process_name(processes, file_name),
        xml=xml,
        is_maatwerk=file_name in version.own_files,
        case=case,
        open_tasks=open_tasks,
    )


# ---- the studio (beheerders) ---------------------------------------------------------


def gemeenten_beheerd(*, user: AbstractBaseUser) -> list[Gemeente]:
    """The gemeenten whose process the user manages (functioneel beheerder)."""
    return list(managed_gemeenten(user=user))


def studio_gemeente(*, user: AbstractBaseUser, slug: str) -> Gemeente | None:
    """The gemeente if the user manages its process; None (a 404) otherwise."""
    return next((g for g in gemeenten_beheerd(user=user) if g.slug == slug), None)


@dataclass(frozen=True)
class StudioFile:
    """One file of a draft, where it comes from, and whether the base moved since."""

    name: str
    kind: str  # "diagram", "beslistabel", "formulier" or "instellingen"
    title: str
    origin: str  # "basis", "eigen" or "nieuw"
    base_changed: bool = False

    @property
    def form_key(self) -> str | None:
        return form_key_of(self.name)

    @property
    def origin_label(self) -> str:
        if self.origin == "basis":
            return "basis"
        if self.origin == "nieuw":
            return "eigen (nieuw)"
        return (
            "eigen, de basis is sindsdien gewijzigd" if self.base_changed else "eigen"
        )


def _title(name: str, text: str) -> str:
    if is_bpmn(name):
        try:
            processes = engine.declared_processes(text.encode())
        except engine.DiagramInvalid:
            return name
        return next(iter(processes.values()), name)
    if is_decision_table(name):
        return _decision_name(text) or name
    if form_key_of(name) is not None:
        try:
            return str(json_loads(text).get("title") or name)
        except (ValueError, AttributeError):
            return name
    return name


def _decision_name(text: str) -> str:
    """The name of a DMN file's decision, as the editor shows it ("" if unreadable)."""
    try:
        root = etree.fromstring(text.encode(), SAFE_PARSER)
    except etree.XMLSyntaxError:
        return ""
    for element in root:
        if isinstance(element.tag, str) and etree.QName(element).localname == (
            "decision"
        ):
            return str(element.get("name") or element.get("id") or "")
    return ""


def _kind(name: str) -> str:
    if is_bpmn(name):
        return "diagram"
    if is_decision_table(name):
        return "beslistabel"
    return "formulier" if form_key_of(name) is not None else "instellingen"


def draft_files(*, draft: Draft, latest: DefinitionVersion | None) -> list[StudioFile]:
    """The files of a draft with their origin, diagrams first, in name order."""
    files = draft_set(draft)
    found = []
    for name in sorted(
        files, key=lambda n: (not is_bpmn(n), not is_decision_table(n), n)
    ):
        if name in draft.files:
            base_sha = (draft.provenance.get(name) or {}).get("base_sha")
            origin = "eigen" if base_sha else "nieuw"
            newest = latest.files.get(name) if latest is not None else None
            changed = bool(base_sha) and newest is not None and newest != base_sha
        else:
            origin, changed = "basis", False
        found.append(
            StudioFile(name, _kind(name), _title(name, files[name]), origin, changed)
        )
    return found


@dataclass(frozen=True)
class StudioOverview:
    gemeente: Gemeente
    active: DefinitionVersion | None
    draft: Draft
    files: list[StudioFile]
    versions: list[DefinitionVersion]
    latest_base: DefinitionVersion | None
    open_cases: int

    @property
    def draft_behind_base(self) -> bool:
        return (
            self.latest_base is not None and self.draft.base_id != self.latest_base.pk
        )

    @property
    def own_count(self) -> int:
        return sum(1 for f in self.files if f.origin != "basis")


def studio_overview(*, gemeente: Gemeente, draft: Draft) -> StudioOverview:
    latest = latest_base()
    return StudioOverview(
        gemeente=gemeente,
        active=active_version(gemeente),
        draft=draft,
        files=draft_files(draft=draft, latest=latest),
        versions=list(
            DefinitionVersion.objects.filter(gemeente=gemeente)
            .select_related("deployed_by", "base")
            .order_by("-number")
        ),
        latest_base=latest,
        open_cases=Case.objects.filter(gemeente=gemeente, is_closed=False).count(),
    )


@dataclass(frozen=True)
class BaseChange:
    """An own file whose base file changed since it was made: the base's change."""

    name: str
    from_number: int
    to_number: int
    changes: list[FileDiff]


def base_change(*, draft: Draft, name: str) -> BaseChange | None:
    """What the base changed in ``name`` since the draft's own copy was made."""
    provenance = draft.provenance.get(name) or {}
    latest = latest_base()
    old_sha = provenance.get("base_sha")
    if latest is None or not old_sha or name not in latest.files:
        return None
    texts = blob_texts([old_sha, latest.files[name]])
    return BaseChange(
        name=name,
        from_number=int(provenance.get("base_number") or 0),
        to_number=latest.number,
        changes=set_diff({name: texts[old_sha]}, {name: texts[latest.files[name]]}),
    )


@dataclass(frozen=True)
class DraftDiff:
    """The draft against the version in use and against its base."""

    against_active: list[FileDiff]
    against_base: list[FileDiff]
    draft_files: dict[str, str]


def draft_diff(*, gemeente: Gemeente, draft: Draft) -> DraftDiff:
    files = draft_set(draft)
    active = active_version(gemeente)
    return DraftDiff(
        against_active=set_diff(version_files(active) if active else {}, files),
        against_base=set_diff(version_files(draft.base), files),
        draft_files=files,
    )


def gemeente_version(*, gemeente: Gemeente, number: int) -> DefinitionVersion | None:
    """One of the gemeente's versions by its number."""
    return DefinitionVersion.objects.filter(gemeente=gemeente, number=number).first()


def gemeente_versions(*, gemeente: Gemeente) -> list[DefinitionVersion]:
    """The gemeente's versions, newest first."""
    return list(DefinitionVersion.objects.filter(gemeente=gemeente).order_by("-number"))


def diagram_marks(
    *,
    case: Case,
    access: CaseAccess,
    file_name: str,
    user: AbstractBaseUser,
    occasion: Occasion,
) -> CaseMarks:
    """A case's open tasks marked in one diagram (``casework.selectors.case_marks``),
    logged as seen: the case's path through the diagram."""
    marks = case_marks(case=case, access=access, file_name=file_name)
    processing_record(
        user=user,
        action=ProcessingRecord.Action.VIEW,
        cases=[case],
        categories=["normaal"],
        roles=access.roles,
        detail={"page": "diagram", "file": file_name},
        occasion=occasion,
    )
    return marks
