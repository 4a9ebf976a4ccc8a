"""Stored diagram versions as the engine sees them."""

import engine
from engine import DeployedVersion

from .models import WorkflowVersion


def deployed(version: WorkflowVersion) -> DeployedVersion:
    """The engine's parsed specs of a stored version (parsed once per process)."""
    return engine.load_version({k: v.encode() for k, v in version.files.items()})
