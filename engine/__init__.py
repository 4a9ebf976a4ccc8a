"""The Wegwijs process engine: SpiffWorkflow behind a small, safe facade. No Django
here."""

from .clock import Clock, ManualClock, SystemClock
from .corrections import Corrected, CorrectionRefused, MovedTimer, correct_value
from .exceptions import (
    DiagramInvalid,
    EngineError,
    ScriptRefused,
    TaskNotFound,
    TaskNotReady,
    WorkflowFailed,
)
from .findings import ERROR, WARNING, Finding, has_errors, sort_findings
from .imports import Conversion, convert_camunda
from .limits import DEFAULT_BUDGET, Budget
from .milestones import MilestoneRule, ReachedMilestone, RulesInvalid, parse_rules
from .runtime import (
    COMPLETED_PHASE,
    ReadyTask,
    Snapshot,
    complete_task,
    fire_timers,
    inspect_case,
    start_case,
)
from .specs import (
    MAIN_PROCESS,
    ROLES,
    DeployedVersion,
    MilestoneDeclaration,
    Validation,
    build_version,
    collect_diagrams,
    content_hash,
    declared_processes,
    load_version,
    validate,
)
from .trail import Trail, file_processes, trail_of
from .validation import FormCatalog, FormSummary

__all__ = [
    "COMPLETED_PHASE",
    "DEFAULT_BUDGET",
    "ERROR",
    "MAIN_PROCESS",
    "ROLES",
    "WARNING",
    "Budget",
    "Clock",
    "Conversion",
    "Corrected",
    "CorrectionRefused",
    "DeployedVersion",
    "DiagramInvalid",
    "EngineError",
    "Finding",
    "FormCatalog",
    "FormSummary",
    "ManualClock",
    "MilestoneDeclaration",
    "MilestoneRule",
    "MovedTimer",
    "ReachedMilestone",
    "ReadyTask",
    "RulesInvalid",
    "ScriptRefused",
    "Snapshot",
    "SystemClock",
    "TaskNotFound",
    "TaskNotReady",
    "Trail",
    "Validation",
    "WorkflowFailed",
    "build_version",
    "collect_diagrams",
    "complete_task",
    "content_hash",
    "convert_camunda",
    "correct_value",
    "declared_processes",
    "file_processes",
    "fire_timers",
    "has_errors",
    "inspect_case",
    "load_version",
    "parse_rules",
    "sort_findings",
    "start_case",
    "trail_of",
    "validate",
]
