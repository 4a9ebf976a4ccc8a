"""Background work of the definitions app, on Django's task framework (django-tasks)."""

from django_tasks import task

from .models import Draft, Proefrit
from .proefrit import proefrit_execute
from .services import draft_check, draft_set, draft_version_hash


@task()
def run_proefrit(run_id: int) -> str:
    """Drive the set a proefrit was started for; returns how it ended."""
    run = Proefrit.objects.get(pk=run_id)
    draft = Draft.objects.filter(gemeente_id=run.gemeente_id).first()
    if draft is None or draft_version_hash(draft=draft) != run.content_hash:
        Proefrit.objects.filter(pk=run.pk).update(
            status=Proefrit.Status.FAILED,
            error="Het concept is intussen gewijzigd; start de proefrit opnieuw.",
        )
        return Proefrit.Status.FAILED
    _findings, bundle = draft_check(draft=draft)
    if bundle is None:
        Proefrit.objects.filter(pk=run.pk).update(
            status=Proefrit.Status.FAILED,
            error="Het concept heeft fouten; los die eerst op.",
        )
        return Proefrit.Status.FAILED
    return proefrit_execute(run=run, bundle=bundle, files=draft_set(draft)).status
