"""Reads for case pages, lists and the export.

The case list and its overview figures (``lists``); the case page (``page``), with the
history of submissions (``history``), the phases (``phases``), the consents
(``consents``) and the referrals (``referrals``); the MB report (``mb_report``) and
milestones in words (``milestones``); the case in its process diagram (``diagram``);
the cases a beheerder migrates (``migration``). What the viewer may read is decided in
webui.access.
"""

from .consents import (
    ConsentState,
    consent_overview,
    consent_requests_for,
    open_consent_requests,
)
from .diagram import (
    CaseDiagram,
    CaseMarks,
    DiagramChoice,
    case_diagram,
    case_marks,
    case_trail,
    diagram_choices,
)
from .history import HistoryEntry, case_history
from .lists import (
    Overview,
    case_overview,
    filtered_cases,
    overdue_q,
    phase_filter_label,
    with_open_task_counts,
)
from .mb_report import MbReport, mb_report
from .migration import cases_for_migration, migration_phases, migration_revertible
from .milestones import case_outcome, milestone_label
from .page import CaseView, case_form, case_view, pip_overdue, start_form
from .phases import PhaseStep, case_phase_file, case_phases, phase_statuses
from .referrals import (
    ReferralRow,
    case_referrals,
    follow_ups,
    referral_for,
    referral_start_from_contact,
)

__all__ = [
    "CaseDiagram",
    "CaseMarks",
    "CaseView",
    "ConsentState",
    "DiagramChoice",
    "HistoryEntry",
    "MbReport",
    "Overview",
    "PhaseStep",
    "ReferralRow",
    "case_diagram",
    "case_form",
    "case_history",
    "case_marks",
    "case_outcome",
    "case_overview",
    "case_phase_file",
    "case_phases",
    "case_referrals",
    "case_trail",
    "case_view",
    "cases_for_migration",
    "consent_overview",
    "consent_requests_for",
    "diagram_choices",
    "filtered_cases",
    "follow_ups",
    "mb_report",
    "migration_phases",
    "migration_revertible",
    "milestone_label",
    "open_consent_requests",
    "overdue_q",
    "phase_filter_label",
    "phase_statuses",
    "pip_overdue",
    "referral_for",
    "referral_start_from_contact",
    "start_form",
    "with_open_task_counts",
]
