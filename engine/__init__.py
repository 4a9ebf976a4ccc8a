"""The Wegwijs process engine: SpiffWorkflow behind a small, safe facade. No Django
here."""

from .clock import Clock, ManualClock, SystemClock
from .exceptions import (
    DiagramInvalid,
    EngineError,
    ScriptRefused,
    TaskNotFound,
    TaskNotReady,
    WorkflowFailed,
)
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
    build_version,
    collect_diagrams,
    content_hash,
    declared_processes,
    load_version,
)

__all__ = [
    "COMPLETED_PHASE",
    "MAIN_PROCESS",
    "ROLES",
    "Clock",
    "DeployedVersion",
    "DiagramInvalid",
    "EngineError",
    "ManualClock",
    "ReadyTask",
    "ScriptRefused",
    "Snapshot",
    "SystemClock",
    "TaskNotFound",
    "TaskNotReady",
    "WorkflowFailed",
    "build_version",
    "collect_diagrams",
    "complete_task",
    "content_hash",
    "declared_processes",
    "fire_timers",
    "inspect_case",
    "load_version",
    "start_case",
]
