"""Reads of Mijn Wegwijs: what the statushouder sees of their own case, each page's
read logged as self-access; and the requests in a staff member's queue."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import vocabulary
from forms.registry import UnknownFormKey
from forms.values import display_rows
from webui.access import current_consents
from webui.accounts.models import LANE_SIDE, Membership, Role
from webui.cases.models import Case, CaseMilestone, Consent, Submission
from webui.casework.services.consent import SELF_GROUND_ROLE, STATUSHOUDER
from webui.casework.timeline import day_of
from webui.definitions.bundles import START_FORM, bundle_of
from webui.logs.context import Occasion
from webui.logs.models import ProcessedSubject, ProcessingRecord
from webui.logs.services import processing_record
from webui.portal.models import Invitation, PortalRequest
from webui.pvt.models import Participant, Session

from .languages import from_voorkeurstaal


def self_record(
    *, case: Case, occasion: Occasion, page: str, categories: set[str]
) -> None:
    """Every portal page: one record, the statushouder seeing their own data."""
    processing_record(
        user=None,
        username=STATUSHOUDER,
        action=str(ProcessingRecord.Action.VIEW),
        cases=[case],
        categories=categories,
        roles=[SELF_GROUND_ROLE],
        detail={"path": occasion.path, "page": page, "zelf": True},
        occasion=occasion,
    )


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Appointment:
    day: date
    time: Any
    what: str  # typed by people (a task's name), Dutch
    place: str
    interpreter: str


@dataclass(frozen=True)
class Person:
    role: str
    name: str
    organisation: str
    email: str


@dataclass(frozen=True)
class Note:
    """What a form marked for the statushouder, from one step of their case (an
    invitation of the gemeente, the next appointment with the begeleider)."""

    title: str  # the task's name, Dutch
    day: date
    rows: list[Row]


@dataclass
class Home:
    case: Case
    plan: list[Row] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    plan_fixed_on: date | None = None
    appointments: list[Appointment] = field(default_factory=list)
    term_end: date | None = None
    term_days_left: int | None = None
    people: list[Person] = field(default_factory=list)
    contact_asked: bool = False


def _shown_rows(submission: Submission | None) -> list[Row]:
    """The answers of a submission whose fields are meant for the statushouder
    ("voor_statushouder" in the form definition); nothing else."""
    if submission is None:
        return []
    try:
        definition = bundle_of(submission.version).forms.get(submission.form_key)
    except UnknownFormKey:
        return []
    meant = {f.name for f in definition.fields if f.for_statushouder}
    return [
        Row(row.label, row.value)
        for row in display_rows(definition, submission.data)
        if row.name in meant and submission.data.get(row.name) not in (None, "", [])
    ]


def _milestone_submission(case: Case, key: str) -> Submission | None:
    milestone = case.milestones.filter(key=key).order_by("-reached_at", "-id").first()
    if milestone is None:
        return None
    return (
        case.submissions.filter(bpmn_id=milestone.bpmn_id)
        .select_related("version")
        .order_by("-submitted_at", "-id")
        .first()
    )


def _notes(case: Case, skip: set[int], limit: int = 10) -> list[Note]:
    """The newest steps whose forms mark answers for the statushouder (the PIP
    aside, shown as the plan)."""
    notes = []
    for submission in (
        case.submissions.exclude(pk__in=skip)
        .select_related("version")
        .order_by("-submitted_at", "-id")
    ):
        rows = _shown_rows(submission)
        if rows:
            notes.append(
                Note(submission.task_name, submission.submitted_at.date(), rows)
            )
            if len(notes) == limit:
                break
    return notes


def _appointments(case: Case, today: date) -> list[Appointment]:
    sessions = Session.objects.filter(
        pk__in=Participant.objects.filter(case=case).values("session_id"),
        status=Session.Status.PLANNED,
        date__gte=today,
    ).order_by("date", "start_time")
    return [
        Appointment(s.date, s.start_time, s.task_name, s.place, s.interpreter)
        for s in sessions
    ]


def _term(case: Case, today: date) -> tuple[date | None, int | None]:
    reached = CaseMilestone.objects.filter(
        case=case, key="inburgeringstermijn"
    ).order_by("-reached_at", "-id")
    for milestone in reached:
        end = day_of(milestone.value)
        if end is not None:
            return end, max((end - today).days, 0)
    return None, None


def _people(case: Case) -> list[Person]:
    people = []
    if case.begeleider is not None and case.mb_organisation is not None:
        people.append(
            Person(
                Role.BEGELEIDER,
                case.begeleider.get_full_name() or case.begeleider.get_username(),
                case.mb_organisation.naam,
                case.begeleider.email,
            )
        )
    regie = (
        case.submissions.filter(role=Role.REGIEVOERDER, submitted_by__isnull=False)
        .select_related("submitted_by")
        .order_by("-submitted_at", "-id")
        .first()
    )
    if regie is not None and regie.submitted_by is not None:
        user = regie.submitted_by
        people.append(
            Person(
                Role.REGIEVOERDER,
                user.get_full_name() or user.get_username(),
                f"Gemeente {case.gemeente.naam}",
                user.email,
            )
        )
    return people


def portal_home(*, case: Case, today: date, occasion: Occasion) -> Home:
    """The start page: the plan as vastgesteld (the fields meant for the
    statushouder), appointments, the inburgeringstermijn, the people."""
    home = Home(case=case)
    plan = _milestone_submission(case, "pip_opgesteld")
    decision = _milestone_submission(case, "pip_vastgesteld")
    if case.pip_vastgesteld_op:
        home.plan = _shown_rows(plan) + _shown_rows(decision)
        home.plan_fixed_on = case.pip_vastgesteld_op
    # The PIP's steps (found by their milestones, whatever a variant calls them)
    # show as the plan once vastgesteld, and not at all before.
    pip_tasks = case.milestones.filter(
        key__in=["pip_opgesteld", "pip_vastgesteld"]
    ).values_list("bpmn_id", flat=True)
    pip_ids = set(
        case.submissions.filter(bpmn_id__in=list(pip_tasks)).values_list(
            "pk", flat=True
        )
    )
    home.notes = _notes(case, pip_ids)
    home.appointments = _appointments(case, today)
    home.term_end, home.term_days_left = _term(case, today)
    home.people = _people(case)
    home.contact_asked = case.portal_requests.filter(
        kind=PortalRequest.Kind.CONTACT, done_at__isnull=True
    ).exists()
    self_record(
        case=case,
        occasion=occasion,
        page="start",
        categories={"normaal", "persoonsgegevens"},
    )
    return home


@dataclass(frozen=True)
class ConsentRow:
    category: str
    category_label: str
    direction: str
    given: bool
    since: date | None


def portal_consents(*, case: Case, occasion: Occasion) -> list[ConsentRow]:
    """Each category and direction, given now or not, since when."""
    latest: dict[tuple[str, str], Consent] = {}
    for consent in case.consents.order_by("recorded_at", "id"):
        latest[(consent.category, consent.direction)] = consent
    given = current_consents(case=case)
    rows = []
    for category in Consent.Category.values:
        for direction in Consent.Direction.values:
            last = latest.get((category, direction))
            rows.append(
                ConsentRow(
                    category,
                    vocabulary.CONSENT_CATEGORIES[category],
                    direction,
                    (category, direction) in given,
                    last.on_date if last is not None else None,
                )
            )
    self_record(
        case=case, occasion=occasion, page="toestemming", categories={"normaal"}
    )
    return rows


@dataclass(frozen=True)
class LogRow:
    at: Any
    action: str
    role: str
    organisation: str
    self_access: bool


@dataclass
class Inzage:
    case: Case
    personal: list[Row]
    plan: list[Row]
    consents: list[ConsentRow]
    forms: list[tuple[str, int]]  # the kinds of forms kept about them, how many
    log: list[LogRow]
    own_visits: int = 0


def _organisation(record: ProcessingRecord, case: Case, memberships: dict) -> str:
    roles = [r.strip() for r in record.roles.split(",") if r.strip()]
    for role in roles:
        side = LANE_SIDE.get(role)
        if side == "gemeente":
            return f"Gemeente {case.gemeente.naam}"
        if side == "mb" and case.mb_organisation is not None:
            return case.mb_organisation.naam
        names = memberships.get((record.user_id, role))
        if names:
            return names
    return ""


def _own(records: Any) -> Any:
    """The statushouder's own visits and changes in the portal (not a failed
    sign-in: that is about their case, but may be anyone's try)."""
    return records.filter(
        username=STATUSHOUDER,
        action__in=[ProcessingRecord.Action.VIEW, ProcessingRecord.Action.CHANGE],
    )


def case_log(*, case: Case, limit: int = 200) -> tuple[list[LogRow], int]:
    """Who looked at the file: by role and organisation, never by a colleague's
    name, newest first; and how often the statushouder looked themselves (counted,
    not listed: a long list of "uzelf" would hide the others)."""
    about = ProcessingRecord.objects.filter(
        pk__in=ProcessedSubject.objects.filter(case_id=case.pk).values("record_id")
    )
    own_count = _own(about).count()
    records = list(
        about.exclude(pk__in=_own(about).values("pk")).order_by("-at", "-id")[:limit]
    )
    users = {r.user_id for r in records if r.user_id}
    memberships: dict[tuple[int, str], str] = {}
    for m in Membership.objects.filter(user_id__in=users).select_related(
        "gemeente", "mb_organisation"
    ):
        org = m.gemeente or m.mb_organisation
        if org is not None:
            memberships[(m.user_id, m.role)] = getattr(org, "naam", "")
    rows = []
    for record in records:
        own = False
        roles = [r.strip() for r in record.roles.split(",") if r.strip()]
        label = ", ".join(
            vocabulary.role_in_sentence(r) for r in roles if r != SELF_GROUND_ROLE
        )
        rows.append(
            LogRow(
                record.at,
                str(record.get_action_display()),
                label,
                "" if own else _organisation(record, case, memberships),
                own,
            )
        )
    return rows, own_count


def portal_inzage(*, case: Case, occasion: Occasion, download: bool = False) -> Inzage:
    """AVG art. 15: the data held about them, and who processed it."""
    start = _start_submission(case)
    personal: list[Row] = []
    if start is not None:
        try:
            definition = bundle_of(start.version).forms.get(START_FORM)
            personal = [
                Row(r.label, r.value)
                for r in display_rows(definition, start.data)
                if r.privacy in ("persoonsgegevens", "normaal", "bsn")
                and start.data.get(r.name) not in (None, "", [])
            ]
        except UnknownFormKey:
            personal = []
    plan: list[Row] = []
    if case.pip_vastgesteld_op:
        plan = _shown_rows(_milestone_submission(case, "pip_opgesteld")) + _shown_rows(
            _milestone_submission(case, "pip_vastgesteld")
        )
    counts: dict[str, int] = {}
    for name in case.submissions.values_list("task_name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    log, own_visits = case_log(case=case)
    inzage = Inzage(
        case=case,
        personal=personal,
        plan=plan,
        consents=[],
        forms=sorted(counts.items()),
        log=log,
        own_visits=own_visits,
    )
    latest: dict[tuple[str, str], Consent] = {}
    for consent in case.consents.order_by("recorded_at", "id"):
        latest[(consent.category, consent.direction)] = consent
    given = current_consents(case=case)
    inzage.consents = [
        ConsentRow(
            c,
            vocabulary.CONSENT_CATEGORIES[c],
            d,
            (c, d) in given,
            latest[(c, d)].on_date if (c, d) in latest else None,
        )
        for c in Consent.Category.values
        for d in Consent.Direction.values
    ]
    self_record(
        case=case,
        occasion=occasion,
        page="inzage-download" if download else "inzage",
        categories={"normaal", "persoonsgegevens", "bsn"},
    )
    return inzage


# ---- staff side ---------------------------------------------------------------


def invitation_of(*, case: Case) -> Invitation | None:
    """The case's standing invitation, if any."""
    return case.portal_invitations.filter(revoked_at__isnull=True).first()


def _start_submission(case: Case) -> Submission | None:
    return (
        case.submissions.filter(form_key=START_FORM)
        .select_related("version")
        .order_by("submitted_at", "id")
        .first()
    )


def invite_defaults(*, case: Case) -> dict[str, str]:
    """The invitation form's first values from the aanmelding: e-mail, mobile
    number and the voorkeurstaal as a portal language."""
    start = _start_submission(case)
    found = {"email": "", "phone": "", "language": "nl"}
    if start is None:
        return found
    try:
        definition = bundle_of(start.version).forms.get(START_FORM)
    except UnknownFormKey:
        return found
    for role, key in (("email", "email"), ("telefoon", "phone"), ("taal", "language")):
        field_def = definition.field_with_role(role)
        value = start.data.get(field_def.name) if field_def else None
        if isinstance(value, str) and value:
            found[key] = from_voorkeurstaal(value) if key == "language" else value
    return found


def invite_seen(*, case: Case, user: Any, roles: set[str], occasion: Occasion) -> None:
    """The invitation page shows the statushouder's name and contact details."""
    processing_record(
        user=user,
        action=str(ProcessingRecord.Action.VIEW),
        cases=[case],
        categories={"persoonsgegevens"},
        roles=roles,
        detail={"path": occasion.path, "page": "portal-uitnodigen"},
        occasion=occasion,
    )
