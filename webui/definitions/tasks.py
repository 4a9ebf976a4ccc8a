"""Background work of the definitions app, on Django's task framework (django-tasks):
the task, and the function that hands work to it. The proefrit and the services never
import this module, so the arrows run one way."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from django_tasks import task

from webui.accounts.models import Gemeente

from .models import Draft, Proefrit
from .proefrit import proefrit_execute, proefrit_record
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


def proefrit_start(
    *,
    gemeente: Gemeente | None,
    content_hash: str,
    user: AbstractBaseUser | None,
) -> Proefrit:
    """Queue a proefrit of a set (the background worker runs it)."""
    run = proefrit_record(gemeente=gemeente, content_hash=content_hash, user=user)
    transaction.on_commit(lambda: run_proefrit.enqueue(run.pk))
    return run
