"""Writes to cases. The read → advance → lock → check → store cycle lives in
``advancing.case_advance``, once; every change of a case's engine state goes
through it."""

from webui.definitions.bundles import START_FORM

from .assignment import (
    Reassignment,
    case_begeleider_reassign,
    cases_begeleider_reassign,
)
from .base import (
    CaseConflict,
    CaseError,
    NoActiveVersion,
    TaskAlreadyDone,
    TaskNotAllowed,
)
from .consent import (
    CONSENT_ROLES,
    consent_record,
    consent_record_by_statushouder,
    consent_request,
)
from .contact import CONTACT_FORM, CONTACT_ROLES, contactmoment_record
from .corrections import (
    CORRECTION_ROLES,
    DateCorrection,
    case_date_correct,
    correctable_dates,
    sleuteloverdracht_date,
)
from .lifecycle import case_reopen, case_start, task_complete
from .migrating import (
    MovePreview,
    case_migrate,
    case_migration_revert,
    case_move_preview,
    cases_move_preview,
    migration_run_execute,
    migration_run_record,
    migration_runs_claim,
)
from .referrals import REFERRAL_ROLES, referral_follow_up, referral_record
from .registration import RegistrationOutcome, register
from .timers import timers_run

__all__ = [
    "CONTACT_FORM",
    "CONSENT_ROLES",
    "CONTACT_ROLES",
    "CORRECTION_ROLES",
    "DateCorrection",
    "case_date_correct",
    "correctable_dates",
    "sleuteloverdracht_date",
    "START_FORM",
    "CaseConflict",
    "MovePreview",
    "REFERRAL_ROLES",
    "CaseError",
    "NoActiveVersion",
    "TaskAlreadyDone",
    "TaskNotAllowed",
    "Reassignment",
    "RegistrationOutcome",
    "case_begeleider_reassign",
    "cases_begeleider_reassign",
    "case_migrate",
    "case_migration_revert",
    "case_move_preview",
    "case_reopen",
    "case_start",
    "consent_record",
    "consent_record_by_statushouder",
    "consent_request",
    "cases_move_preview",
    "migration_run_execute",
    "migration_run_record",
    "migration_runs_claim",
    "referral_follow_up",
    "referral_record",
    "register",
    "contactmoment_record",
    "task_complete",
    "timers_run",
]
