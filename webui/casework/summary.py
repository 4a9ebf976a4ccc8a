"""The few facts about a case that every page working on it shows: who, how to reach
them, where the case stands, and what the PIP asks. The case page shows it on top,
the task page beside the form. Only what the viewer's roles may read."""

from dataclasses import dataclass
from datetime import date
from functools import cache

from forms.builder import UserChoices
from forms.registry import UnknownFormKey
from forms.values import display_rows
from webui.access import CaseAccess
from webui.accounts.models import LANE_SIDE
from webui.accounts.selectors import user_choices
from webui.cases.models import Case, Submission
from webui.cases.tracks import TrackPosition, track_positions
from webui.definitions.bundles import START_FORM, bundle_of

from .selectors import (
    PhaseStep,
    case_outcome,
    case_phases,
    milestone_label,
    phase_statuses,
)

# The fields of the start form a summary shows, in this order, when the form has them.
# The field roles (forms/field_roles.py) of the aanmelding the summary shows.
CONTACT_FIELDS = ("telefoon", "email", "adres", "postcode")
PERSON_FIELDS = ("taal", "gezinsgrootte", "herkomstland")


@dataclass(frozen=True)
class CaseSummary:
    case: Case
    phases: list[PhaseStep]
    # (label, value) the viewer may read; empty values left out.
    contact: list[tuple[str, str]]
    person: list[tuple[str, str]]
    pip_status: str
    pip_late: bool
    pip_goals: list[tuple[str, str]]
    # Answers of the PIP the viewer may not read (so the page can say so).
    pip_hidden: int
    # The language to talk in ("" when unknown or not readable): for matching.
    language: str = ""
    # The outcome of the vervolgtraject and the Piëzo phase, in words.
    outcome: str = ""
    piezo: str = ""
    # The privacy classes the summary shows (for the processing log).
    shown: frozenset[str] = frozenset({"persoonsgegevens"})
    # The contact rows with a link to call or mail: (label, value, href or "").
    reach: tuple[tuple[str, str, str], ...] = ()
    # Per track (begeleiding, gemeente): its current phases and how far it is.
    tracks: tuple[TrackPosition, ...] = ()

    @property
    def piezo_description(self) -> str:
        """The Piëzo phase's label after its number ("Fase 2 – lerend
        vrijwilligerswerk" -> "lerend vrijwilligerswerk"); "" when it has none."""
        code = self.case.piezo_fase
        prefix = f"Fase {code}"
        if not code or not self.piezo.startswith(prefix):
            return ""
        return self.piezo.removeprefix(prefix).lstrip(" –-:")


def readable_rows(
    submission: Submission,
    access: CaseAccess,
    roles: tuple[str, ...] | None,
    people: UserChoices | None = None,
) -> tuple[list[tuple[str, str, str, str]], int]:
    """(name, label, value, privacy class) of the fields with these field roles (all
    fields when None) the viewer may read that were answered, and how many more
    there were. ``people`` turns a colleague's username into their name."""
    if not access.sees_submission(submission.role):
        return [], 0
    try:
        definition = bundle_of(submission.version).forms.get(submission.form_key)
    except UnknownFormKey:
        return [], 0
    side = LANE_SIDE.get(submission.role)
    rows = {
        row.name: row
        for row in display_rows(
            definition,
            submission.data,
            user_choices=people,
            keep_choice=access.keep_choice(side),
        )
    }
    if roles is None:
        wanted = tuple(rows)
    else:
        found = (definition.field_with_role(role) for role in roles)
        wanted = tuple(field.name for field in found if field is not None)
    shown, hidden = [], 0
    for name in wanted:
        row = rows.get(name)
        if row is None or submission.data.get(name) in (None, "", []):
            continue
        if access.may_read(row.privacy, side):
            shown.append((row.name, row.label, row.value, row.privacy))
        elif not access.withheld(row.privacy, side):
            # What only consent would show is left out, uncounted: the count
            # alone would tell there is something.
            hidden += 1
    return shown, hidden


def pip_status(case: Case, today: date) -> tuple[str, bool]:
    """The PIP in words, judged on the vaststelling (the law's deadline), and whether
    it is late."""
    deadline = case.pip_deadline
    if case.pip_vastgesteld_op:
        done = f"vastgesteld op {case.pip_vastgesteld_op:%d-%m-%Y}"
        if deadline and case.pip_vastgesteld_op > deadline:
            return f"{done}, na de termijn van {deadline:%d-%m-%Y}", True
        return f"{done}, op tijd", False
    if deadline is None:
        return "nog geen termijn", False
    drawn_up = (
        f"; opgesteld op {case.pip_opgesteld_op:%d-%m-%Y}, wacht op vaststelling"
        if case.pip_opgesteld_op
        else ""
    )
    if case.is_closed:
        return f"niet vastgesteld (termijn was {deadline:%d-%m-%Y})", False
    if today > deadline:
        return f"te laat: de termijn verstreek op {deadline:%d-%m-%Y}{drawn_up}", True
    return f"vast te stellen uiterlijk {deadline:%d-%m-%Y}{drawn_up}", False


def _link(name: str, value: str) -> str:
    """A tel: or mailto: link for a phone number or e-mail address, else ""."""
    if name == "telefoon":
        digits = "".join(c for c in value if c.isdigit() or c == "+")
        return f"tel:{digits}" if digits else ""
    if name == "email" and "@" in value:
        return f"mailto:{value}"
    return ""


def colleagues(case: Case) -> UserChoices:
    """Role -> (username, name) of the people who work on the case's roles, read
    once per role: for the `gebruiker` answers."""
    return cache(
        user_choices(gemeente_id=case.gemeente_id, mb_id=case.mb_organisation_id)
    )


def pip_submission(case: Case) -> Submission | None:
    """The latest PIP: the submission of the task that declares the milestone
    'pip_opgesteld' (whatever the variant calls that task)."""
    tasks = case.milestones.filter(key="pip_opgesteld").values_list(
        "bpmn_id", flat=True
    )
    return (
        case.submissions.filter(bpmn_id__in=list(tasks))
        .select_related("version")
        .order_by("-submitted_at", "-id")
        .first()
    )


def case_summary(*, case: Case, access: CaseAccess, today: date) -> CaseSummary:
    start = (
        case.submissions.filter(form_key=START_FORM)
        .select_related("version")
        .order_by("submitted_at", "id")
        .first()
    )
    contact, person = [], []
    if start is not None:
        contact, _ = readable_rows(start, access, CONTACT_FIELDS)
        person, _ = readable_rows(start, access, PERSON_FIELDS)
    pip = pip_submission(case)
    people = colleagues(case)
    goals, hidden = readable_rows(pip, access, None, people) if pip else ([], 0)
    status, late = pip_status(case, today)
    piezo = ""
    if case.piezo_fase and not access.trainer_only:
        piezo = milestone_label(
            version=case.version, key="piezo_fase", value=case.piezo_fase
        )
    statuses = phase_statuses(case)
    return CaseSummary(
        case=case,
        phases=case_phases(case, statuses),
        tracks=tuple(track_positions(case.version, statuses)),
        contact=[(label, value) for _, label, value, _ in contact],
        reach=tuple(
            (label, value, _link(name, value)) for name, label, value, _ in contact
        ),
        person=[(label, value) for _, label, value, _ in person],
        pip_status=status,
        pip_late=late,
        pip_goals=[(label, value) for _, label, value, _ in goals],
        pip_hidden=hidden,
        language=next((value for name, _, value, _ in person if name == "taal"), ""),
        outcome="" if access.trainer_only else case_outcome(case),
        piezo=piezo,
        shown=frozenset(
            {"persoonsgegevens"} | {row[3] for row in contact + person + goals}
        ),
    )
