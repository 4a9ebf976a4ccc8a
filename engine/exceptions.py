"""The engine's own exceptions; the web layer turns them into messages for users."""


class EngineError(Exception):
    """Base class of everything the engine raises on purpose."""


class DiagramInvalid(EngineError):
    """A diagram set cannot be deployed; names the file, line and element at fault."""

    def __init__(
        self,
        message: str,
        *,
        file_name: str = "",
        line: int | None = None,
        element: str = "",
    ) -> None:
        self.message = message
        self.file_name = file_name
        self.line = line
        self.element = element
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file_name or "?"
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" ({self.element})"
        return f"{where}: {self.message}"


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
