"""The case file's history: every submission the viewer may see, with the answers
their roles may read."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from forms.registry import FormDefinition, UnknownFormKey
from forms.values import display_rows
from webui.access import CONSENT_MILESTONES, CaseAccess, leefgebied_privacy
from webui.accounts.models import LANE_SIDE
from webui.accounts.selectors import user_choices
from webui.cases.models import Case, Submission
from webui.definitions.bundles import bundle_of


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
