"""The case file: the case page (summary, open tasks, timeline, the case in its
process diagram), the PIP as a printable document, the MB report and the case's
form pages. Reads, each filtered to what the viewer's roles may read
(webui.access.CaseAccess), and each logged as seen by the viewer on the page's
occasion (webui.logs): the page that shows them writes no log itself."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator

from webui.access import CaseAccess, roles_held
from webui.accounts.models import LANE_SIDE
from webui.cases.models import Case, Submission
from webui.cases.tracks import with_track_phases
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import list_record, processing_record

from .selectors import (
    CaseDiagram,
    CaseView,
    MbReport,
    case_diagram,
    case_view,
    filtered_cases,
    mb_report,
    with_open_task_counts,
)
from .summary import (
    CaseSummary,
    case_summary,
    colleagues,
    pip_status,
    pip_submission,
    readable_rows,
)
from .timeline import PAGE, Timeline, case_timeline, day_of


def case_list_page(
    *,
    user: AbstractBaseUser,
    today: date,
    number: str | int | None,
    per_page: int,
    occasion: Occasion,
    only_overdue: bool = False,
    phase: str = "",
    search: str = "",
) -> tuple[Page, list[Case]]:
    """One page (``number``, of ``per_page``) of the case list under its filters,
    and its cases with their open tasks and track phases; the cases shown are logged
    as a list seen by ``user``."""
    cases = filtered_cases(
        user=user, today=today, only_overdue=only_overdue, phase=phase, search=search
    )
    page = Paginator(cases, per_page).get_page(number)
    shown = with_track_phases(with_open_task_counts(list(page.object_list)))
    list_record(
        user=user,
        cases=shown,
        categories=["persoonsgegevens"],
        roles=roles_held(user=user),
        occasion=occasion,
    )
    return page, shown


@dataclass(frozen=True)
class CaseFile:
    view: CaseView
    summary: CaseSummary
    timeline: Timeline
    diagram: CaseDiagram | None

    @property
    def shown_categories(self) -> set[str]:
        """The privacy classes this page shows (for the processing log)."""
        return {"persoonsgegevens"} | set(self.summary.shown) | self.timeline.shown

    @property
    def consented_categories(self) -> set[str]:
        return self.timeline.by_consent


def case_file(
    *,
    case: Case,
    access: CaseAccess,
    today: date,
    kind: str = "",
    user: AbstractBaseUser,
    occasion: Occasion,
    limit: int = PAGE,
    diagram: str | None = None,
) -> CaseFile:
    """Everything the case page shows: one page of the timeline (of one ``kind``,
    ``limit`` entries) and the ``diagram`` file asked for (the current phase's
    otherwise); logged as seen by ``user``, with the classes it shows."""
    view = case_view(case=case, access=access, today=today)
    summary = case_summary(case=case, access=access, today=today)
    casefile = CaseFile(
        view=view,
        summary=summary,
        timeline=case_timeline(
            case=case,
            access=access,
            today=today,
            kind=kind,
            limit=limit,
            history=view.history,
            outcome=summary.outcome,
        ),
        diagram=case_diagram(case=case, access=access, file_name=diagram),
    )
    _seen(
        case=case,
        access=access,
        user=user,
        occasion=occasion,
        categories=casefile.shown_categories,
        consented=casefile.consented_categories,
    )
    return casefile


def _seen(
    *,
    case: Case,
    access: CaseAccess,
    user: AbstractBaseUser,
    occasion: Occasion,
    categories: Iterable[str],
    consented: Iterable[str] = (),
    **detail: str,
) -> None:
    processing_record(
        user=user,
        action=ProcessingRecord.Action.VIEW,
        cases=[case],
        categories=categories,
        consented=consented,
        roles=access.roles,
        detail=detail,
        occasion=occasion,
    )


def case_page_seen(
    *,
    case: Case,
    access: CaseAccess,
    user: AbstractBaseUser,
    occasion: Occasion,
    page: str,
    categories: Iterable[str] = ("persoonsgegevens",),
) -> None:
    """A case's form page (contact, consent, referral, reopen…) shows the
    statushouder's name and what the form is about: logged as a look at the case
    each time it is shown; a stored change is logged besides, by its service."""
    _seen(
        case=case,
        access=access,
        user=user,
        occasion=occasion,
        categories=categories,
        page=page,
    )


def case_mb_report(
    *, case: Case, access: CaseAccess, user: AbstractBaseUser, occasion: Occasion
) -> MbReport:
    """The MB report of the case (``selectors.mb_report``), logged as seen: the
    normal data and the signals it counts."""
    report = mb_report(case=case, access=access)
    _seen(
        case=case,
        access=access,
        user=user,
        occasion=occasion,
        categories=["normaal"]
        + [category for category, n in report.signals if n is not None],
        page="rapportage",
    )
    return report


# ---- the PIP as a document -----------------------------------------------------------


@dataclass(frozen=True)
class PipDocument:
    case: Case
    status: str
    late: bool
    # The plan as drawn up, and the vaststelling (the beschikking).
    plan: Submission | None
    plan_rows: list[tuple[str, str]]
    decision: Submission | None
    decision_rows: list[tuple[str, str]]
    beschikking_op: date | None
    hidden: int
    shown: frozenset[str]
    by_consent: frozenset[str]


def _decision(case: Case) -> tuple[Submission | None, date | None]:
    """The vaststelling: the submission of the task that reached the milestone
    'pip_vastgesteld' (whatever the variant calls it), and the beschikking's date."""
    reached = case.milestones.filter(key="pip_vastgesteld").order_by(
        "-reached_at", "-id"
    )
    milestone = reached.first()
    if milestone is None:
        return None, case.pip_vastgesteld_op
    submission = (
        case.submissions.filter(bpmn_id=milestone.bpmn_id)
        .select_related("version", "submitted_by")
        .order_by("-submitted_at", "-id")
        .first()
    )
    return submission, day_of(milestone.value) or case.pip_vastgesteld_op


def pip_document(
    *,
    case: Case,
    access: CaseAccess,
    today: date,
    user: AbstractBaseUser,
    occasion: Occasion,
) -> PipDocument:
    """The PIP of the case as far as the viewer may read it: the plan as drawn up,
    the vaststelling and the dates; logged as seen by ``user``."""
    people = colleagues(case)
    plan = pip_submission(case)
    decision, beschikking = _decision(case)
    shown: set[str] = {"persoonsgegevens"}
    by_consent: set[str] = set()
    hidden = 0
    parts = []
    for submission in (plan, decision):
        if submission is None:
            parts.append([])
            continue
        rows, more = readable_rows(submission, access, None, people)
        hidden += more
        side = LANE_SIDE.get(submission.role)
        for *_, privacy in rows:
            shown.add(privacy)
            if access.needs_consent(privacy, side):
                by_consent.add(privacy)
        parts.append([(label, value) for _, label, value, _ in rows])
    status, late = pip_status(case, today)
    _seen(
        case=case,
        access=access,
        user=user,
        occasion=occasion,
        categories=shown,
        consented=by_consent,
        page="pip",
    )
    return PipDocument(
        case=case,
        status=status,
        late=late,
        plan=plan,
        plan_rows=parts[0],
        decision=decision,
        decision_rows=parts[1],
        beschikking_op=beschikking,
        hidden=hidden,
        shown=frozenset(shown),
        by_consent=frozenset(by_consent),
    )
