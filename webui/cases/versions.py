"""Stored diagram versions as the engine sees them."""

import engine
from engine import DeployedVersion

from .models import WorkflowVersion


def deployed(version: WorkflowVersion) -> DeployedVersion:
    """The engine's parsed specs of a stored version (parsed once per process)."""
    return engine.load_version({k: v.encode() for k, v in version.files.items()})


def version_processes(version: WorkflowVersion) -> dict[str, dict[str, str]]:
    """File name -> the processes that file declares (process id -> name)."""
    return {
        name: engine.declared_processes(xml.encode())
        for name, xml in version.files.items()
    }


def process_file(version: WorkflowVersion, process_id: str) -> str | None:
    """The file of a stored version that declares ``process_id``, if any."""
    return next(
        (
            name
            for name, processes in version_processes(version).items()
            if process_id in processes
        ),
        None,
    )
