"""Background work of the reports app, on Django's task framework (django-tasks)."""

from django_tasks import task

from .services import export_run_execute


@task()
def run_export(run_id: int) -> str:
    """Write one big case-status export; returns how it ended."""
    return export_run_execute(run_id=run_id).status
