"""The engine's own exceptions; the web layer turns them into messages for users."""

from collections.abc import Sequence

from .findings import Finding


class EngineError(Exception):
    """Base class of everything the engine raises on purpose."""


class DiagramInvalid(EngineError):
    """A diagram set cannot be deployed; carries every finding of the validation run
    (errors and warnings), each naming file, line and element."""

    def __init__(self, findings: "Sequence[Finding]") -> None:
        self.findings = tuple(findings)
        super().__init__(str(self))

    @property
    def errors(self) -> "tuple[Finding, ...]":
        return tuple(f for f in self.findings if f.is_error)

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.errors or self.findings)


class ScriptRefused(EngineError):
    """A script or expression uses something the restricted evaluator does not allow."""


class TaskNotFound(EngineError):
    """The task id is not part of this case."""


class TaskNotReady(EngineError):
    """The task exists but cannot be completed now (done already, or not yet
    reached)."""


class WorkflowFailed(EngineError):
    """Running the diagram failed (a script or condition raised); the case is
    unchanged."""
