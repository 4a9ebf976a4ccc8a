"""Background work of the reports app, on Django's task framework (django-tasks): the
task, and the function that hands work to it. The services record the work and never
import this module, so the arrows run one way."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from django_tasks import task

from .filters import ReportFilter
from .models import ExportRun
from .services import export_run_execute, export_run_record


@task()
def run_export(run_id: int) -> str:
    """Write one big case-status export; returns how it ended."""
    return export_run_execute(run_id=run_id).status


def export_run_start(
    *, user: AbstractBaseUser, report_filter: ReportFilter, now: datetime | None = None
) -> ExportRun:
    """Record a big export and hand it to the background worker."""
    run = export_run_record(user=user, report_filter=report_filter, now=now)
    transaction.on_commit(lambda: run_export.enqueue(run.pk))
    return run
