"""Reads for case pages, lists and the export."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from exports import CaseRow
from forms.registry import FormDefinition, UnknownFormKey
from forms.values import display_rows
from webui.accounts.models import LANE_SIDE, Gemeente
from webui.accounts.selectors import (
    CaseAccess,
    manager_cases,
    visible_cases,
)
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.services import active_version
from webui.tasks.models import TaskItem

from .models import (
    REFERRAL_PRIVACY,
    AuditEvent,
    Case,
    CaseMilestone,
    Consent,
    Referral,
    Submission,
)


def cases_for_user(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases the user may open (need-to-know), with their open task count."""
    return (
        visible_cases(user=user)
        .select_related("gemeente", "begeleider", "mb_organisation")
        .annotate(open_tasks=Count("tasks", filter=Q(tasks__state=TaskItem.State.OPEN)))
        .order_by("-created_at", "-id")
    )


def countable_cases(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases whose figures the user may see: those they may open, and for a
    manager those of their gemeente(n) or MB organisation(s)."""
    return Case.objects.filter(
        Q(pk__in=visible_cases(user=user).values("pk"))
        | Q(pk__in=manager_cases(user=user).values("pk"))
    )


def overdue_q(today: date) -> Q:
    """Cases whose PIP deadline passed without a PIP vastgesteld (the law's
    deadline is on the beschikking, not on the drawing up)."""
    return Q(pip_deadline__lt=today, pip_vastgesteld_op__isnull=True, is_closed=False)


@dataclass(frozen=True)
class Overview:
    total: int
    overdue: int
    phases: list[tuple[str, int]]


def case_overview(*, user: AbstractBaseUser, today: date) -> Overview:
    """How many cases the user can see, per phase and past their PIP deadline."""
    cases = countable_cases(user=user)
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
    # The privacy classes shown, and those shown only thanks to the consent.
    shown: frozenset[str] = frozenset()
    by_consent: frozenset[str] = frozenset()


def current_consents(*, case: Case) -> set[tuple[str, str]]:
    """(category, direction) pairs the statushouder consents to now: the latest
    record of each pair says yes."""
    latest: dict[tuple[str, str], bool] = {}
    for category, direction, given in case.consents.order_by(
        "recorded_at", "id"
    ).values_list("category", "direction", "given"):
        latest[(category, direction)] = given
    return {pair for pair, given in latest.items() if given}


def _history(case: Case, access: CaseAccess) -> list[HistoryEntry]:
    entries = []
    submissions = case.submissions.select_related("submitted_by", "version")
    for submission in submissions:
        if not access.sees_submission(submission.role):
            continue
        try:
            # The form the answers were given on, even if the case moved since.
            definition = bundle_of(submission.version).forms.get(submission.form_key)
        except UnknownFormKey:
            entries.append(HistoryEntry(submission, [], 0))
            continue
        side = LANE_SIDE.get(submission.role)
        shown, hidden, for_consent = [], 0, False
        classes, by_consent = set(), set()
        for row in display_rows(definition, submission.data):
            if access.may_read(row.privacy, side):
                shown.append((row.label, row.value))
                classes.add(row.privacy)
                if access.needs_consent(row.privacy, side):
                    by_consent.add(row.privacy)
            else:
                hidden += 1
                for_consent |= access.hidden_for_consent(row.privacy, side)
        entries.append(
            HistoryEntry(
                submission,
                shown,
                hidden,
                for_consent,
                frozenset(classes),
                frozenset(by_consent),
            )
        )
    return entries


@dataclass(frozen=True)
class PhaseStep:
    label: str
    status: str  # "done", "current" or "todo"


def case_phases(case: Case) -> list[PhaseStep]:
    """The phases of the case's own version and where the case stands in each: the
    tracks run side by side, so several can be current at once."""
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
    steps = []
    for pid in dict.fromkeys(version.phase_order):
        label = names.get(pid, pid)
        if pid in open_now:
            status = "current"
        elif case.is_closed or label in worked:
            status = "done"
        else:
            status = "todo"
        steps.append(PhaseStep(label, status))
    return steps


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


def case_phase_file(case: Case) -> str | None:
    """The file of the case's own version that declares its current phase."""
    if case.is_closed or not case.phase:
        return None
    return bundle_of(case.version).process.process_files.get(case.phase)


def case_view(*, case: Case, access: CaseAccess, today: date) -> CaseView:
    """Everything the case page shows, filtered to what the user's roles may read."""
    return CaseView(
        access=access,
        case=case,
        phases=case_phases(case),
        open_tasks=list(
            case.tasks.filter(state=TaskItem.State.OPEN)
            .select_related("assignee")
            .order_by("ready_at")
        ),
        history=_history(case, access),
        events=list(
            case.audit_events.select_related("user").order_by("-at", "-id")[:50]
        ),
        pip_overdue=pip_overdue(case, today),
        phase_file=case_phase_file(case),
        consents=consent_overview(case=case),
        referrals=case_referrals(case=case, access=access),
    )


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else ("Ja" if value else "Nee")


def export_cases(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases a user may export: a manager's gemeente(n) or MB organisation(s)."""
    return manager_cases(user=user)


def export_rows(
    *, cases: QuerySet[Case], today: date, with_names: bool = False
) -> Iterator[CaseRow]:
    """One export row per case, in a fixed number of queries. A manager reads only
    the 'normaal' class: the reference instead of the statushouder's name."""
    cases = cases.select_related("gemeente", "begeleider").order_by(
        "gemeente__naam", "reference"
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
        if case.pip_vastgesteld_op and case.pip_deadline:
            on_time: bool | None = case.pip_vastgesteld_op <= case.pip_deadline
        elif case.pip_deadline and today > case.pip_deadline:
            on_time = False
        else:
            on_time = None
        yield CaseRow(
            gemeente=case.gemeente.naam,
            reference=case.reference,
            client_naam=case.client_naam if with_names else "",
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


@dataclass(frozen=True)
class ConsentState:
    """The current consent for one category, in both directions (None: not asked)."""

    category: str
    category_label: str
    mb_to_gemeente: Consent | None
    gemeente_to_mb: Consent | None


def consent_overview(*, case: Case) -> list[ConsentState]:
    """The current consent per category and direction."""
    latest: dict[tuple[str, str], Consent] = {}
    for consent in case.consents.order_by("recorded_at", "id"):
        latest[(consent.category, consent.direction)] = consent
    return [
        ConsentState(
            category,
            str(label),
            latest.get((category, Consent.Direction.MB_TO_GEMEENTE)),
            latest.get((category, Consent.Direction.GEMEENTE_TO_MB)),
        )
        for category, label in Consent.Category.choices
    ]


# ---- referrals and the MB report -----------------------------------------------------


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    reason_visible: bool


def case_referrals(*, case: Case, access: CaseAccess) -> list[ReferralRow]:
    """The case's referrals; the reason only where the viewer may read its class."""
    return [
        ReferralRow(
            referral,
            access.may_read(REFERRAL_PRIVACY.get(referral.leefgebied, "normaal"), "mb"),
        )
        for referral in case.referrals.select_related("created_by")
    ]


def follow_ups(*, user: AbstractBaseUser, today: date, days: int = 7) -> list[Referral]:
    """The referrals the user follows up on within ``days``: their own, or those of
    the cases they are vaste begeleider of."""
    return list(
        Referral.objects.filter(
            Q(created_by=user) | Q(case__begeleider=user),
            followed_up_at__isnull=True,
            follow_up_on__lte=today + timedelta(days=days),
            case__in=visible_cases(user=user).values("pk"),
        )
        .select_related("case")
        .order_by("follow_up_on", "id")
    )


@dataclass(frozen=True)
class MbReport:
    """What the MB organisation reports to the gemeente about one case: the guidance
    given and the agreements kept, within the consent given ("rapportage MB")."""

    case: Case
    begeleidingsvorm: str
    contacts: int
    minutes: int
    by_kind: list[tuple[str, int]]
    by_leefgebied: list[tuple[str, int]]
    referrals: list[tuple[str, str, int]]  # leefgebied, outcome, count
    agreements: list[tuple[date, bool]]
    piezo: list[tuple[date, str]]
    signals: list[tuple[str, int | None]]  # category, count (None: no consent)


def _choice_label(definition: FormDefinition, field: str, value: str) -> str:
    for candidate in definition.fields:
        if candidate.name == field:
            return dict(candidate.choices).get(value, value)
    return value


def mb_report(*, case: Case, access: CaseAccess) -> MbReport:
    contacts = list(
        case.submissions.filter(form_key="contactmoment").select_related("version")
    )
    kinds: dict[str, int] = {}
    areas: dict[str, int] = {}
    minutes = 0
    signals = {"gezondheid": 0, "schulden": 0}
    for submission in contacts:
        definition = bundle_of(submission.version).forms.get("contactmoment")
        data = submission.data
        kind = _choice_label(definition, "contact_soort", data.get("contact_soort", ""))
        kinds[kind] = kinds.get(kind, 0) + 1
        for area in data.get("contact_leefgebieden") or []:
            label = _choice_label(definition, "contact_leefgebieden", area)
            areas[label] = areas.get(label, 0) + 1
        minutes += int(data.get("contact_duur_minuten") or 0)
        for category in signals:
            if data.get(f"contact_signaal_{category}"):
                signals[category] += 1
    referrals: dict[tuple[str, str], int] = {}
    for referral in case.referrals.all():
        key = (
            referral.get_leefgebied_display(),
            referral.get_outcome_display() or "nog niet opgevolgd",
        )
        referrals[key] = referrals.get(key, 0) + 1
    milestones = case.milestones.filter(
        key__in=("afspraken_nagekomen", "piezo_fase", "begeleidingsvorm")
    ).order_by("reached_at", "id")
    intake = case.submissions.filter(form_key="intake_gesprek").first()
    vorm = ""
    if intake is not None:
        definition = bundle_of(intake.version).forms.get("intake_gesprek")
        vorm = _choice_label(
            definition, "begeleidingsvorm", intake.data.get("begeleidingsvorm", "")
        )
    return MbReport(
        case=case,
        begeleidingsvorm=vorm,
        contacts=len(contacts),
        minutes=minutes,
        by_kind=sorted(kinds.items()),
        by_leefgebied=sorted(areas.items(), key=lambda item: -item[1]),
        referrals=[(a, o, n) for (a, o), n in sorted(referrals.items())],
        agreements=[
            (timezone.localdate(m.reached_at), bool(m.value))
            for m in milestones
            if m.key == "afspraken_nagekomen"
        ],
        piezo=[
            (timezone.localdate(m.reached_at), str(m.value))
            for m in milestones
            if m.key == "piezo_fase"
        ],
        signals=[
            (category, n if access.may_read(category, "mb") else None)
            for category, n in signals.items()
        ],
    )
