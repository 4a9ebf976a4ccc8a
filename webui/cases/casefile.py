"""The case file: the case page (summary, open tasks, timeline, the case in its
process diagram) and the PIP as a printable document. Pure reads, each filtered to
what the viewer's roles may read (webui.access.CaseAccess)."""

from dataclasses import dataclass
from datetime import date

from webui.access import CaseAccess
from webui.accounts.models import LANE_SIDE

from .models import Case, Submission
from .selectors import CaseDiagram, CaseView, case_diagram, case_view
from .summary import (
    CaseSummary,
    case_summary,
    colleagues,
    pip_status,
    pip_submission,
    readable_rows,
)
from .timeline import PAGE, Timeline, case_timeline, day_of


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
    limit: int = PAGE,
    diagram: str | None = None,
) -> CaseFile:
    """Everything the case page shows: one page of the timeline (of one ``kind``,
    ``limit`` entries) and the ``diagram`` file asked for (the current phase's
    otherwise)."""
    view = case_view(case=case, access=access, today=today)
    summary = case_summary(case=case, access=access, today=today)
    return CaseFile(
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


def pip_document(*, case: Case, access: CaseAccess, today: date) -> PipDocument:
    """The PIP of the case as far as the viewer may read it: the plan as drawn up,
    the vaststelling and the dates."""
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
