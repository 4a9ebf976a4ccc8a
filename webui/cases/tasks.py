"""Background work of the cases app, on Django's task framework (django-tasks)."""

from django_tasks import task

from .services.migrating import migration_run_execute


@task()
def run_migration(run_id: int) -> int:
    """Move the cases of a bulk migration; returns how many moved."""
    return migration_run_execute(run_id=run_id).moved
