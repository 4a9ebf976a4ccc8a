"""Background work of the definitions app, on Django's task framework (django-tasks)."""

from django_tasks import task

from .bundles import check_files, version_files
from .models import Draft, Proefrit
from .proefrit import proefrit_execute
from .services import draft_set, set_hash


@task()
def run_proefrit(run_id: int) -> str:
    """Drive the set a proefrit was started for; returns how it ended."""
    run = Proefrit.objects.get(pk=run_id)
    files = _set_of(run)
    if files is None:
        Proefrit.objects.filter(pk=run.pk).update(
            status=Proefrit.Status.FAILED,
            error="Het concept is intussen gewijzigd; start de proefrit opnieuw.",
        )
        return Proefrit.Status.FAILED
    base = _base_files(run)
    _findings, bundle = check_files(files, base=base)
    if bundle is None:
        Proefrit.objects.filter(pk=run.pk).update(
            status=Proefrit.Status.FAILED,
            error="Het concept heeft fouten; los die eerst op.",
        )
        return Proefrit.Status.FAILED
    return proefrit_execute(run=run, bundle=bundle, files=files).status


def _set_of(run: Proefrit) -> dict[str, str] | None:
    """The files the run was started for: the gemeente's draft, if unchanged."""
    draft = Draft.objects.filter(gemeente_id=run.gemeente_id).first()
    if draft is None:
        return None
    files = draft_set(draft)
    return files if set_hash(files) == run.content_hash else None


def _base_files(run: Proefrit) -> dict[str, str] | None:
    draft = Draft.objects.filter(gemeente_id=run.gemeente_id).select_related("base")
    first = draft.first()
    if first is None or first.base is None:
        return None
    return version_files(first.base)
