"""What the studio pages show of the proefrit of a draft: its latest drive, whether
the draft may be deployed, and what the modeler draws of it."""

from typing import Any

from webui.accounts.models import Gemeente
from webui.definitions.models import Draft, Proefrit
from webui.definitions.proefrit import as_findings, proefrit_for, proefrit_required
from webui.definitions.services import draft_version_hash


def draft_proefrit(draft: Draft) -> tuple[str | None, Proefrit | None]:
    """The fingerprint of the draft's version-to-be (None while it has errors) and
    the latest proefrit of exactly that."""
    digest = draft_version_hash(draft=draft)
    return digest, proefrit_for(digest) if digest is not None else None


def proefrit_context(draft: Draft) -> dict[str, Any]:
    """What the check page says about the proefrit of the draft as it is now."""
    _digest, run = draft_proefrit(draft)
    return {
        "proefrit": run,
        "proefrit_required": proefrit_required(),
        "may_deploy": run is not None and run.passed or not proefrit_required(),
    }


def modeler_coverage(gemeente: Gemeente, file_name: str) -> dict[str, Any] | None:
    """The latest finished proefrit's coverage of one diagram, for the modeler: which
    elements and steps were driven, which never reached; ``stale`` when the draft has
    changed since."""
    run = (
        Proefrit.objects.filter(gemeente=gemeente, status=Proefrit.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    if run is None:
        return None
    entry = run.report.get("coverage", {}).get(file_name)
    if entry is None:
        return None
    draft = Draft.objects.filter(gemeente=gemeente).first()
    current = draft_version_hash(draft=draft) if draft is not None else None
    return {
        "driven": entry.get("driven", []),
        "missed": entry.get("missed", []),
        "steps": entry.get("steps", []),
        "stale": current != run.content_hash,
        "finished_at": run.finished_at,
        "findings": as_findings(run.report),
    }
