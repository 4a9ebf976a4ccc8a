"""Where a case stands in the phases of its own version."""

from dataclasses import dataclass

from webui.cases.models import Case
from webui.definitions.bundles import bundle_of
from webui.tasks.models import TaskItem


@dataclass(frozen=True)
class PhaseStep:
    label: str
    status: str  # "done", "current" or "todo"


def phase_statuses(case: Case) -> dict[str, str]:
    """Phase (process id) -> "done", "current" or "todo", in the order of the case's
    own version: the tracks run side by side, so several can be current at once."""
    version = bundle_of(case.version).process
    names = version.phase_names
    worked = set(
        case.tasks.filter(state=TaskItem.State.DONE).values_list("phase", flat=True)
    )
    # A phase without user tasks (the aanmelding's script) was worked once a
    # milestone declared in it was reached.
    reached = set(case.milestones.values_list("bpmn_id", flat=True))
    worked |= {
        names.get(m.process, m.process)
        for m in version.milestones
        if m.element and m.element in reached
    }
    open_now = set(case.open_phases)
    statuses = {}
    for pid in dict.fromkeys(version.phase_order):
        if pid in open_now:
            statuses[pid] = "current"
        elif case.is_closed or names.get(pid, pid) in worked:
            statuses[pid] = "done"
        else:
            statuses[pid] = "todo"
    return statuses


def case_phases(case: Case, statuses: dict[str, str] | None = None) -> list[PhaseStep]:
    """The phases of the case's own version and where the case stands in each
    (``statuses`` from phase_statuses, when already read)."""
    names = bundle_of(case.version).process.phase_names
    if statuses is None:
        statuses = phase_statuses(case)
    return [PhaseStep(names.get(pid, pid), status) for pid, status in statuses.items()]


def case_phase_file(case: Case) -> str | None:
    """The file of the case's own version that declares its current phase."""
    if case.is_closed or not case.phase:
        return None
    return bundle_of(case.version).process.process_files.get(case.phase)
