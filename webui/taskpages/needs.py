"""What the task page shows beside the form ("Wat u nodig heeft"): the case
summary and the last few answers of the case, as far as the viewer may read them."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser

from webui.access import case_access
from webui.casework.selectors import HistoryEntry, case_history
from webui.casework.summary import CaseSummary, case_summary
from webui.tasks.models import TaskItem

EARLIER_ANSWERS = 3


@dataclass(frozen=True)
class TaskNeeds:
    """What the task page shows beside the form: the case summary and the last few
    answers of the case, as far as the viewer may read them."""

    summary: CaseSummary
    earlier: list[HistoryEntry]
    # For the processing log: the privacy classes shown, and those shown by consent.
    categories: frozenset[str]
    consented: frozenset[str]


def task_needs(
    *, item: TaskItem, user: AbstractBaseUser, today: date
) -> TaskNeeds | None:
    """None when the user may not open the case (yet): e.g. a task of the pool of
    their role on a case that is not theirs until they pick it up."""
    access = case_access(user=user, case=item.case)
    if access is None:
        return None
    summary = case_summary(case=item.case, access=access, today=today)
    history = case_history(case=item.case, access=access)
    earlier = [entry for entry in reversed(history) if entry.rows][:EARLIER_ANSWERS]
    shown = list(earlier)
    if summary.pip_goals:
        # The PIP's goals come from the latest submission of the task that declares
        # the milestone 'pip_opgesteld'.
        pip_tasks = set(
            item.case.milestones.filter(key="pip_opgesteld").values_list(
                "bpmn_id", flat=True
            )
        )
        shown += [e for e in history[-1::-1] if e.submission.bpmn_id in pip_tasks][:1]
    categories = {"persoonsgegevens"}.union(*(entry.shown for entry in shown))
    consented = set().union(*(entry.by_consent for entry in shown))
    return TaskNeeds(summary, earlier, frozenset(categories), frozenset(consented))
