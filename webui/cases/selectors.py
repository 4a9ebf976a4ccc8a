"""Reads for case pages, lists and the export."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from exports import CaseRow
from forms.registry import FormDefinition, UnknownFormKey
from forms.values import display_rows
from webui.accounts.models import Gemeente
from webui.accounts.selectors import user_gemeenten, user_roles
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.services import active_version
from webui.tasks.models import TaskItem

from .models import AuditEvent, Case, CaseMilestone, Submission

OPEN_PRIVACY = {"normaal", "persoonsgegevens"}
# Who may read which sensitive category. Everything else ('normaal',
# 'persoonsgegevens') is visible to every role in the case's gemeente.
PRIVACY_READERS: dict[str, set[str]] = {
    "bsn": {"begeleider", "coordinator", "regievoerder"},
    "gezondheid": {"begeleider", "regievoerder"},
    "schulden": {"begeleider", "regievoerder"},
    "juridisch": {"begeleider", "regievoerder"},
}


def cases_for_user(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """Cases in the gemeenten the user works in, with their open task count."""
    return (
        Case.objects.filter(gemeente__in=user_gemeenten(user=user))
        .select_related("gemeente", "begeleider")
        .annotate(open_tasks=Count("tasks", filter=Q(tasks__state=TaskItem.State.OPEN)))
        .order_by("-created_at", "-id")
    )


def overdue_q(today: date) -> Q:
    """Cases whose PIP deadline passed without a PIP drawn up."""
    return Q(pip_deadline__lt=today, pip_opgesteld_op__isnull=True, is_closed=False)


@dataclass(frozen=True)
class Overview:
    total: int
    overdue: int
    phases: list[tuple[str, int]]


def case_overview(*, user: AbstractBaseUser, today: date) -> Overview:
    """How many cases the user can see, per phase and past their PIP deadline."""
    cases = Case.objects.filter(gemeente__in=user_gemeenten(user=user))
    per_phase = cases.values("phase_label").annotate(n=Count("id")).order_by("-n")
    return Overview(
        total=cases.count(),
        overdue=cases.filter(overdue_q(today)).count(),
        phases=[(row["phase_label"], row["n"]) for row in per_phase],
    )


def case_for_user(*, reference: str, user: AbstractBaseUser) -> Case | None:
    return cases_for_user(user=user).filter(reference=reference).first()


@dataclass(frozen=True)
class HistoryEntry:
    submission: Submission
    rows: list[tuple[str, str]]
    hidden: int
    hidden_for_consent: bool = False


# The gemeente's own role; everything else works for the MB organisation, whose
# sensitive notes reach the gemeente only with the statushouder's consent.
GEMEENTE_ROLES = {"regievoerder"}


def may_read(privacy: str, roles: set[str], *, from_mb: bool, consent: bool) -> bool:
    """Whether someone holding ``roles`` may read an answer of this privacy class."""
    if privacy in OPEN_PRIVACY:
        return True
    readers = roles & PRIVACY_READERS.get(privacy, set())
    if from_mb and not consent:
        readers -= GEMEENTE_ROLES
    return bool(readers)


def _history(case: Case, roles: set[str]) -> list[HistoryEntry]:
    entries = []
    for submission in case.submissions.select_related("submitted_by", "version"):
        try:
            # The form the answers were given on, even if the case moved since.
            definition = bundle_of(submission.version).forms.get(submission.form_key)
        except UnknownFormKey:
            entries.append(HistoryEntry(submission, [], 0))
            continue
        from_mb = submission.role not in GEMEENTE_ROLES
        consent = bool(case.toestemming_gemeente)
        shown, hidden, for_consent = [], 0, False
        for row in display_rows(definition, submission.data):
            if may_read(row.privacy, roles, from_mb=from_mb, consent=consent):
                shown.append((row.label, row.value))
            else:
                hidden += 1
                for_consent |= may_read(
                    row.privacy, roles, from_mb=from_mb, consent=True
                )
        entries.append(HistoryEntry(submission, shown, hidden, for_consent))
    return entries


@dataclass(frozen=True)
class PhaseStep:
    label: str
    status: str  # "done", "current" or "todo"


def case_phases(case: Case) -> list[PhaseStep]:
    """The trajectory of the case's own diagram version, with where the case stands."""
    version = bundle_of(case.version).process
    order = list(version.phase_order)
    current = (
        len(order)
        if case.is_closed
        else (order.index(case.phase) if case.phase in order else -1)
    )
    return [
        PhaseStep(
            version.phase_names.get(pid, pid),
            "done" if i < current else "current" if i == current else "todo",
        )
        for i, pid in enumerate(order)
    ]


@dataclass(frozen=True)
class CaseView:
    case: Case
    phases: list[PhaseStep]
    open_tasks: list[TaskItem]
    history: list[HistoryEntry]
    events: list[AuditEvent]
    pip_overdue: bool
    # The BPMN file that holds the current phase; None when closed or unknown.
    phase_file: str | None = None


def pip_overdue(case: Case, today: date) -> bool:
    return bool(
        case.pip_deadline
        and not case.pip_opgesteld_op
        and not case.is_closed
        and today > case.pip_deadline
    )


def case_phase_file(case: Case) -> str | None:
    """The file of the case's own version that declares its current phase."""
    if case.is_closed or not case.phase:
        return None
    return bundle_of(case.version).process.process_files.get(case.phase)


def case_view(*, case: Case, user: AbstractBaseUser, today: date) -> CaseView:
    """Everything the case page shows, filtered to what the user's roles may read."""
    roles = user_roles(user=user, gemeente=case.gemeente)
    return CaseView(
        case=case,
        phases=case_phases(case),
        open_tasks=list(
            case.tasks.filter(state=TaskItem.State.OPEN)
            .select_related("assignee")
            .order_by("ready_at")
        ),
        history=_history(case, roles),
        events=list(
            case.audit_events.select_related("user").order_by("-at", "-id")[:50]
        ),
        pip_overdue=pip_overdue(case, today),
        phase_file=case_phase_file(case),
    )


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else ("Ja" if value else "Nee")


def export_rows(*, gemeenten: QuerySet[Gemeente], today: date) -> Iterator[CaseRow]:
    """One export row per case of the given gemeenten, in a fixed number of queries."""
    cases = (
        Case.objects.filter(gemeente__in=gemeenten)
        .select_related("gemeente", "begeleider")
        .order_by("gemeente__naam", "reference")
    )
    case_ids = list(cases.values_list("pk", flat=True))
    holders: dict[int, list[str]] = {}
    for item in (
        TaskItem.objects.filter(case_id__in=case_ids, state=TaskItem.State.OPEN)
        .select_related("assignee")
        .order_by("ready_at", "id")
    ):
        who = item.assignee.get_full_name() if item.assignee else f"rol {item.role}"
        holders.setdefault(item.case_id, []).append(f"{item.name} ({who})")
    # Read from the milestones, never from form keys: a variant that renames its
    # workshop or signing tasks still reports right.
    attended: dict[int, int] = {}
    signed: dict[int, bool] = {}
    for case_id, key, value in (
        CaseMilestone.objects.filter(
            case_id__in=case_ids, key__in=("pvt_workshop", "verklaring_ondertekend")
        )
        .order_by("reached_at", "id")
        .values_list("case_id", "key", "value")
    ):
        if key == "pvt_workshop":
            attended[case_id] = attended.get(case_id, 0) + bool(value)
        else:
            signed[case_id] = bool(value)
    for case in cases:
        if case.pip_opgesteld_op and case.pip_deadline:
            on_time: bool | None = case.pip_opgesteld_op <= case.pip_deadline
        elif case.pip_deadline and today > case.pip_deadline:
            on_time = False
        else:
            on_time = None
        yield CaseRow(
            gemeente=case.gemeente.naam,
            reference=case.reference,
            client_naam=case.client_naam,
            phase=case.phase_label,
            open_tasks="; ".join(holders.get(case.pk, [])),
            begeleider=case.begeleider.get_full_name() if case.begeleider else "",
            koppeling_datum=case.koppeling_datum,
            pip_deadline=case.pip_deadline,
            pip_opgesteld_op=case.pip_opgesteld_op,
            pip_vastgesteld_op=case.pip_vastgesteld_op,
            pip_op_tijd=_yes_no(on_time),
            pvt_workshops=attended.get(case.pk, 0),
            verklaring_ondertekend=_yes_no(signed.get(case.pk)),
            uitkomst=case.uitkomst,
        )


def start_form(*, gemeente: Gemeente) -> FormDefinition | None:
    """The start form of the gemeente's version in use (None without a version)."""
    version = active_version(gemeente)
    return bundle_of(version).forms.get(START_FORM) if version else None


def case_form(*, case: Case, form_key: str) -> FormDefinition:
    """A form of the case's own version."""
    return bundle_of(case.version).forms.get(form_key)


def cases_for_migration(
    *,
    gemeente: Gemeente,
    from_version: int | None = None,
    phase: str = "",
    references: "list[str] | None" = None,
) -> QuerySet[Case]:
    """The running cases of a gemeente a beheerder chooses to migrate: all of them, of
    one version, in one phase, or a list of references."""
    cases = Case.objects.filter(gemeente=gemeente, is_closed=False).select_related(
        "version"
    )
    if from_version is not None:
        cases = cases.filter(version__number=from_version)
    if phase:
        cases = cases.filter(phase=phase)
    if references:
        cases = cases.filter(reference__in=references)
    return cases.order_by("reference")
