"""Reads for case pages, lists and the export."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

import engine
from forms.field_roles import CONTACT_FORM
from forms.registry import FormDefinition, UnknownFormKey
from forms.values import display_rows
from webui.access import (
    CONSENT_HOLDER,
    CONSENT_MILESTONES,
    CONSENT_ROLES,
    CaseAccess,
    cases_for_user,
    grants,
    leefgebied_privacy,
    visible_cases,
)
from webui.accounts.models import LANE_SIDE, Gemeente
from webui.accounts.selectors import user_choices
from webui.definitions.bundles import START_FORM, blob_texts, bundle_of
from webui.definitions.models import DefinitionVersion
from webui.definitions.services import active_version
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem

from .models import (
    Case,
    CaseMigration,
    CaseState,
    Consent,
    ConsentRequest,
    Referral,
    Submission,
)


def with_open_task_counts(cases: list[Case]) -> list[Case]:
    """The cases, each with its number of open tasks (``open_tasks``), in one
    grouped query over the task rows of these cases only: counting in the case query
    itself would group every visible case's task rows before a list is cut to its
    first rows."""
    counts = dict(
        TaskItem.objects.filter(
            case_id__in=[case.pk for case in cases], state=TaskItem.State.OPEN
        )
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    for case in cases:
        case.open_tasks = counts.get(case.pk, 0)
    return cases


def overdue_q(today: date) -> Q:
    """Cases whose PIP deadline passed without a PIP vastgesteld (the law's
    deadline is on the beschikking, not on the drawing up)."""
    return Q(pip_deadline__lt=today, pip_vastgesteld_op__isnull=True, is_closed=False)


def filtered_cases(
    *,
    user: AbstractBaseUser,
    today: date,
    only_overdue: bool = False,
    phase: str = "",
    search: str = "",
) -> QuerySet[Case]:
    """The case list under its filters: past the PIP deadline, in one phase, a part
    of the statushouder's name or of the kenmerk; newest first."""
    cases = cases_for_user(user=user)
    if only_overdue:
        cases = cases.filter(overdue_q(today))
    if phase:
        cases = cases.filter(phase_label=phase)
    if search:
        cases = cases.filter(
            Q(client_naam__icontains=search) | Q(reference__icontains=search)
        )
    return cases


@dataclass(frozen=True)
class Overview:
    total: int
    overdue: int
    phases: list[tuple[str, int]]


def case_overview(*, user: AbstractBaseUser, today: date) -> Overview:
    """How many cases the user can open, per phase and past their PIP deadline (a
    manager's figures are on the overview page, webui.reports)."""
    cases = visible_cases(user=user)
    per_phase = cases.values("phase_label").annotate(n=Count("id")).order_by("-n")
    return Overview(
        total=cases.count(),
        overdue=cases.filter(overdue_q(today)).count(),
        phases=[(row["phase_label"], row["n"]) for row in per_phase],
    )


@dataclass(frozen=True)
class HistoryEntry:
    submission: Submission
    rows: list[tuple[str, str]]
    # Answers hidden from the viewer's role (what only consent would show is left
    # out, not counted).
    hidden: int
    # The privacy classes shown, and those shown only thanks to the consent.
    shown: frozenset[str] = frozenset()
    by_consent: frozenset[str] = frozenset()


def _history(case: Case, access: CaseAccess) -> list[HistoryEntry]:
    entries = []
    submissions = case.submissions.select_related("submitted_by", "version")
    # A `gebruiker` answer reads as the colleague's name, not their username.
    names = cache(
        user_choices(gemeente_id=case.gemeente_id, mb_id=case.mb_organisation_id)
    )
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
        shown, hidden = [], 0
        classes, by_consent = set(), set()
        rows = display_rows(
            definition,
            submission.data,
            user_choices=names,
            keep_choice=access.keep_choice(side),
        )
        for row in rows:
            if access.may_read(row.privacy, side):
                shown.append((row.label, row.value))
                classes.add(row.privacy)
                if access.needs_consent(row.privacy, side):
                    by_consent.add(row.privacy)
            elif not access.withheld(row.privacy, side):
                # Hidden by role: the page says so. What only consent would show
                # is left out without a trace: its count alone would tell.
                hidden += 1
        topics = {
            c
            for c in _chosen_classes(definition, submission.data)
            if access.may_read(c, side)
        }
        classes |= topics
        by_consent |= {c for c in topics if access.needs_consent(c, side)}
        entries.append(
            HistoryEntry(
                submission,
                shown,
                hidden,
                frozenset(classes),
                frozenset(by_consent),
            )
        )
    return entries


def _chosen_classes(definition: FormDefinition, data: dict[str, Any]) -> set[str]:
    """The privacy classes the chosen leefgebieden of a submission are about."""
    found = set()
    for candidate in definition.fields:
        value = data.get(candidate.name)
        if (
            candidate.choices
            and value
            and candidate.milestone not in CONSENT_MILESTONES
        ):
            for item in value if isinstance(value, list) else [value]:
                found.add(leefgebied_privacy(str(item)))
    return found - {"normaal"}


def case_history(*, case: Case, access: CaseAccess) -> list[HistoryEntry]:
    """Every submission of the case the viewer may see, oldest first, each with the
    answers the viewer may read (and how many their role may not)."""
    return _history(case, access)


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
        open_tasks=[
            item
            for item in case.tasks.filter(state=TaskItem.State.OPEN)
            .select_related("assignee")
            .order_by("ready_at")
            # A trainer sees the PVT work only, not what else waits on the case.
            if access.sees_submission(item.role)
        ],
        history=_history(case, access),
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


def cases_for_migration(
    *,
    gemeente: Gemeente,
    from_version: int | None = None,
    phase: str = "",
    references: "list[str] | None" = None,
) -> QuerySet[Case]:
    """The running cases of a gemeente a beheerder chooses to migrate: all of them, of
    one version, in one phase (by its label, as ``migration_phases`` offers it), or a
    list of references."""
    cases = Case.objects.filter(gemeente=gemeente, is_closed=False).select_related(
        "version"
    )
    if from_version is not None:
        cases = cases.filter(version__number=from_version)
    if phase:
        cases = cases.filter(phase_label=phase)
    if references:
        cases = cases.filter(reference__in=references)
    return cases.order_by("reference")


def migration_phases(*, gemeente: Gemeente) -> list[str]:
    """The phases the gemeente's running cases are in, each label once: the same
    phase on several versions (or under another process id) is one choice."""
    labels = (
        cases_for_migration(gemeente=gemeente)
        .order_by("phase_label")
        .values_list("phase_label", flat=True)
        .distinct()
    )
    return [label for label in labels if label]


def migration_revertible(*, migration: CaseMigration) -> bool:
    """Whether *Terugdraaien* can succeed: the migration is not reverted yet and the
    case has not moved on since (what ``case_migration_revert`` checks under lock)."""
    return (
        migration.reverted_at is None
        and migration.case.lock_version == migration.lock_version_after
    )


@dataclass(frozen=True)
class ConsentState:
    """The current consent for one category, in both directions (None: not asked)."""

    category: str
    category_label: str
    mb_to_gemeente: Consent | None
    gemeente_to_mb: Consent | None
    # An open request of the receiving party, per direction.
    mb_to_gemeente_asked: ConsentRequest | None = None
    gemeente_to_mb_asked: ConsentRequest | None = None


def consent_overview(*, case: Case) -> list[ConsentState]:
    """The current consent per category and direction, and the open requests."""
    latest: dict[tuple[str, str], Consent] = {}
    for consent in case.consents.select_related("recorded_by").order_by(
        "recorded_at", "id"
    ):
        latest[(consent.category, consent.direction)] = consent
    asked = {(r.category, r.direction): r for r in open_consent_requests(case=case)}
    mb, gemeente = Consent.Direction.MB_TO_GEMEENTE, Consent.Direction.GEMEENTE_TO_MB
    return [
        ConsentState(
            category,
            str(label),
            latest.get((category, mb)),
            latest.get((category, gemeente)),
            asked.get((category, mb)),
            asked.get((category, gemeente)),
        )
        for category, label in Consent.Category.choices
    ]


def _open_requests() -> QuerySet[ConsentRequest]:
    """Requests no consent was recorded for since (given or not: answered)."""
    answered = Consent.objects.filter(
        case_id=OuterRef("case_id"),
        category=OuterRef("category"),
        direction=OuterRef("direction"),
        recorded_at__gte=OuterRef("requested_at"),
    )
    return ConsentRequest.objects.filter(~Exists(answered)).select_related(
        "requested_by"
    )


def open_consent_requests(*, case: Case) -> list[ConsentRequest]:
    """The receiving party's open requests for consent on this case."""
    return list(_open_requests().filter(case=case).order_by("requested_at", "id"))


def consent_requests_for(*, user: AbstractBaseUser) -> list[ConsentRequest]:
    """The open requests the user's side is asked to put to the statushouder: on
    the cases they may open, for the data their side holds (their task list)."""
    sides = {LANE_SIDE[g.role] for g in grants(user=user) if g.role in CONSENT_ROLES}
    directions = [d for d, holder in CONSENT_HOLDER.items() if holder in sides]
    if not directions:
        return []
    return list(
        _open_requests()
        .filter(
            direction__in=directions, case__in=visible_cases(user=user).values("pk")
        )
        .select_related("case")
        .order_by("requested_at", "id")
    )


# ---- referrals and the MB report -----------------------------------------------------


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    reason_visible: bool


def case_referrals(*, case: Case, access: CaseAccess) -> list[ReferralRow]:
    """The case's referrals; the reason only where the viewer may read its class,
    and not even the referral where only the statushouder's consent would show it
    (a referral to schuldhulp tells as much as the debt)."""
    return [
        ReferralRow(
            referral, access.may_read(leefgebied_privacy(referral.leefgebied), "mb")
        )
        for referral in case.referrals.select_related("created_by")
        if access.shows_leefgebied(referral.leefgebied, "mb")
    ]


def referral_for(
    *, case: Case, access: CaseAccess, referral_id: int
) -> Referral | None:
    """One referral of the case, None where the viewer may not learn of it."""
    referral = case.referrals.filter(pk=referral_id).first()
    if referral is None or not access.shows_leefgebied(referral.leefgebied, "mb"):
        return None
    return referral


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


def _choice_label(definition: FormDefinition, role: str, value: str) -> str:
    """The label of a choice of the field with ``role`` (forms/field_roles.py)."""
    field = definition.field_with_role(role)
    return dict(field.choices).get(value, value) if field is not None else value


def _answer(definition: FormDefinition, data: dict[str, Any], role: str) -> Any:
    """The answer to the field with ``role`` in a submission's data, or None."""
    field = definition.field_with_role(role)
    return data.get(field.name) if field is not None else None


def mb_report(*, case: Case, access: CaseAccess) -> MbReport:
    contacts = list(
        case.submissions.filter(form_key=CONTACT_FORM).select_related("version")
    )
    kinds: dict[str, int] = {}
    areas: dict[str, int] = {}
    minutes = 0
    signals = {"gezondheid": 0, "schulden": 0}
    for submission in contacts:
        definition = bundle_of(submission.version).forms.get(CONTACT_FORM)
        data = submission.data
        kind = _choice_label(
            definition,
            "contact_soort",
            _answer(definition, data, "contact_soort") or "",
        )
        kinds[kind] = kinds.get(kind, 0) + 1
        side = LANE_SIDE.get(submission.role)
        for area in _answer(definition, data, "contact_leefgebieden") or []:
            if not access.shows_leefgebied(area, side):
                continue
            label = _choice_label(definition, "contact_leefgebieden", area)
            areas[label] = areas.get(label, 0) + 1
        minutes += int(_answer(definition, data, "contact_duur") or 0)
        for category in signals:
            if _answer(definition, data, f"signaal_{category}"):
                signals[category] += 1
    referrals: dict[tuple[str, str], int] = {}
    for referral in case.referrals.all():
        if not access.shows_leefgebied(referral.leefgebied, "mb"):
            continue
        key = (
            referral.get_leefgebied_display(),
            referral.get_outcome_display() or "nog niet opgevolgd",
        )
        referrals[key] = referrals.get(key, 0) + 1
    milestones = list(
        case.milestones.filter(
            key__in=("afspraken_nagekomen", "piezo_fase", "begeleidingsvorm")
        )
        .select_related("version")
        .order_by("reached_at", "id")
    )
    # The form of guidance as the intake chose it: the first time it was recorded.
    chosen = next((m for m in milestones if m.key == "begeleidingsvorm"), None)
    vorm = (
        milestone_label(version=chosen.version, key=chosen.key, value=chosen.value)
        if chosen is not None and chosen.value not in (None, "")
        else ""
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


# ---- the case in its process diagram -------------------------------------------------

OPEN_MARK = "wegwijs-open"
DONE_MARK = "wegwijs-done"
STATUS_WORDS = {"current": "nu", "done": "afgerond", "todo": "nog niet"}


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


@dataclass(frozen=True)
class CaseMarks:
    """What the viewer marks in one diagram file for one case: element id -> class
    (open tasks and what was done), called process id -> class (for the call
    activities of the phases), and the same in words. ``trail`` is what the engine
    recorded running in this file: the gateways and events passed ("path") and the
    steps between elements ("steps"), or None for a case without a trail."""

    elements: dict[str, str]
    calls: dict[str, str]
    done: list[str]
    open: list[str]
    trail: dict[str, Any] | None = None
    # When the trail began, if the case ran before trails were kept.
    trail_since: datetime | None = None


def _mark_classes(open_ids: set[str], done_ids: set[str]) -> dict[str, str]:
    """Id -> "wegwijs-open", "wegwijs-done" or both (a task in a loop)."""
    return {
        key: " ".join(
            mark
            for mark, ids in ((OPEN_MARK, open_ids), (DONE_MARK, done_ids))
            if key in ids
        )
        for key in sorted(open_ids | done_ids)
    }


def _file_processes(process: engine.DeployedVersion) -> dict[str, str]:
    """Process id (embedded subprocesses included) -> the file that draws it."""
    owners = engine.file_processes(
        process.process_files,
        {engine.MAIN_PROCESS: process.spec, **process.subprocess_specs},
    )
    return {pid: process.process_files[top] for pid, top in owners.items()}


def case_trail(case: Case) -> engine.Trail | None:
    """What the engine recorded running for the case (None before trails were
    kept, until its next step)."""
    state = CaseState.objects.filter(case_id=case.pk).values_list("state", flat=True)
    text = state.first()
    return engine.trail_of(json.loads(text)) if text else None


def case_marks(*, case: Case, access: CaseAccess, file_name: str) -> CaseMarks:
    """The case's position (open tasks) and path (what the engine ran, done tasks,
    reached milestones) in one file of its version. A trainer sees only the PVT
    tasks on it, and the way through the processes that hold them."""
    process = bundle_of(case.version).process
    files = _file_processes(process)
    in_file = {pid for pid, name in files.items() if name == file_name}
    process_of = {task: pid for pid, task in process.user_task_roles}
    ids: dict[bool, set[str]] = {True: set(), False: set()}
    names: dict[bool, dict[str, None]] = {True: {}, False: {}}
    calls: dict[bool, set[str]] = {True: set(case.open_phases), False: set()}
    tasks = case.tasks.filter(
        state__in=(TaskItem.State.OPEN, TaskItem.State.DONE)
    ).order_by("ready_at", "id")
    for bpmn_id, state, role, name in tasks.values_list(
        "bpmn_id", "state", "role", "name"
    ):
        if not access.sees_submission(role):
            continue
        is_open = state == TaskItem.State.OPEN
        pid = process_of.get(bpmn_id, "")
        calls[is_open].add(pid)
        if pid in in_file:
            ids[is_open].add(bpmn_id)
            names[is_open][name] = None
    if not access.trainer_only:
        declared = {m.element: m.process for m in process.milestones if m.element}
        reached = case.milestones.filter(bpmn_id__in=list(declared))
        for bpmn_id in reached.values_list("bpmn_id", flat=True).distinct():
            calls[False].add(declared[bpmn_id])
            if declared[bpmn_id] in in_file:
                ids[False].add(bpmn_id)
    trail, since = _trail_marks(case, access, process, in_file, ids[False])
    return CaseMarks(
        elements=_mark_classes(ids[True], ids[False]),
        calls=_mark_classes(calls[True] - {""}, calls[False] - {""}),
        done=list(names[False]),
        open=list(names[True]),
        trail=trail,
        trail_since=since,
    )


def _trail_marks(
    case: Case,
    access: CaseAccess,
    process: engine.DeployedVersion,
    in_file: set[str],
    done: set[str],
) -> tuple[dict[str, Any] | None, datetime | None]:
    """The trail in the file's processes, for the viewer: done user tasks join
    ``done``; gateways, events and call activities passed are the "path"; the steps
    are the pairs (element before, element) the engine ran. User tasks the viewer
    may not see are left out, and the steps that touch them."""
    trail = case_trail(case)
    if trail is None:
        return None, None
    roles = process.user_task_roles
    visible = set()
    for pid in in_file:
        if access.trainer_only and not any(
            p == pid and role == "trainer" for (p, _t), role in roles.items()
        ):
            continue
        visible.add(pid)
    path: set[str] = set()
    hidden: set[str] = set()
    for pid in visible:
        for element in trail.done.get(pid, ()):
            role = roles.get((pid, element))
            if role is None:
                path.add(element)
            elif access.sees_submission(role):
                done.add(element)
            else:
                hidden.add(element)
    steps = sorted(
        {
            (before, element)
            for pid in visible
            for before, element in trail.steps.get(pid, ())
            if before not in hidden and element not in hidden
        }
    )
    since = None if trail.from_start else datetime.fromisoformat(trail.since)
    return {"path": sorted(path), "steps": [list(s) for s in steps]}, since


@dataclass(frozen=True)
class DiagramChoice:
    file_name: str
    label: str
    status: str  # "current", "done", "todo" or "" (not a phase of its own)

    @property
    def status_label(self) -> str:
        return STATUS_WORDS.get(self.status, "")


@dataclass(frozen=True)
class CaseDiagram:
    """One diagram of the case's version, with the case's marks, and the other
    diagrams to choose from."""

    file_name: str
    label: str
    xml: str
    marks: CaseMarks
    choices: list[DiagramChoice]

    @property
    def status(self) -> str:
        return next(
            (c.status for c in self.choices if c.file_name == self.file_name), ""
        )

    @property
    def waiting(self) -> bool:
        """The phase runs, but nothing in it is open: it waits for a date or for
        another part of the trajectory."""
        return self.status == "current" and not self.marks.open


def diagram_choices(case: Case) -> list[DiagramChoice]:
    """The diagrams of the case's version: the whole trajectory, then each phase in
    the order it runs, then the processes the phases call."""
    process = bundle_of(case.version).process
    files = process.process_files
    statuses = phase_statuses(case)
    choices = {}
    main = files.get(engine.MAIN_PROCESS)
    if main:
        choices[main] = DiagramChoice(main, "Het hele traject", "")
    for pid, status in statuses.items():
        if pid in files and files[pid] not in choices:
            name = process.phase_names.get(pid, pid)
            choices[files[pid]] = DiagramChoice(files[pid], name, status)
    for pid, file_name in sorted(files.items(), key=lambda item: item[1]):
        if file_name not in choices:
            name = process.phase_names.get(pid, pid)
            choices[file_name] = DiagramChoice(file_name, name, "")
    return list(choices.values())


def _current_file(case: Case, access: CaseAccess) -> str | None:
    """The file that holds the oldest open task of the viewer's roles (of anyone's
    the viewer may see, if they have none), or else the case's current phase."""
    process = bundle_of(case.version).process
    files = _file_processes(process)
    process_of = {task: pid for pid, task in process.user_task_roles}
    open_tasks = case.tasks.filter(state=TaskItem.State.OPEN).order_by("ready_at", "id")
    visible = [
        (bpmn_id, role)
        for bpmn_id, role in open_tasks.values_list("bpmn_id", "role")
        if access.sees_submission(role) and process_of.get(bpmn_id)
    ]
    visible.sort(key=lambda task: task[1] not in access.roles)  # stable: mine first
    for bpmn_id, _role in visible:
        file_name = files.get(process_of[bpmn_id])
        if file_name:
            return file_name
    return case_phase_file(case)


def case_diagram(
    *, case: Case, access: CaseAccess, file_name: str | None = None
) -> CaseDiagram | None:
    """The diagram to show on the case page: the one asked for, or the one that
    holds the case's open work (the whole trajectory when it is closed)."""
    choices = diagram_choices(case)
    by_file = {choice.file_name: choice for choice in choices}
    if file_name not in by_file:
        file_name = _current_file(case, access)
    if file_name not in by_file:
        file_name = choices[0].file_name if choices else None
    sha = case.version.files.get(file_name or "")
    if file_name is None or sha is None:
        return None
    return CaseDiagram(
        file_name=file_name,
        label=by_file[file_name].label,
        xml=blob_texts([sha])[sha],
        marks=case_marks(case=case, access=access, file_name=file_name),
        choices=choices,
    )
