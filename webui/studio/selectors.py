"""Reads for the process pages: the diagram versions in use and one file of them."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

import engine
from webui.accounts.models import Gemeente
from webui.accounts.selectors import user_gemeenten
from webui.cases.models import Case
from webui.cases.selectors import case_for_user
from webui.definitions.bundles import bundle_of, version_files
from webui.definitions.files import is_bpmn
from webui.definitions.models import DefinitionVersion
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
    gemeenten = list(user_gemeenten(user=user).order_by("naam"))
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
    gemeente = user_gemeenten(user=user).filter(slug=gemeente_slug).first()
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
