"""Everything the case page shows, and the forms of a case's version."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from forms.registry import FormDefinition
from webui.access import CaseAccess
from webui.accounts.models import Gemeente
from webui.cases.models import Case
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.services import active_version
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem

from .consents import consent_overview
from .history import HistoryEntry, case_history
from .phases import PhaseStep, case_phase_file, case_phases
from .referrals import case_referrals


@dataclass(frozen=True)
class CaseView:
    access: CaseAccess
    case: Case
    phases: list[PhaseStep]
    open_tasks: list[TaskItem]
    history: list[HistoryEntry]
    events: list[AuditEvent]
    pip_overdue: bool
    # The BPMN file that holds the current phase; None when closed or unknown.
    phase_file: str | None = None
    consents: list[Any] = field(default_factory=list)
    referrals: list[Any] = field(default_factory=list)

    @property
    def shown_categories(self) -> set[str]:
        """The privacy classes this page shows (for the processing log)."""
        shown = {"persoonsgegevens"}  # the statushouder's name
        for entry in self.history:
            shown |= entry.shown
        return shown

    @property
    def consented_categories(self) -> set[str]:
        return set().union(*(entry.by_consent for entry in self.history))


def pip_overdue(case: Case, today: date) -> bool:
    return bool(
        case.pip_deadline
        and not case.pip_vastgesteld_op
        and not case.is_closed
        and today > case.pip_deadline
    )


def case_view(*, case: Case, access: CaseAccess, today: date) -> CaseView:
    """Everything the case page shows, filtered to what the user's roles may read."""
    return CaseView(
        access=access,
        case=case,
        phases=case_phases(case),
        open_tasks=[
            item
            for item in case.tasks.filter(state=TaskItem.State.OPEN)
            .select_related("assignee")
            .order_by("ready_at")
            # A trainer sees the PVT work only, not what else waits on the case.
            if access.sees_submission(item.role)
        ],
        history=case_history(case=case, access=access),
        events=list(
            case.audit_events.select_related("user").order_by("-at", "-id")[:50]
        ),
        pip_overdue=pip_overdue(case, today),
        phase_file=case_phase_file(case),
        consents=consent_overview(case=case),
        referrals=case_referrals(case=case, access=access),
    )


def start_form(*, gemeente: Gemeente) -> FormDefinition | None:
    """The start form of the gemeente's version in use (None without a version)."""
    version = active_version(gemeente)
    return bundle_of(version).forms.get(START_FORM) if version else None


def case_form(*, case: Case, form_key: str) -> FormDefinition:
    """A form of the case's own version."""
    return bundle_of(case.version).forms.get(form_key)
